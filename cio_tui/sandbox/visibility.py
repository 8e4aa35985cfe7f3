"""The visibility-lag fault: reads see an accepted Track write only ``lag`` seconds after it was answered.

Customer.io processes Track writes asynchronously: a ``200`` means "accepted", and the App API shows the change a
while later. With ``SandboxSettings.visibility_lag`` (``sandbox serve --visibility-lag SECONDS``) the sandbox does
the same at the HTTP layer, leaving the engine's semantics untouched: each Track write is run once against the
current state and rolled back, so a refusal (400, 207) is answered at once exactly as without the lag; an accepted
write is answered ``200`` at once and applied, in arrival order, once its lag is over (before any request that
arrives later is served, and when the server stops). An apply engine must therefore wait and re-read, never resend
a write whose effect it cannot yet see.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cio_tui.model.engine import Engine, Result
    from cio_tui.sandbox.store import Store


class _Rollback(Exception):  # noqa: N818 - control flow: undo the trial run
    pass


@dataclass(frozen=True)
class _Pending:
    due: float
    method: str
    path: str
    body: bytes


class VisibilityLag:
    """Holds accepted Track writes until they are due. ``engine.execute_raw`` and ``store.tx``/``store.lock`` are
    the sandbox's own; ``clock`` is injectable for tests."""

    def __init__(self, store: Store, engine: Engine, lag: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.store, self.engine, self.lag, self.clock = store, engine, max(0.0, lag), clock
        self._pending: deque[_Pending] = deque()
        self._guard = threading.Lock()
        self.trial = False  # true while a write is run only to see how it would be answered (counters skip it)

    @property
    def enabled(self) -> bool:
        return self.lag > 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def execute(self, method: str, path: str, body: bytes) -> Result:
        """Answer a Track write now; apply it now (no lag, or refused) or when it is due."""
        self.flush_due()
        if not self.enabled:
            return self.engine.execute_raw(method, path, body)
        answer: list[Result] = []
        with self.store.lock:
            self.trial = True
            try:
                with self.store.tx():
                    answer.append(self.engine.execute_raw(method, path, body))
                    raise _Rollback
            except _Rollback:
                pass
            finally:
                self.trial = False
        result = answer[0]
        if result.status != 200:  # refused (in part): no effect to delay, answered as without the lag
            with self.store.lock:
                return self.engine.execute_raw(method, path, body)
        with self._guard:
            self._pending.append(_Pending(self.clock() + self.lag, method, path, body))
        return result

    def flush_due(self, *, everything: bool = False) -> int:
        """Apply every write whose lag is over (all of them with ``everything``); returns how many."""
        if not self._pending:
            return 0
        done = 0
        now = self.clock()
        with self.store.lock:
            while True:
                with self._guard:
                    if not self._pending or (not everything and self._pending[0].due > now):
                        break
                    item = self._pending.popleft()
                self.engine.execute_raw(item.method, item.path, item.body)
                done += 1
        return done


__all__ = ["VisibilityLag"]
