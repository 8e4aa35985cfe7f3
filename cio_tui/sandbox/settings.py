"""Sandbox settings: workspace behaviour (persisted in the workspace db) and serving behaviour (per run)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypedDict

from cio_tui.model.settings import MODES, Mode, WorkspaceSettings

__all__ = [
    "MODES",
    "Mode",
    "ManualClock",
    "SandboxOptions",
    "SandboxSettings",
    "WorkspaceFlags",
    "WorkspaceSettings",
    "wall_clock",
]


def wall_clock() -> int:
    return int(time.time())


@dataclass
class SandboxSettings:
    """``None`` for a workspace setting means "what the db says" (defaults for a new workspace in brackets)."""

    mode: Mode | None = None  # [email_or_id]
    auto_merge: bool | None = None  # [True]
    email_update_by_id: bool | None = None  # [False]
    phone_identifiers: bool | None = None  # [False]
    anonymous_merge: bool | None = None  # [True]
    ignore_older_updates: bool | None = None  # [True]
    track_rps: float = 1000.0  # 0 = no limit (Track's published soft limit)
    app_rps: float = 10.0  # 0 = no limit
    fault_rate: float = 0.0  # share of requests that fail (0..1)
    fault_seed: int = 0
    latency_ms: float = 0.0
    visibility_lag: float = 0.0  # seconds before reads see an accepted Track write (0 = at once); visibility.py
    clock: Callable[[], int] = field(default=wall_clock)
    workspace_name: str = "Sandbox workspace"


class SandboxOptions(TypedDict, total=False):
    """``SandboxSettings`` as keyword arguments (``embedded_transport(path, visibility_lag=2)``); the same fields."""

    mode: Mode | None
    auto_merge: bool | None
    email_update_by_id: bool | None
    phone_identifiers: bool | None
    anonymous_merge: bool | None
    ignore_older_updates: bool | None
    track_rps: float
    app_rps: float
    fault_rate: float
    fault_seed: int
    latency_ms: float
    visibility_lag: float
    clock: Callable[[], int]
    workspace_name: str


# The resolved workspace behaviour a request runs under is the engine's own settings type.
WorkspaceFlags = WorkspaceSettings

# Track's published limit is 1000 requests/second (soft): https://docs.customer.io/files/journeys-track.json
TRACK_RPS_DEFAULT = 1000.0
APP_RPS_DEFAULT = 10.0


class ManualClock:
    """A settable clock for tests and screenshots: ``clock = ManualClock(t); clock.advance(60)``."""

    def __init__(self, now: int) -> None:
        self.now = int(now)

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> int:
        self.now += int(seconds)
        return self.now
