"""Sandbox settings: workspace behaviour (persisted in the workspace db) and serving behaviour (per run)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

Mode = Literal["email_or_id", "id_only"]
MODES: tuple[str, ...] = ("email_or_id", "id_only")


def wall_clock() -> int:
    return int(time.time())


@dataclass
class SandboxSettings:
    """``None`` for a workspace setting means "what the db says" (defaults for a new workspace in brackets)."""

    mode: Mode | None = None  # [email_or_id]
    auto_merge: bool | None = None  # [True]
    email_update_by_id: bool | None = None  # [False]
    track_rps: float = 100.0  # 0 = no limit
    app_rps: float = 10.0  # 0 = no limit
    fault_rate: float = 0.0  # share of requests that fail (0..1)
    fault_seed: int = 0
    latency_ms: float = 0.0
    clock: Callable[[], int] = field(default=wall_clock)
    workspace_name: str = "Sandbox workspace"


@dataclass(frozen=True)
class WorkspaceFlags:
    """The resolved workspace behaviour a request runs under."""

    mode: Mode = "email_or_id"
    auto_merge: bool = True
    email_update_by_id: bool = False

    @property
    def email_is_identifier(self) -> bool:
        return self.mode == "email_or_id"


class ManualClock:
    """A settable clock for tests and screenshots: ``clock = ManualClock(t); clock.advance(60)``."""

    def __init__(self, now: int) -> None:
        self.now = int(now)

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> int:
        self.now += int(seconds)
        return self.now
