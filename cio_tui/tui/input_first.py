"""The operator's keys come before the app's background threads.

Right after the first frame the app opens the workspace and reads the first area's data in worker threads (the
settings model, the sandbox, the Walkthrough's service and state: mostly imports, which hold the interpreter lock
throughout). A key pressed meanwhile waited for them: the event loop got the lock for one switch interval (5 ms) at a
time, so reading the key, the new layout and the frame took about twice their own time, and every hand-over between
the driver's threads and the loop waited once more.

Now an input event closes a gate (``InputGate.input_arrived``) and the app opens it again once the input is answered
(``InputGate.answered``: a frame written with nothing left on the way to the focused widget), or ``HOLD`` seconds
passing does. While it is closed, a worker thread waits at its next module import (``HoldImports``, a finder on
``sys.meta_path`` that finds nothing and only waits) and at the points that call ``InputGate.wait``. The work itself
is not put off: it goes on as soon as the key has been answered, and a thread already inside one module's code
finishes it first.

The finder stays on ``sys.meta_path`` for the app's whole life, not only while the workspace opens: any worker
thread's import that starts while a key or click is being answered waits for it, at most ``HOLD`` seconds.
"""

from __future__ import annotations

import _imp
import sys
import threading
import time
from collections.abc import Sequence
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

HOLD = 0.1
"""Seconds a closed gate stays closed at most after the last input event."""
WORKER_PREFIX = "asyncio_"
"""Name prefix of the event loop's default executor's threads: Textual's thread workers and ``asyncio.to_thread``
run there (the driver's own threads, which read keys and write frames, are named otherwise and never wait)."""


def is_worker_thread() -> bool:
    return threading.current_thread().name.startswith(WORKER_PREFIX)


class InputGate:
    """Closed from an input event until it is answered (or ``hold`` seconds pass); worker threads wait at it
    (``wait``)."""

    def __init__(self, hold: float = HOLD) -> None:
        self.hold = hold
        self._open = threading.Event()
        self._open.set()
        self._until = 0.0
        self.waiting = 0
        """How many threads wait at the gate now."""

    @property
    def is_open(self) -> bool:
        """No input waits to be answered (it was, or ``hold`` has passed)."""
        return self._open.is_set() or self.expired

    def input_arrived(self) -> None:
        """On the event loop: an input event came; worker threads hold off until it is answered."""
        self._until = time.monotonic() + self.hold
        self._open.clear()

    @property
    def expired(self) -> bool:
        """True once ``hold`` seconds have passed since the last input event."""
        return time.monotonic() >= self._until

    def answered(self) -> None:
        """On the event loop: the input is answered (its frame drawn); worker threads go on."""
        self._open.set()

    def wait(self) -> None:
        """In a worker thread: return once no input waits to be answered (at most ``hold`` after it came). Any other
        thread (the event loop's, the driver's) never waits."""
        if self._open.is_set() or not is_worker_thread():
            return
        left = self._until - time.monotonic()
        if left <= 0:
            return
        self.waiting += 1
        try:
            self._open.wait(left)
        finally:
            self.waiting -= 1


class HoldImports:
    """A ``sys.meta_path`` finder that finds nothing: a worker thread about to import a module waits at the gate
    first, so a long chain of imports (pydantic's, the sandbox's) gives way to a key between any two modules."""

    def __init__(self, gate: InputGate) -> None:
        self.gate = gate

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        gate = self.gate
        if gate.is_open or not is_worker_thread():
            return None
        # importlib asks each finder with its global lock held: waiting with it would stop every other thread's
        # imports too, the event loop's (answering the key) included
        try:
            _imp.release_lock()
        except RuntimeError:  # not held here (another Python's importlib)
            gate.wait()
            return None
        try:
            gate.wait()
        finally:
            _imp.acquire_lock()
        return None

    def install(self) -> None:
        if self not in sys.meta_path:
            sys.meta_path.insert(0, self)

    def remove(self) -> None:
        try:
            sys.meta_path.remove(self)
        except ValueError:  # removed already
            pass


__all__ = ["HOLD", "HoldImports", "InputGate", "WORKER_PREFIX", "is_worker_thread"]
