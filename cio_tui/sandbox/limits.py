"""Per-API token buckets (App 10 req/s, Track 1000 req/s by default; 0 = no limit), answered 429 + Retry-After."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class TokenBucket:
    """``rate`` tokens per second, burst ``rate`` (at least 1). ``take()`` returns 0 or the seconds to wait."""

    def __init__(self, rate: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rate = float(rate)
        self.capacity = max(1.0, self.rate)
        self.tokens = self.capacity
        self._now = monotonic
        self._last = monotonic()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self) -> float:
        if not self.enabled:
            return 0.0
        with self._lock:
            now = self._now()
            self.tokens = min(self.capacity, self.tokens + (now - self._last) * self.rate)
            self._last = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return 0.0
            return (1.0 - self.tokens) / self.rate


def retry_after_header(wait: float) -> str:
    """Integer seconds, at least 1 (the documented form)."""
    return str(max(1, math.ceil(wait)))


class RateLimits:
    def __init__(self, track_rps: float, app_rps: float) -> None:
        self.buckets = {"track": TokenBucket(track_rps), "app": TokenBucket(app_rps)}

    def check(self, api: str) -> float:
        bucket = self.buckets.get(api)
        return bucket.take() if bucket else 0.0
