"""Async token bucket (GCRA form), one per API.

``TokenBucket(rate, burst=1)`` lets at most ``burst`` requests through at once and then one every ``1/rate``
seconds. Callers are served in order through a lock, and each slot is measured from the moment the previous caller
was actually released (not from when it was scheduled), so a late wake-up can never bunch requests together: with
the default ``burst=1`` no one-second window ever holds more than ``rate`` requests, however many tasks call
:meth:`acquire` at once. :meth:`pause` holds everyone back (for a caller that knows the whole API must wait).
Clock and sleep are injectable for tests.
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
        self._tat = float("-inf")  # theoretical arrival time of the next request
        self._paused_until = float("-inf")
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def delay(self) -> float:
        """How long a caller arriving now would wait (0 when it may go at once)."""
        now = self._clock()
        start = max(now, self._paused_until, self._tat - self._tolerance)
        wait = start - now
        return wait if wait > 1e-9 else 0.0

    def _take(self) -> None:
        now = self._clock()
        self._tat = max(self._tat, now) + self._interval

    async def acquire(self) -> float:
        """Wait for a slot, in arrival order. Returns the time waited (seconds)."""
        loop = asyncio.get_running_loop()
        if self._lock is None or self._lock_loop is not loop:  # a lock belongs to one event loop
            self._lock, self._lock_loop = asyncio.Lock(), loop
        waited = 0.0
        async with self._lock:
            while (wait := self.delay()) > 0:  # re-checked: a pause may arrive while sleeping
                await self._sleep(wait)
                waited += wait
            self._take()
        return waited

    def reserve(self) -> float:
        """Take the next slot without waiting for it; returns how long the caller must wait before sending.
        (Synchronous form for callers that schedule themselves; ``acquire`` is the usual way.)"""
        wait = self.delay()
        now = self._clock()
        self._tat = max(self._tat, now + wait) + self._interval
        return wait

    def pause(self, seconds: float) -> None:
        """Hold every request (queued or future) for ``seconds`` from now."""
        until = self._clock() + max(0.0, seconds)
        if until > self._paused_until:
            self._paused_until = until


__all__ = ["TokenBucket"]
