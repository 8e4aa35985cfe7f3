"""The emulated Segment workspace on the sandbox origin: Public API and tracking API under ``/segment``.

``segment_mount(db_path, clock)`` is the one hook the sandbox app calls; nothing else in the sandbox knows Segment.
Public API base URL: ``<sandbox origin>/segment``; tracking API: ``<sandbox origin>/segment/tracking/v1/<type>``.

The Segment routes, their state and the destination models they deliver through are built on the first request
under ``/segment``: most sandbox sessions (``cio-tui --sandbox``, tests of Customer.io behaviour) never send one,
and importing them was a large part of opening the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.routing import Mount, Router
from starlette.types import Receive, Scope, Send

if TYPE_CHECKING:
    from cio_tui.sandbox.segment_state import SegmentState

PREFIX = "/segment"


def segment_state(db_path: str | Path, clock: Callable[[], int]) -> SegmentState:
    from cio_tui.sandbox.segment_state import SegmentState

    return SegmentState(db_path, lambda: datetime.fromtimestamp(clock(), UTC))


class LazySegment:
    """ASGI app of the ``/segment`` mount: routes and ``app.state.segment`` made on the first request."""

    def __init__(self, db_path: str | Path, clock: Callable[[], int]) -> None:
        self.db_path, self.clock = db_path, clock
        self.router: Router | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.router is None:  # no await before the assignment: one event loop builds it once
            from cio_tui.sandbox.segment_delivery import tracking_routes
            from cio_tui.sandbox.segment_public_api import routes

            scope["app"].state.segment = segment_state(self.db_path, self.clock)
            self.router = Router(routes=[*tracking_routes(), *routes()])
        await self.router(scope, receive, send)


def segment_mount(db_path: str | Path, clock: Callable[[], int]) -> Mount:
    return Mount(PREFIX, app=LazySegment(db_path, clock))


__all__ = ["PREFIX", "LazySegment", "segment_mount", "segment_state"]
