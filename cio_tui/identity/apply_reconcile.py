"""Reading back what the apply engine sent: verification, the visibility window, and what a write that is not
(visibly) applied becomes.

Customer.io processes Track writes asynchronously, so a write not visible yet is read again with back-off until its
visibility window is over; only then can a read prove it did not apply. A write whose answer was lost is sent again
only when repeating it is harmless (idempotent kinds) or the operator chose to (``resend_uncertain``). Re-reads run
as their own tasks beside the sending of other operations (they hold only the people involved, never a batch).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.apply_checks import People, explain_failure, precondition_misses, snapshot, target_misses
from cio_tui.identity.apply_control import RunControl
from cio_tui.identity.apply_events import ApplyOptions, EngineEvent, OperationEvent, SendOutcome
from cio_tui.identity.journal import Journal, OpState, PlanEvent, Record
from cio_tui.identity.journal_writer import JournalWriter
from cio_tui.identity.plan import IDEMPOTENT_KINDS, Operation, Plan

# operation, how its send went, error text
Outcome = tuple[Operation, SendOutcome, str | None]
# operations to send again (at the front of the queue), and writes not visible yet by when to read them again
Verified = tuple[list[Operation], dict[float, list[Outcome]]]


class Reconciler(RunControl):
    """Verification reads and the visibility window of every write of one run."""

    def __init__(
        self,
        client: CioClient,
        journal: Journal,
        plan: Plan,
        options: ApplyOptions,
        on_event: Callable[[EngineEvent], object] | None,
    ) -> None:
        super().__init__(len(plan.operations), on_event)
        self.client, self.journal, self.plan, self.options = client, journal, plan, options
        self._attempts: Counter[str] = Counter()
        self._polls: Counter[str] = Counter()  # reads after a send, for the back-off
        self._deadline: dict[str, float] = {}  # op_id -> end of its visibility window (wall clock)
        self._told_late: set[str] = set()
        self._sent_at: dict[str, datetime] = {}
        self._writer: JournalWriter | None = None  # during a run: commits off the event loop, grouped

    def _start_journal(self, detail: str) -> list[asyncio.Future[None]]:
        """Open the run's journal writer and hand it the plan and the run's start. The plan (megabytes of JSON for
        10,000 operations) is registered in the writer's thread beside the first reads, ahead of every record of the
        run; if that fails, nothing after it is journaled, so nothing is sent."""
        self._writer = JournalWriter.open(self.journal)
        start = Record(self.plan.plan_id, None, PlanEvent.RUN_STARTED, detail=detail)
        return [self._writer.submit(self.plan), self._writer.submit([start])]

    async def _end_journal(self, started: list[asyncio.Future[None]], detail: str) -> None:
        """Close the writer (everything handed to it is on disk) and journal the run's end, if it started."""
        outcomes = await asyncio.gather(*started, return_exceptions=True)
        if self._writer is not None:
            await self._writer.aclose()
            self._writer = None
        if not any(isinstance(o, BaseException) for o in outcomes):
            self.journal.record(self.plan.plan_id, None, PlanEvent.RUN_ENDED, detail=detail)

    async def _commit(self, records: list[Record]) -> None:
        """Journal ``records``; durable when this returns."""
        if self._writer is not None:
            await self._writer.append(records)
        else:
            self.journal.append(records)

    async def _read(self, cio_ids: list[str]) -> People:
        if not cio_ids:
            return {}
        people = await self.client.get_people([Identifier.cio(c) for c in cio_ids])
        return {p.cio_id: p for p in people}

    # -- the visibility window ------------------------------------------------------------------------
    def _next_read(self, op: Operation) -> float | None:
        """When (wall clock) to read ``op`` again, or None once its visibility window is over. Reads back off
        (``poll_first`` doubling up to ``poll_cap``) and the last one lands when the window ends: a write is never
        taken for "did not apply" while Customer.io may still be processing it. Times are rounded up to a grid of
        ``poll_first`` seconds so that writes due about together are read together (one bulk read, not one per
        person: a resumed run's writes all have windows of their own)."""
        deadline = self._deadline.setdefault(op.op_id, time.time() + self.options.visibility_window)
        now = time.time()
        left = deadline - now
        if left <= 0:
            return None
        n = self._polls[op.op_id]
        self._polls[op.op_id] += 1
        wait = max(0.01, min(left, self.options.poll_first * 2**n, self.options.poll_cap))
        grid = max(self.options.poll_first, 0.01)
        return float(math.ceil((now + wait) / grid) * grid)

    def _window_from_send(self, op: Operation) -> None:
        """The visibility window of a write whose answer was lost starts when it was sent."""
        self._deadline[op.op_id] = time.time() + self.options.visibility_window

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

    # -- verification ---------------------------------------------------------------------------------
    async def _verify(self, outcomes: list[Outcome]) -> Verified:
        """Read back what was sent and record the results. Writes not visible yet are returned as ``late``, grouped
        by when to read them again (re-reads do not hold a batch slot)."""
        plan_id = self.plan.plan_id
        records: list[Record] = []
        again: list[Operation] = []
        late: dict[float, list[Outcome]] = {}
        check = [op for op, how, _ in outcomes if how in (SendOutcome.OK, SendOutcome.UNCERTAIN) and op.target]
        people = await self._read([c for op in check for c in op.cio_ids])
        read = {op.op_id for op in check}  # by id: `op in list` compared whole operations, 10,000 a batch
        for op, how, err in outcomes:
            status = 200 if how is SendOutcome.OK else None
            checked = op.op_id in read
            after = snapshot(op, people) if checked else None
            if how is SendOutcome.CANCELLED:
                records.append(Record(plan_id, op.op_id, OpState.PENDING, kind=op.kind, detail="cancelled before send"))
                self.tracker.set(op.op_id, OpState.PENDING)
            elif how is SendOutcome.REREAD:
                # not sent: its read was older than the freshness bound; read again, then sent (or not)
                records.append(Record(plan_id, op.op_id, OpState.PENDING, kind=op.kind, detail=err))
                self.tracker.set(op.op_id, OpState.PENDING)
                again.append(op)
            elif (how is SendOutcome.OK and not op.target) or (checked and not target_misses(op, people)):
                state = OpState.RECONCILED if how is SendOutcome.UNCERTAIN else OpState.DONE
                detail = f"uncertain write read back as applied ({err})" if how is SendOutcome.UNCERTAIN else "verified"
                records.append(
                    Record(plan_id, op.op_id, state, kind=op.kind, status=status, after=after, detail=detail)
                )
                self._set(op, state, detail)
            elif checked and (due := self._next_read(op)) is not None:
                late.setdefault(due, []).append((op, how, err))
                if op.op_id not in self._told_late:
                    records.append(
                        self._not_visible_yet(op, OpState.SENT if how is SendOutcome.OK else OpState.UNCERTAIN)
                    )
            else:
                rec, retry = await self._unsuccessful(op, how, err, people)
                records.append(replace(rec, status=status, after=after))
                if retry:
                    again.append(op)
        await self._commit(records)
        self._emit_progress()
        for op in again:
            self._fresh_window(op)
        return again, late

    def _fresh_window(self, op: Operation) -> None:
        """A new send gets a visibility window (and back-off) of its own, from its own verification."""
        self._polls.pop(op.op_id, None)
        self._deadline.pop(op.op_id, None)
        self._told_late.discard(op.op_id)

    async def _unsuccessful(
        self, op: Operation, how: SendOutcome, err: str | None, people: People
    ) -> tuple[Record, bool]:
        """Record for a write that is not (visibly) applied, and whether to send it again."""
        plan_id = self.plan.plan_id
        untouched = not op.target or not precondition_misses(op, people)
        if how is SendOutcome.UNCERTAIN and untouched and not self._may_resend(op):
            return self._held_back(op), False
        if how is SendOutcome.RETRY or (how is SendOutcome.UNCERTAIN and untouched):
            why = (
                err
                if how is SendOutcome.RETRY
                else f"not visible within the visibility window: it did not apply ({err})"
            )
            if self._attempts[op.op_id] < self.options.max_attempts and not self._cancelled:
                self.tracker.set(op.op_id, OpState.PENDING)
                self._emit(OperationEvent(op.op_id, str(op.kind), op.summary, str(OpState.PENDING), why))
                return Record(plan_id, op.op_id, OpState.PENDING, kind=op.kind, detail=f"{why}; sending again"), True
            if how is SendOutcome.UNCERTAIN:
                self._set(op, OpState.UNCERTAIN, why)
                return Record(plan_id, op.op_id, OpState.UNCERTAIN, kind=op.kind, detail=why), False
            detail, reason = f"not sent successfully: {why}", "failed: Customer.io unreachable or rate limited"
        elif how is SendOutcome.REFUSED:
            detail, reason = f"refused by Customer.io: {err}", "failed: refused by Customer.io"
        elif how is SendOutcome.UNCERTAIN:
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


__all__ = ["Outcome", "Reconciler", "Verified"]
