"""The apply engine: the only code that sends writes to a workspace.

For each batch of (up to 100) operations it reads every person involved with one bulk App API call, checks the
preconditions (stale -> skipped, never forced; already in the target state -> done without sending), commits the
before-snapshots and the intents (state ``sent``) to the journal, sends through the client (whose token buckets
keep to the Track and App rate limits), verifies with one bulk read, and records the results. Operations a
previous run left ``sent`` or ``uncertain`` are reconciled by reading first; they are sent again only when the read
proves the earlier write did not take effect (every planned write is idempotent on the state it targets).

Use::

    engine = ApplyEngine.for_workspace(workspace, plan, on_event=print)   # refuses another workspace's plan
    result = await engine.run()        # engine.pause() / .resume() / .cancel() from anywhere, any time
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import datetime

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import (
    AuthError,
    CustomerIOError,
    NetworkError,
    NotSentError,
    PermissionDeniedError,
    RateLimitedError,
    RegionError,
    ServerError,
    UncertainWriteError,
)
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.apply_checks import (
    People,
    check_workspace,
    explain_failure,
    precondition_misses,
    send_operation,
    snapshot,
    stale_reason,
    take_batch,
    target_misses,
)
from cio_tui.identity.apply_events import (
    ApplyOptions,
    ApplyResult,
    EngineEvent,
    OperationEvent,
    ProgressTracker,
)
from cio_tui.identity.journal import Journal, OpState, PlanEvent, Record
from cio_tui.identity.lease import SETTLE, WorkspaceLease
from cio_tui.identity.plan import IDEMPOTENT_KINDS, Operation, Plan
from cio_tui.identity.workspace_view import WorkspaceView

Outcome = tuple[Operation, str, str | None]  # operation, how the send went (ok/uncertain/retry/refused/...), error
Verified = tuple[list[Operation], dict[float, list[Outcome]]]  # send again; not visible yet, by wait before re-read
PROGRESS_EVERY = 0.1  # seconds between progress events while operations finish
FATAL = (AuthError, PermissionDeniedError, RegionError)
NOT_APPLIED = (RateLimitedError, ServerError, NetworkError)  # the client raises these only when nothing took effect


class ApplyEngine:
    def __init__(
        self,
        client: CioClient,
        journal: Journal,
        plan: Plan,
        *,
        workspace_fingerprint: str,
        workspace_name: str = "",
        options: ApplyOptions | None = None,
        on_event: Callable[[EngineEvent], object] | None = None,
    ) -> None:
        check_workspace(plan, workspace_fingerprint, workspace_name)
        self.client, self.journal, self.plan = client, journal, plan
        self.options = options or ApplyOptions()
        self._on_event = on_event
        self._queues: list[asyncio.Queue[EngineEvent | None]] = []
        self._running = asyncio.Event()
        self._running.set()
        self._cancelled = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._reasons: Counter[str] = Counter()
        self._problems: dict[str, OperationEvent] = {}
        self._attempts: Counter[str] = Counter()
        self._last_progress = 0.0
        self._polls: Counter[str] = Counter()  # reads after a send, for the back-off
        self._deadline: dict[str, float] = {}  # op_id -> end of its visibility window (wall clock)
        self._told_late: set[str] = set()
        self._sent_at: dict[str, datetime] = {}
        self._slots: asyncio.Semaphore | None = None
        self.tracker = ProgressTracker(len(plan.operations), {})

    @classmethod
    def for_workspace(
        cls,
        workspace: WorkspaceView,
        plan: Plan,
        *,
        journal: Journal | None = None,
        options: ApplyOptions | None = None,
        on_event: Callable[[EngineEvent], object] | None = None,
    ) -> ApplyEngine:
        """Engine over a foundation ``Workspace`` (its client and its journal); sandbox timing when it is one."""
        if options is None and getattr(workspace, "is_sandbox", False):
            options = ApplyOptions.for_sandbox()
        return cls(
            workspace.client,
            journal or Journal.for_workspace(workspace),
            plan,
            workspace_fingerprint=workspace.fingerprint,
            workspace_name=workspace.name,
            options=options,
            on_event=on_event,
        )

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

    # -- run ------------------------------------------------------------------------------------------
    async def run(self) -> ApplyResult:
        """Apply the plan (resuming what the journal knows). Raises ``ApplyLockedError`` if another apply runs."""
        with self.journal.apply_lock():
            if not self.options.lease:
                return await self._run()
            settle = min(self.options.visibility_window, SETTLE)
            place = str(self.journal.path.resolve())  # a lease left by a killed run of this journal is ours
            lease = WorkspaceLease(self.client, self.plan.plan_id, settle=settle, place=place)
            async with lease.held():
                detail = f"lease {lease.who.value} held by {lease.mine.operator} on {lease.mine.host}"
                self.journal.record(self.plan.plan_id, None, PlanEvent.LEASE_TAKEN, detail=detail)
                try:
                    return await self._run()
                finally:
                    self.journal.record(self.plan.plan_id, None, PlanEvent.LEASE_RELEASED, detail=lease.who.value)

    async def _run(self) -> ApplyResult:
        self._loop = asyncio.get_running_loop()
        plan_id = self.plan.plan_id
        self.journal.register_plan(self.plan)
        states = self.journal.op_states(plan_id)
        self._sent_at = self.journal.last_sent_at(plan_id)
        self.tracker = ProgressTracker(len(self.plan.operations), states)
        self.journal.record(
            plan_id, None, PlanEvent.RUN_STARTED, detail=f"{len(states)} operation(s) already journaled"
        )
        todo = deque(op for op in self.plan.operations if not states.get(op.op_id, OpState.PENDING).succeeded)
        budget = self.options.max_ops
        # batch tasks (bounded by batches_in_flight) and re-verification tasks (writes not visible yet), each with
        # the people it holds: an operation touching a held person waits, so one person's operations stay in order
        tasks: dict[asyncio.Task[Verified], tuple[bool, set[str]]] = {}
        self._emit_progress()
        try:
            while tasks or (todo and not self._cancelled and budget != 0):
                batches = sum(1 for is_batch, _ in tasks.values() if is_batch)
                while batches < self.options.batches_in_flight and todo and budget != 0 and not self._cancelled:
                    busy = set().union(*(held for _, held in tasks.values()))
                    size = min(self.options.batch_size, budget if budget is not None else self.options.batch_size)
                    batch = take_batch(todo, busy, size)
                    if not batch:
                        break
                    budget = None if budget is None else budget - len(batch)
                    tasks[asyncio.create_task(self._batch(batch))] = (True, {c for op in batch for c in op.cio_ids})
                    batches += 1
                if not tasks:
                    break
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    tasks.pop(task)
                    again, late = task.result()
                    todo.extend(again)  # operations to send again (a read proved they did not apply)
                    for delay, outcomes in late.items():
                        held = {c for op, _, _ in outcomes for c in op.cio_ids}
                        tasks[asyncio.create_task(self._recheck(outcomes, delay))] = (False, held)
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            result = self._result(time.monotonic() - self.tracker.started)
            self.journal.record(plan_id, None, PlanEvent.RUN_ENDED, detail="; ".join(result.summary_lines()))
            self._emit_progress(finished=True)
            self._emit(None)
        return result

    def _result(self, elapsed: float) -> ApplyResult:
        why = "cancelled" if self._cancelled else "beyond --max" if self.options.max_ops is not None else "not run"
        return self.tracker.result(
            self.plan.plan_id, elapsed, self._reasons, list(self._problems.values()), self._cancelled, why
        )

    # -- one batch ------------------------------------------------------------------------------------
    async def _read(self, cio_ids: list[str]) -> People:
        if not cio_ids:
            return {}
        people = await self.client.get_people([Identifier.cio(c) for c in cio_ids])
        return {p.cio_id: p for p in people}

    async def _batch(self, batch: list[Operation]) -> Verified:
        if not await self._gate():
            return [], {}
        plan_id = self.plan.plan_id
        people = await self._read([c for op in batch for c in op.cio_ids])
        records: list[Record] = []
        to_send: list[Operation] = []
        again: list[Operation] = []
        late: dict[float, list[Outcome]] = {}
        for op in batch:
            prev = self.tracker.states.get(op.op_id, OpState.PENDING)
            before = snapshot(op, people)
            if prev.in_doubt and op.target and target_misses(op, people) and not precondition_misses(op, people):
                # an earlier run's write, not visible (yet): wait out its visibility window before any resend
                self._deadline.setdefault(op.op_id, self._resume_deadline(op))
                if (wait := self._next_wait(op)) is not None:
                    late.setdefault(wait, []).append((op, "uncertain", "sent by an earlier run"))
                    if op.op_id not in self._told_late:
                        records.append(self._not_visible_yet(op, prev))
                    continue
                if not self._may_resend(op):
                    records.append(self._held_back(op))
                    continue
            if op.target and not target_misses(op, people):
                state = OpState.RECONCILED if prev.in_doubt else OpState.DONE
                detail = "read back: the earlier write took effect" if prev.in_doubt else "already in target state"
                records.append(Record(plan_id, op.op_id, state, kind=op.kind, after=before, detail=detail))
                self._set(op, state, detail)
            elif misses := precondition_misses(op, people):
                detail = "stale: " + "; ".join(misses) + ". Make a new plan from the current data"
                records.append(
                    Record(plan_id, op.op_id, OpState.SKIPPED_STALE, kind=op.kind, before=before, detail=detail)
                )
                self._set(op, OpState.SKIPPED_STALE, detail, reason=stale_reason(op, people))
            else:
                note = (
                    "read back: the earlier write did not take effect within the visibility window"
                    if prev.in_doubt
                    else None
                )
                records.append(Record(plan_id, op.op_id, OpState.CHECKED, kind=op.kind, before=before, detail=note))
                to_send.append(op)
        self.journal.append(records)
        step = self.options.intent_chunk
        for chunk in (to_send[i : i + step] for i in range(0, len(to_send), step)):
            if self._cancelled:
                break  # the rest stay "checked": nothing was sent for them
            # intents are durable before anything is sent; a few at a time, so a crash leaves few in doubt
            self.journal.append(
                Record(plan_id, op.op_id, OpState.SENT, kind=op.kind, request=op.request.model_dump(mode="json"))
                for op in chunk
            )
            for op in chunk:
                self.tracker.set(op.op_id, OpState.SENT)
            self._emit_progress()
            # verified and recorded chunk by chunk: steady progress, and little left to reconcile after a crash
            chunk_again, chunk_late = await self._verify(await self._send_all(chunk))
            again += chunk_again
            for wait, outcomes in chunk_late.items():
                late.setdefault(wait, []).extend(outcomes)
        return again, late

    async def _send_all(self, ops: list[Operation]) -> list[Outcome]:
        sem = self._in_flight_slots()

        async def one(op: Operation) -> Outcome:
            async with sem:
                if not await self._gate():
                    return op, "cancelled", None
                self._attempts[op.op_id] += 1
                self.tracker.in_flight += 1
                try:
                    await send_operation(self.client, op, self._gate)
                    self.tracker.sent += 1
                except NotSentError:
                    return op, "cancelled", None
                    self._deadline[op.op_id] = time.time() + self.options.visibility_window
                except UncertainWriteError as exc:
                    self.tracker.sent += 1
                    self._deadline[op.op_id] = time.time() + self.options.visibility_window
                    return op, "uncertain", str(exc)
                except FATAL:
                    raise
                except NOT_APPLIED as exc:
                    return op, "retry", str(exc)
                except CustomerIOError as exc:
                    return op, "refused", str(exc)
                finally:
                    self.tracker.in_flight -= 1
                return op, "ok", None

        tasks = [asyncio.create_task(one(op)) for op in ops]
        try:
            return list(await asyncio.gather(*tasks))
        except BaseException:  # a fatal error in one send: stop the others rather than leave them running
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise

    def _in_flight_slots(self) -> asyncio.Semaphore:
        """One bound for the whole run (``sends_in_flight``): however many batches are open, at most that many
        requests are queued at the rate limiter or awaiting an answer, so pause and cancel act at once."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.options.sends_in_flight)
        return self._slots

    async def _recheck(self, late: list[Outcome], delay: float) -> Verified:
        await asyncio.sleep(delay)
        return await self._verify(late)

    def _next_wait(self, op: Operation) -> float | None:
        """Seconds to wait before reading ``op`` again, or None once its visibility window is over. Reads back off
        (``poll_first`` doubling up to ``poll_cap``) and the last one lands when the window ends: a write is never
        taken for "did not apply" while Customer.io may still be processing it."""
        deadline = self._deadline.setdefault(op.op_id, time.time() + self.options.visibility_window)
        left = deadline - time.time()
        if left <= 0:
            return None
        n = self._polls[op.op_id]
        self._polls[op.op_id] += 1
        return float(max(0.01, min(left, self.options.poll_first * 2**n, self.options.poll_cap)))

    def _resume_deadline(self, op: Operation) -> float:
        """End of the visibility window of a write an earlier run sent: its journaled send time (plus the longest
        the answer could take), plus the window."""
        sent = self._sent_at.get(op.op_id)
        start = sent.timestamp() + self.options.answer_timeout if sent is not None else time.time()
        return start + self.options.visibility_window

    def _may_resend(self, op: Operation) -> bool:
        """A write whose outcome was unknown is sent again only when repeating it is harmless, or when the operator
        chose to (``resend_uncertain``)."""
        return op.kind in IDEMPOTENT_KINDS or self.options.resend_uncertain

    def _not_visible_yet(self, op: Operation, state: OpState) -> Record:
        """Journal (once per operation and run) that a write is not visible yet, never that it did not apply."""
        self.tracker.set(op.op_id, state)
        detail = (
            f"not visible yet; reading again until its visibility window ({self.options.visibility_window:.0f} s) "
            "is over; only then can a read prove it was not applied"
        )
        self._told_late.add(op.op_id)
        return Record(self.plan.plan_id, op.op_id, state, kind=op.kind, detail=detail)

    def _held_back(self, op: Operation) -> Record:
        why = (
            f"outcome unknown: not visible within the visibility window, and a {op.kind.value} is not resent "
            "without the operator's choice. Check the person, then run again with --resend-uncertain to send it"
        )
        self._set(op, OpState.UNCERTAIN, why)
        return Record(self.plan.plan_id, op.op_id, OpState.UNCERTAIN, kind=op.kind, detail=why)

    async def _verify(self, outcomes: list[Outcome]) -> Verified:
        """Read back what was sent and record the results. Writes not visible yet are returned as ``late``, grouped
        by how long to wait before reading them again (re-reads do not hold a batch slot)."""
        plan_id = self.plan.plan_id
        records: list[Record] = []
        again: list[Operation] = []
        late: dict[float, list[Outcome]] = {}
        check = [op for op, how, _ in outcomes if how in ("ok", "uncertain") and op.target]
        people = await self._read([c for op in check for c in op.cio_ids])
        for op, how, err in outcomes:
            status = 200 if how == "ok" else None
            after = snapshot(op, people) if op in check else None
            if how == "cancelled":
                records.append(Record(plan_id, op.op_id, OpState.PENDING, kind=op.kind, detail="cancelled before send"))
                self.tracker.set(op.op_id, OpState.PENDING)
            elif (how == "ok" and not op.target) or (op in check and not target_misses(op, people)):
                state = OpState.RECONCILED if how == "uncertain" else OpState.DONE
                detail = f"uncertain write read back as applied ({err})" if how == "uncertain" else "verified"
                records.append(
                    Record(plan_id, op.op_id, state, kind=op.kind, status=status, after=after, detail=detail)
                )
                self._set(op, state, detail)
            elif op in check and (wait := self._next_wait(op)) is not None:
                late.setdefault(wait, []).append((op, how, err))
                if op.op_id not in self._told_late:
                    records.append(self._not_visible_yet(op, OpState.SENT if how == "ok" else OpState.UNCERTAIN))
            else:
                rec, retry = await self._unsuccessful(op, how, err, people)
                records.append(replace(rec, status=status, after=after))
                if retry:
                    again.append(op)
        self.journal.append(records)
        self._emit_progress()
        for op in again:  # a new send gets a fresh window
            self._polls.pop(op.op_id, None)
            self._deadline.pop(op.op_id, None)
            self._told_late.discard(op.op_id)
        return again, late

    async def _unsuccessful(self, op: Operation, how: str, err: str | None, people: People) -> tuple[Record, bool]:
        """Record for a write that is not (visibly) applied, and whether to send it again."""
        plan_id = self.plan.plan_id
        untouched = not op.target or not precondition_misses(op, people)
        if how == "uncertain" and untouched and not self._may_resend(op):
            return self._held_back(op), False
        if how == "retry" or (how == "uncertain" and untouched):
            why = err if how == "retry" else f"not visible within the visibility window: it did not apply ({err})"
            if self._attempts[op.op_id] < self.options.max_attempts and not self._cancelled:
                self.tracker.set(op.op_id, OpState.PENDING)
                self._emit(OperationEvent(op.op_id, str(op.kind), op.summary, str(OpState.PENDING), why))
                return Record(plan_id, op.op_id, OpState.PENDING, kind=op.kind, detail=f"{why}; sending again"), True
            if how == "uncertain":
                self._set(op, OpState.UNCERTAIN, why)
                return Record(plan_id, op.op_id, OpState.UNCERTAIN, kind=op.kind, detail=why), False
            detail, reason = f"not sent successfully: {why}", "failed: Customer.io unreachable or rate limited"
        elif how == "refused":
            detail, reason = f"refused by Customer.io: {err}", "failed: refused by Customer.io"
        elif how == "uncertain":
            detail = "uncertain write; the person is now neither as planned nor as expected: " + "; ".join(
                target_misses(op, people)
            )
            reason = "failed: unexpected state after an uncertain write"
        else:
            detail = (
                "sent, but not applied: "
                + "; ".join(target_misses(op, people))
                + await explain_failure(self.client, op)
            )
            reason = "failed: sent but not applied (see the journal for why)"
        self._set(op, OpState.FAILED, detail, reason=reason)
        return Record(plan_id, op.op_id, OpState.FAILED, kind=op.kind, detail=detail), False
