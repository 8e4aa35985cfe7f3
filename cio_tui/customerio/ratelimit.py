"""Async rate limiter, one per API: GCRA pacing plus a sliding one-second window.

``TokenBucket(rate, burst=1)`` paces requests one every ``1/rate`` seconds (``burst`` lets that many through at
once), and a sliding window makes it a hard guarantee: no one-second window ever holds more than ``floor(rate)``
requests (for a rate under 1/s: one request per ``1/rate`` seconds), however many tasks call :meth:`acquire` at
once. Pacing is measured from the scheduled slot, so an event loop that wakes a caller a few milliseconds late does
not cost throughput (it used to: 1,000 identifies at 100/s took 11.3 s instead of 10 s); the window, not the spacing,
is what keeps the client inside its budget. Callers are served in order through a lock. :meth:`pause` holds
everyone back (for a caller that knows the whole API must wait); :meth:`slow_down` is the shared back-off of a 429
(the server counts more than we send, e.g. another sender shares the workspace's budget, so the whole client backs
off, not only the refused request): it halves everyone's rate at once, and the rate climbs back to the full budget
at ``RECOVERY_PER_SECOND`` of it per second. One stray 429 so costs about an eighth of a second of sending (a
fixed half rate for the Retry-After time cost half a second each: 1.7x the Track limit in bench_apply at 5 % faults);
429s that keep coming halve it again before it recovers, so a storm holds the client at a small share of its budget
(a tenth to a fifth at 100 req/s: the tests measure it at the server). Clock and sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
WIRE_SLACK = 0.02  # seconds added to the one-second window (see TokenBucket.__init__)
CUT = 0.5  # a 429 multiplies the rate of every caller of the API by this at once
RECOVERY_PER_SECOND = 1.0  # then the allowed share of the budget climbs back by this much per second, up to 1
MIN_SHARE = 1 / 32  # the share never falls below this (the refused requests themselves wait their Retry-After)
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
        self._share = 1.0  # share of the rate allowed at ``_share_at`` (429s cut it; it recovers with time)
        self._share_at = float("-inf")
        # The hard cap: at most ``_cap`` releases in any ``_window`` seconds.
        self._cap = max(1, math.floor(self.rate)) if self.rate >= 1 else 1
        # 20 ms of slack: a request reaches the wire a little after its release, by a varying delay (event loop,
        # request building), so windows measured where the server counts could otherwise hold one request more.
        self._window = (1.0 if self.rate >= 1 else 1.0 / self.rate) + WIRE_SLACK
        self._recent: deque[float] = deque(maxlen=self._cap)
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def delay(self) -> float:
        """How long a caller arriving now would wait (0 when it may go at once)."""
        now = self._clock()
        start = max(now, self._paused_until, self._tat - self._tolerance)
        if len(self._recent) == self._cap:
            start = max(start, self._recent[0] + self._window)
        wait = start - now
        return wait if wait > 1e-9 else 0.0

    def _take(self) -> None:
        now = self._clock()
        # A caller released less than one interval late keeps its scheduled slot, so the lateness is caught up by
        # the next caller; after idle time or a pause, pacing starts afresh from now (nothing is banked).
        base = self._tat if self._tat >= now - self._interval else now
        interval = self._interval / self.share()
        self._tat = max(base, self._paused_until) + interval
        self._recent.append(now)

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
        self._tat = max(self._tat, now + wait) + self._interval / self.share()
        self._recent.append(now + wait)
        return wait

    def share(self) -> float:
        """The share of the rate every caller gets now (1.0 unless 429s came lately)."""
        return min(1.0, self._share + (self._clock() - self._share_at) * RECOVERY_PER_SECOND)

    def slow_down(self) -> None:
        """The server said 429: every caller of this API goes at ``CUT`` times its current rate at once, recovering
        by ``RECOVERY_PER_SECOND`` of the budget per second (the shared back-off; the request that was refused
        also waits its own Retry-After)."""
        self._share = max(MIN_SHARE, self.share() * CUT)
        self._share_at = self._clock()

    @property
    def slowed(self) -> bool:
        return self.share() < 1.0

    def pause(self, seconds: float) -> None:
        """Hold every request (queued or future) for ``seconds`` from now."""
        until = self._clock() + max(0.0, seconds)
        if until > self._paused_until:
            self._paused_until = until


__all__ = ["TokenBucket"]
