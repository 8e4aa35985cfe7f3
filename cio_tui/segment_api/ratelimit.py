"""A sliding-window limiter: at most ``limit`` requests in any ``period`` seconds (Segment's limits are per minute).

Unlike a pacing bucket, five requests a minute may go at once and the sixth waits until the first leaves the
window, which is how a per-minute budget is counted. Clock and sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable


class WindowLimiter:
    def __init__(
        self,
        limit: int,
        period: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if limit < 1 or period <= 0:
            raise ValueError("limit must be >= 1 and period > 0")
        self.limit, self.period = limit, period
        self._clock, self._sleep = clock, sleep
        self._sent: deque[float] = deque()
        self._paused_until = float("-inf")
        self.waited = 0.0  # total seconds callers were held back (shown in progress lines and tests)

    def delay(self) -> float:
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()
        wait = max(0.0, self._paused_until - now)
        if len(self._sent) >= self.limit:
            wait = max(wait, self._sent[0] + self.period - now)
        return wait

    async def acquire(self) -> None:
        while True:
            wait = self.delay()
            if wait <= 0:
                self._sent.append(self._clock())
                return
            self.waited += wait
            await self._sleep(wait)

    def pause(self, seconds: float) -> None:
        """Hold every caller back (a 429 says the server's window is full, whatever ours counts)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)


__all__ = ["WindowLimiter"]
