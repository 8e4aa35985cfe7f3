"""The apply engine: the only code that sends writes to a workspace.

For each batch of (up to 100) operations it reads every person involved with one bulk App API call, checks the
preconditions (stale -> skipped, never forced; already in the target state -> done without sending), commits the
before-snapshots and the intents (state ``sent``) to the journal, sends through the client (whose token buckets
keep to the Track and App rate limits), verifies with one bulk read, and records the results. Operations a
previous run left ``sent`` or ``uncertain`` are reconciled by reading first (identity/apply_reconcile.py).

Reads are taken just in time: a batch is read only when the batch before it has at most ``read_ahead`` operations
left to hand to the senders (or when that batch's own read is slow), and an operation whose read is older than
``fresh_for`` seconds when its request is about to leave (after a pause, a 429 back-off, slow answers) is not sent:
it goes back to the front of the queue and is read again first. So every operation is sent within ``fresh_for``
seconds of the read that checked it.

Use::

    engine = ApplyEngine.for_workspace(workspace, plan, on_event=print)   # refuses another workspace's plan
    result = await engine.run()        # engine.pause() / .resume() / .cancel() from anywhere, any time
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable

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
from cio_tui.identity.apply_checks import (
    check_workspace,
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
    NoticeEvent,
    ProgressTracker,
    SendOutcome,
)
from cio_tui.identity.apply_reconcile import Outcome, Reconciler, Verified
from cio_tui.identity.journal import Journal, OpState, PlanEvent, Record
from cio_tui.identity.lease import Holder, WorkspaceLease, confirmed_tokens
from cio_tui.identity.plan import Operation, Plan
from cio_tui.identity.workspace_view import WorkspaceView

FATAL = (AuthError, PermissionDeniedError, RegionError)
NOT_APPLIED = (RateLimitedError, NetworkError)  # the client raises these on a write only when nothing took effect
# A 5xx to a write proves nothing (the body was sent): the client raises UncertainWriteError for it; a ServerError on
# a send would still be treated as uncertain (read back within the visibility window), never resent blindly.
SENT_UNKNOWN = (UncertainWriteError, ServerError)
READ_STALL = 0.4  # seconds: a batch's read taking longer lets the next batch read beside it


class _Dispatch:
    """How many of a batch's operations are not yet handed to a sender; at ``read_ahead`` or fewer the next batch
    may read (``ready``), so reads run at most about one batch ahead of the sends."""

    def __init__(self, left: int, read_ahead: int, ready: asyncio.Event) -> None:
        self.left, self.read_ahead, self.ready = left, read_ahead, ready

    def check(self) -> None:
        if self.left <= self.read_ahead:
            self.ready.set()

    def one_less(self, n: int = 1) -> None:
        self.left -= n
        self.check()


class ApplyEngine(Reconciler):
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
        super().__init__(client, journal, plan, options or ApplyOptions(), on_event)
        self._slots: asyncio.Semaphore | None = None
        self._stop_why = "cancelled"

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
        """Engine over an open ``cio_tui.workspace.Workspace`` (its client and its journal); sandbox timing when it is
        one."""
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

    # -- run ------------------------------------------------------------------------------------------
    async def run(self) -> ApplyResult:
        """Apply the plan (resuming what the journal knows). Raises ``ApplyLockedError`` if another apply runs on
        this journal, ``LeaseError`` if another machine applies this plan to the workspace."""
        with self.journal.apply_lock():
            if not self.options.lease:
                return await self._run()
            plan_id = self.plan.plan_id
            lease = WorkspaceLease(
                self.client,
                plan_id,
                window=self.options.visibility_window,
                margin=self.options.lease_margin,
                place=str(self.journal.path.resolve()),  # a lease left by a killed run of this journal is ours
                confirmed=confirmed_tokens(self.journal.plan_notes(plan_id, PlanEvent.LEASE_TAKEN)),
                on_note=self._notice,
            )
            wait = self.options.visibility_window + self.options.lease_margin
            self._notice(
                f"taking the workspace lease (person {lease.who.value}): nothing is sent until it shows and "
                f"{wait:g} s more have passed (the visibility window), so that another machine starting this plan "
                "at the same time is seen"
            )
            async with lease.held(on_lost=self._lease_lost):
                m = lease.mine
                detail = f"lease {lease.who.value} token {m.token} held by {m.operator} on {m.host}"
                self.journal.record(plan_id, None, PlanEvent.LEASE_TAKEN, detail=detail)
                self._notice(f"lease confirmed; applying (held by {m.operator} on {m.host})")
                try:
                    return await self._run()
                finally:
                    self.journal.record(plan_id, None, PlanEvent.LEASE_RELEASED, detail=lease.who.value)

    def _notice(self, text: str) -> None:
        self._emit(NoticeEvent(text))

    def _lease_lost(self, other: Holder) -> None:
        """A renewal found another run's token in the lease: stop sending (in-flight writes are verified)."""
        text = (
            f"stopped: the lease now names {other.operator} on {other.host}; operations not sent stay pending. "
            "Check that run, then run again"
        )
        self.journal.record(self.plan.plan_id, None, PlanEvent.LEASE_LOST, detail=text)
        self._stop_why = "the workspace lease was lost"
        self._notice(text)
        self.cancel()

    async def _run(self) -> ApplyResult:
        self._loop = asyncio.get_running_loop()
        plan_id = self.plan.plan_id
        states = self.journal.op_states(plan_id)
        self._sent_at = self.journal.last_sent_at(plan_id)
        self.tracker = ProgressTracker(len(self.plan.operations), states)
        started = self._start_journal(f"{len(states)} operation(s) already journaled")
        todo = deque(op for op in self.plan.operations if not states.get(op.op_id, OpState.PENDING).succeeded)
        budget = self.options.max_ops
        # batch tasks (bounded by batches_in_flight) and re-verification tasks (writes not visible yet), each with
        # the people it holds: an operation touching a held person waits, so one person's operations stay in order
        tasks: dict[asyncio.Task[Verified], tuple[bool, set[str]]] = {}
        previous = asyncio.Event()  # the dispatch of the batch taken last: the next one reads once it is ready
        previous.set()
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
                    ready = asyncio.Event()
                    task = asyncio.create_task(self._batch(batch, previous, ready))
                    tasks[task] = (True, {c for op in batch for c in op.cio_ids})
                    previous = ready
                    batches += 1
                if not tasks:
                    break
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    tasks.pop(task)
                    again, late = task.result()
                    # operations to send again (a read proved they did not apply, or their read grew old) go to the
                    # front, in plan order: a person's later operations wait behind them
                    todo.extendleft(reversed(again))
                    if budget is not None:
                        budget += len(again)
                    for due, outcomes in late.items():
                        held = {c for op, _, _ in outcomes for c in op.cio_ids}
                        tasks[asyncio.create_task(self._recheck(outcomes, due))] = (False, held)
            await asyncio.gather(*started)  # a run with nothing to send still registers its plan, or says why not
        except BaseException:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        finally:
            result = self._result(time.monotonic() - self.tracker.started)
            await self._end_journal(started, "; ".join(result.summary_lines()))
            self._emit_progress(finished=True)
            self._emit(None)
        return result

    def _result(self, elapsed: float) -> ApplyResult:
        why = self._stop_why if self._cancelled else "beyond --max" if self.options.max_ops is not None else "not run"
        return self.tracker.result(
            self.plan.plan_id, elapsed, self._reasons, list(self._problems.values()), self._cancelled, why
        )

    # -- one batch ------------------------------------------------------------------------------------
    async def _batch(self, batch: list[Operation], after: asyncio.Event, ready: asyncio.Event) -> Verified:
        """Read, check, journal, send and verify one batch. It reads once the batch before has at most
        ``read_ahead`` operations left to hand to the senders (``after``) and sets ``ready`` when it has too."""
        dispatch = _Dispatch(len(batch), self.options.read_ahead, ready)
        try:
            await after.wait()
            if not await self._gate():
                return [], {}
            return await self._checked_batch(batch, dispatch)
        finally:
            ready.set()  # whatever happened, the next batch must not wait for this one forever

    async def _checked_batch(self, batch: list[Operation], dispatch: _Dispatch) -> Verified:
        plan_id = self.plan.plan_id
        # a read that is slow (a retried 5xx, a 429 back-off) must not stall every batch behind it
        stalled = asyncio.get_running_loop().call_later(READ_STALL, dispatch.ready.set)
        try:
            people = await self._read([c for op in batch for c in op.cio_ids])
        finally:
            stalled.cancel()
        read_at = time.monotonic()
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
                if (due := self._next_read(op)) is not None:
                    late.setdefault(due, []).append((op, SendOutcome.UNCERTAIN, "sent by an earlier run"))
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
                self._fresh_window(op)  # an earlier send's window (long over) must not judge this send
                to_send.append(op)
        await self._commit(records)
        dispatch.one_less(len(batch) - len(to_send))  # nothing to send for those: the next batch may read now
        step = self.options.intent_chunk
        for start in range(0, len(to_send), step):
            if self._cancelled:
                break  # the rest stay "checked": nothing was sent for them
            if self.paused:  # nothing leaves while paused: the rest are read again once the apply resumes
                again += to_send[start:]
                break
            chunk = to_send[start : start + step]
            # intents are durable before anything is sent; a few at a time, so a crash leaves few in doubt
            await self._commit(
                [
                    Record(plan_id, op.op_id, OpState.SENT, kind=op.kind, request=op.request.model_dump(mode="json"))
                    for op in chunk
                ]
            )
            for op in chunk:
                self.tracker.set(op.op_id, OpState.SENT)
            self._emit_progress()
            # verified and recorded chunk by chunk: steady progress, and little left to reconcile after a crash
            chunk_again, chunk_late = await self._verify(await self._send_all(chunk, read_at, dispatch))
            again += chunk_again
            for due, outcomes in chunk_late.items():
                late.setdefault(due, []).extend(outcomes)
        return again, late

    async def _send_all(self, ops: list[Operation], read_at: float, dispatch: _Dispatch) -> list[Outcome]:
        sem = self._in_flight_slots()
        fresh_for = self.options.fresh_for

        async def one(op: Operation) -> Outcome:
            async with sem:
                dispatch.one_less()
                old: list[float] = []
                held: list[bool] = []

                async def gate() -> bool:
                    """Right before the request leaves (after the rate limiter): not while paused, not once
                    cancelled, and not on a read older than ``fresh_for`` seconds. A request held by a pause does
                    not wait here: it goes back to the queue, so the chunk's answered writes are verified and
                    counted during the pause (not all at once when it ends), and nothing not sent is left "sent"
                    in the journal."""
                    if self.paused and not self._cancelled:
                        held.append(True)
                        return False
                    if not await self._gate():
                        return False
                    if (age := time.monotonic() - read_at) > fresh_for:
                        old.append(age)
                        return False
                    return True

                self._attempts[op.op_id] += 1
                self.tracker.in_flight += 1
                try:
                    await send_operation(self.client, op, gate)
                    self.tracker.sent += 1
                except NotSentError:
                    self._attempts[op.op_id] -= 1
                    if held and not self._cancelled:
                        return op, SendOutcome.REREAD, "not sent: held by the pause; read again before sending"
                    if old:
                        why = (
                            f"not sent: the read that checked it was {old[0]:.1f} s old (over {fresh_for:g} s: "
                            "paused, slowed by 429s or waiting for answers); reading it again before sending"
                        )
                        return op, SendOutcome.REREAD, why
                    return op, SendOutcome.CANCELLED, None
                except SENT_UNKNOWN as exc:
                    self.tracker.sent += 1
                    self._window_from_send(op)
                    return op, SendOutcome.UNCERTAIN, str(exc)
                except FATAL:
                    raise
                except NOT_APPLIED as exc:
                    return op, SendOutcome.RETRY, str(exc)
                except CustomerIOError as exc:
                    return op, SendOutcome.REFUSED, str(exc)
                finally:
                    self.tracker.in_flight -= 1
                    if self.paused:  # while paused the answers still due are all that moves: count them down
                        self._emit_progress()
                return op, SendOutcome.OK, None

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

    async def _recheck(self, late: list[Outcome], due: float) -> Verified:
        """Read again, at ``due`` (wall clock), writes that were not visible yet."""
        await asyncio.sleep(max(0.0, due - time.time()))
        return await self._verify(late)


__all__ = ["ApplyEngine"]
