"""The apply engine's controls and events: pause, resume and cancel (safe from any thread), the event stream (a
callback and ``events()`` iterators) and the per-operation state changes that feed the progress tracker.

``ApplyEngine`` (identity/apply.py) builds on this; nothing here sends or reads anything.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable

from cio_tui.identity.apply_events import EngineEvent, OperationEvent, ProgressTracker
from cio_tui.identity.journal import OpState
from cio_tui.identity.plan import Operation

PROGRESS_EVERY = 0.1  # seconds between progress events while operations finish


class RunControl:
    """Pause/resume/cancel, the events of one run, and the tracker the events are built from."""

    def __init__(self, total: int, on_event: Callable[[EngineEvent], object] | None) -> None:
        self._on_event = on_event
        self._queues: list[asyncio.Queue[EngineEvent | None]] = []
        self._running = asyncio.Event()
        self._running.set()
        self._cancelled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reasons: Counter[str] = Counter()
        self._problems: dict[str, OperationEvent] = {}
        self._last_progress = 0.0
        self.tracker = ProgressTracker(total, {})

    # -- control (safe from any thread) ---------------------------------------------------------------
    def pause(self) -> None:
        self._call(self._running.clear)
        self._call(self._emit_progress)

    def resume(self) -> None:
        self._call(self._running.set)
        self._call(self._emit_progress)

    def cancel(self) -> None:
        """Stop sending: in-flight writes finish and are verified and journaled; the rest stay pending."""
        self._cancelled = True
        self._call(self._running.set)
        self._call(self._emit_progress)

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def _call(self, fn: Callable[[], None]) -> None:
        loop = self._loop
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if loop is not None and current is not loop:
            loop.call_soon_threadsafe(fn)
        else:
            fn()

    async def _gate(self) -> bool:
        """Wait while paused; False once cancelled (nothing more may be sent)."""
        await self._running.wait()
        return not self._cancelled

    # -- events ---------------------------------------------------------------------------------------
    def events(self) -> AsyncIterator[EngineEvent]:
        """Async iterator of every event from now until the run ends (call before ``run()``)."""
        queue: asyncio.Queue[EngineEvent | None] = asyncio.Queue()
        self._queues.append(queue)

        async def gen() -> AsyncIterator[EngineEvent]:
            while (item := await queue.get()) is not None:
                yield item

        return gen()

    def _emit(self, event: EngineEvent | None) -> None:
        if event is not None and self._on_event is not None:
            self._on_event(event)
        for q in self._queues:
            q.put_nowait(event)

    def _emit_progress(self, finished: bool = False) -> None:
        self._last_progress = time.monotonic()
        self._emit(self.tracker.snapshot(paused=self.paused, cancelled=self._cancelled, finished=finished))

    def _set(self, op: Operation, state: OpState, detail: str | None = None, reason: str | None = None) -> None:
        self.tracker.set(op.op_id, state)
        event = OperationEvent(op.op_id, str(op.kind), op.summary, str(state), detail)
        if state in (OpState.SKIPPED_STALE, OpState.FAILED, OpState.UNCERTAIN):
            self._problems[op.op_id] = event
        if state in (OpState.SKIPPED_STALE, OpState.FAILED):
            self._reasons[reason or str(state)] += 1
        self._emit(event)
        if time.monotonic() - self._last_progress >= PROGRESS_EVERY:
            self._emit_progress()


__all__ = ["PROGRESS_EVERY", "RunControl"]
