"""Async token bucket (GCRA form), one per API.

``TokenBucket(rate, burst=1)`` lets at most ``burst`` requests through at once and then one every ``1/rate``
seconds, so with the default ``burst=1`` no window of one second ever holds more than ``rate`` requests, however
many tasks call :meth:`acquire` at the same time. :meth:`pause` pushes every waiter back (a 429 with
``Retry-After`` applies to the whole API, not just the request that got it). Clock and sleep are injectable.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    def __init__(
        self,
        rate: float,
        *,
        burst: int = 1,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        self.rate = float(rate)
        self.burst = burst
        self._interval = 1.0 / self.rate
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._sleep = sleep
        self._tat = 0.0  # theoretical arrival time of the next request
        self._paused_until = 0.0

    def reserve(self) -> float:
        """Take the next slot; returns how long the caller must wait before sending (0 when it may go now)."""
        now = self._clock()
        tat = max(self._tat, now, self._paused_until)
        start = max(now, self._paused_until, tat - self._tolerance)
        self._tat = tat + self._interval
        delay = start - now
        return delay if delay > 1e-9 else 0.0

    async def acquire(self) -> float:
        """Wait for a slot. Returns the time waited (seconds)."""
        delay = self.reserve()
        if delay > 0:
            await self._sleep(delay)
        return delay

    def pause(self, seconds: float) -> None:
        """Hold every request (queued or future) for ``seconds`` from now, e.g. on 429 with Retry-After."""
        until = self._clock() + max(0.0, seconds)
        if until > self._paused_until:
            self._paused_until = until
            self._tat = max(self._tat, until)


__all__ = ["TokenBucket"]
