"""An event loop whose clock skips its idle waits: ``asyncio.sleep(4)`` returns at once, and the loop's ``time()``
is 4 s later, as if the 4 s had passed. Code that times itself with the loop (or with ``time.monotonic`` patched to
``loop.time``) sees the same order of events and the same elapsed times as on a real clock, in a fraction of the wall
time. Only for code that waits on the loop's timers alone: a thread or a subprocess working meanwhile would be
overtaken by the skipped time."""

from __future__ import annotations

import asyncio
import selectors
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


class _SkippingSelector(selectors.DefaultSelector):
    """Polls without blocking; a wait with nothing to read moves the loop's clock on instead."""

    def __init__(self) -> None:
        super().__init__()
        self.loop: VirtualClockLoop | None = None

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        ready = super().select(0)
        if ready:
            return ready
        if timeout is None:  # no timer at all: only a read can wake the loop
            return super().select(None)
        if timeout > 0 and self.loop is not None:
            self.loop.skipped += timeout
        return []


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """The real monotonic clock plus every idle wait skipped so far."""

    def __init__(self) -> None:
        selector = _SkippingSelector()
        super().__init__(selector)
        selector.loop = self
        self.skipped = 0.0

    def time(self) -> float:
        return time.monotonic() + self.skipped


def run_on_virtual_clock(main: Coroutine[Any, Any, T]) -> T:
    """``main`` to completion on a fresh ``VirtualClockLoop`` (closed afterwards)."""
    loop = VirtualClockLoop()
    try:
        return loop.run_until_complete(main)
    finally:
        loop.close()
