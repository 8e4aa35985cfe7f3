"""Reproducible fault injection: the same seed gives the same sequence of faults for the same request order.

Each request to the Track or App API draws exactly three numbers from one seeded generator, so a run is a pure
function of (seed, request order). A fault on a write is applied *after* the write half of the time, as real
servers do when they fail between committing and answering, so clients must reconcile rather than resend.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

KINDS = ("429", "500", "502", "503", "drop")
WEIGHTS = (3, 2, 1, 2, 2)


class DroppedConnection(Exception):  # noqa: N818 - it is an event, not an error of the app
    """Raised after the response started so the server closes the connection with no complete answer."""


@dataclass(frozen=True)
class Fault:
    number: int  # 1-based index of the request among those that went through the injector
    kind: str  # one of KINDS
    applied: bool  # the write took effect before the fault was answered

    @property
    def status(self) -> int | None:
        return None if self.kind == "drop" else int(self.kind)


class FaultInjector:
    def __init__(self, rate: float, seed: int) -> None:
        self.rate = max(0.0, min(1.0, rate))
        self.seed = seed
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self.count = 0
        self.history: list[Fault] = []

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def draw(self, *, is_write: bool) -> Fault | None:
        with self._lock:
            self.count += 1
            hit, pick, after = self._rng.random(), self._rng.random(), self._rng.random()
            if hit >= self.rate:
                return None
            total = sum(WEIGHTS)
            acc = 0.0
            kind = KINDS[-1]
            for k, w in zip(KINDS, WEIGHTS, strict=True):
                acc += w / total
                if pick < acc:
                    kind = k
                    break
            # A 429 is refused before anything happens; a 5xx or a drop on a write may come after applying it.
            fault = Fault(self.count, kind, applied=is_write and kind != "429" and after < 0.5)
            self.history.append(fault)
            return fault
