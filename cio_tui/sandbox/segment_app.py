"""The emulated Segment workspace on the sandbox origin: Public API and tracking API under ``/segment``.

``install(app, db_path, clock)`` is the one hook the sandbox app calls; nothing else in the sandbox knows Segment.
Public API base URL: ``<sandbox origin>/segment``; tracking API: ``<sandbox origin>/segment/tracking/v1/<type>``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from starlette.routing import Mount

from cio_tui.sandbox.segment_delivery import tracking_routes
from cio_tui.sandbox.segment_public_api import routes
from cio_tui.sandbox.segment_state import SegmentState

PREFIX = "/segment"


def segment_mount() -> Mount:
    return Mount(PREFIX, routes=[*tracking_routes(), *routes()])


def segment_state(db_path: str | Path, clock: Callable[[], int]) -> SegmentState:
    return SegmentState(db_path, lambda: datetime.fromtimestamp(clock(), UTC))


__all__ = ["PREFIX", "segment_mount", "segment_state"]
