"""What the apply engine reports while it runs (progress, per-operation results) and when it ends.

Plain dataclasses so a CLI progress line and the TUI (through a callback or ``ApplyEngine.events()``) can both
consume them; nothing here imports Textual.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TypedDict, Unpack

from cio_tui.identity.journal import OpState
from cio_tui.identity.plan import PlanError


class WrongWorkspaceError(PlanError):
    """The plan was made for another workspace (fingerprint mismatch)."""


# Customer.io does not publish how long its asynchronous processing can take; tens of seconds covers what is seen
# in busy workspaces. `cio-tui apply --visibility-window SECONDS` changes it.
DEFAULT_VISIBILITY_WINDOW = 30.0


class SendOutcome(StrEnum):
    """How one send went, before any read-back: what the engine does next depends on it."""

    OK = "ok"  # answered 2xx: verified by a read
    UNCERTAIN = "uncertain"  # sent, outcome unknown (any 5xx, 408, timeout, dropped connection): read before resending
    RETRY = "retry"  # proven not applied (429 given up on, could not connect): send again
    REFUSED = "refused"  # any other Customer.io error: the operation failed
    CANCELLED = "cancelled"  # not sent (paused or stopped before it left)
    REREAD = "reread"  # not sent: the read that checked it is too old; read again, then send (or not)


class ApplyTuning(TypedDict, total=False):
    """``ApplyOptions``' fields as keywords (``ApplyOptions.for_sandbox(visibility_window=0)``)."""

    max_ops: int | None
    batch_size: int
    batches_in_flight: int
    sends_in_flight: int
    intent_chunk: int
    visibility_window: float
    poll_first: float
    poll_cap: float
    answer_timeout: float
    resend_uncertain: bool
    max_attempts: int
    read_ahead: int
    fresh_for: float
    lease: bool
    lease_margin: float


@dataclass(frozen=True)
class ApplyOptions:
    """Tuning of one apply run. The client's token buckets do the rate limiting; these keep enough work in flight.

    ``max_ops``: send at most this many operations in this run (``--max``); the rest stay pending.
    ``visibility_window``: how long after a send a write may still become visible (Customer.io processes Track
    writes asynchronously). A write not visible yet is read again with back-off (``poll_first`` doubling up to
    ``poll_cap`` seconds) until it is, or until the window is over; only then is an answered write called failed,
    and a write whose answer was lost resent (idempotent kinds; others only with ``resend_uncertain``). The same
    holds for writes an earlier run left ``sent``/``uncertain``, timed from their journaled send
    (+ ``answer_timeout``, the longest an answer could have taken).
    ``sends_in_flight``: requests queued at the rate limiter or awaiting an answer, at most, over the whole run
    (``apply --in-flight N``): pause and cancel hold back everything else at once.
    ``intent_chunk``: operations whose intents are committed together just before they are sent, then verified
    with one bulk read (a whole batch: one pre-read and one verification read per 100 operations, the App API's
    budget).
    ``max_attempts``: sends per operation per run when a read proves an earlier send did not take effect.
    ``read_ahead``: a batch is read only when the batch before it has at most this many operations left to hand
    to the senders, so reads run about one batch ahead of the sends (fresh, and no App reads wasted).
    ``fresh_for``: seconds a read may be old when the request it checked leaves; an older one (after a pause, a
    429 back-off, slow answers) is read again first. Reads can themselves lag writes by seconds, so a tighter bound
    would promise more than a read can show.
    """

    max_ops: int | None = None
    batch_size: int = 100
    batches_in_flight: int = 4
    sends_in_flight: int = 32
    intent_chunk: int = 100
    visibility_window: float = DEFAULT_VISIBILITY_WINDOW
    poll_first: float = 0.25
    poll_cap: float = 4.0
    answer_timeout: float = 15.0
    resend_uncertain: bool = False
    max_attempts: int = 3
    read_ahead: int = 50
    fresh_for: float = 5.0
    lease: bool = True  # record a lease in the workspace (identity/lease.py): one apply of a plan across machines
    lease_margin: float = 1.0  # seconds past the visibility window before a lease counts as confirmed

    @classmethod
    def for_sandbox(cls, **kw: Unpack[ApplyTuning]) -> ApplyOptions:
        """The embedded sandbox is consistent at once (unless its visibility lag is set): a short window."""
        # one machine's own emulator: the journal's lock is enough, no lease person among its people
        base = cls(visibility_window=0.5, poll_first=0.05, answer_timeout=0.0, lease=False)
        return replace(base, **kw)


@dataclass(frozen=True)
class OperationEvent:
    """One operation changed state (``state`` is an ``OpState`` value); ``detail`` says why, for people."""

    op_id: str
    kind: str
    summary: str
    state: str
    detail: str | None = None


@dataclass(frozen=True)
class ProgressEvent:
    """Counts so far. ``done`` counts operations that succeeded (done, reconciled, including earlier runs)."""

    total: int
    done: int
    by_state: dict[str, int]
    rate: float  # operations finished per second, recent
    eta_seconds: float | None
    elapsed: float
    sent: int
    paused: bool = False
    cancelled: bool = False
    finished: bool = False
    in_flight: int = 0  # requests that left (or wait at the rate limiter) and have no answer yet

    def line(self) -> str:
        """One-line rendering for a terminal progress line."""
        states = " ".join(f"{k}={v}" for k, v in sorted(self.by_state.items()) if v and k != "done")
        eta = "--" if self.eta_seconds is None else f"{self.eta_seconds:.0f}s"
        flag = " [paused]" if self.paused else " [cancelling]" if self.cancelled and not self.finished else ""
        waiting = f" | awaiting answer {self.in_flight}" if self.in_flight else ""
        line = f"{self.done}/{self.total} done {states} | {self.rate:.1f} op/s | ETA {eta}{waiting}{flag}"
        return line.replace("  ", " ")


@dataclass(frozen=True)
class NoticeEvent:
    """Something the operator should read once (the workspace lease taken, taken over or lost)."""

    text: str


EngineEvent = OperationEvent | ProgressEvent | NoticeEvent


@dataclass
class ApplyResult:
    plan_id: str
    total: int
    by_state: dict[str, int]
    reasons: dict[str, int]
    sent: int
    elapsed: float
    cancelled: bool = False
    problems: list[OperationEvent] = field(default_factory=list)

    @property
    def succeeded(self) -> int:
        return self.by_state.get(OpState.DONE, 0) + self.by_state.get(OpState.RECONCILED, 0)

    @property
    def ok(self) -> bool:
        """Every operation is done or was already in its target state."""
        return self.succeeded == self.total

    def summary_lines(self) -> list[str]:
        lines = [f"{self.succeeded}/{self.total} operations done ({self.sent} sent in {self.elapsed:.1f}s)"]
        for reason, n in sorted(self.reasons.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {n} {reason}")
        return lines


class ProgressTracker:
    """Current state of every operation plus a recent-rate window for the ETA."""

    def __init__(self, total: int, states: dict[str, OpState], window: float = 10.0) -> None:
        self.total = total
        self.states = dict(states)
        # kept up to date by set(): a progress event is counted in constant time, not over every operation
        self._counts = Counter(self.states.values())
        self._done = sum(n for s, n in self._counts.items() if s.succeeded)
        self.started = time.monotonic()
        self.sent = 0
        self.in_flight = 0
        self._finished: deque[float] = deque()
        self._window = window

    def set(self, op_id: str, state: OpState) -> None:
        before = self.states.get(op_id)
        self.states[op_id] = state
        if before is not None:
            self._counts[before] -= 1
            self._done -= before.succeeded
        self._counts[state] += 1
        self._done += state.succeeded
        if state.succeeded and not (before and before.succeeded):
            self._finished.append(time.monotonic())

    def counts(self) -> dict[str, int]:
        counts = Counter({str(s): n for s, n in self._counts.items()})
        counts[str(OpState.PENDING)] += self.total - len(self.states)
        return {k: v for k, v in counts.items() if v}

    def result(
        self,
        plan_id: str,
        elapsed: float,
        reasons: Counter[str],
        problems: list[OperationEvent],
        cancelled: bool,
        why_left: str,
    ) -> ApplyResult:
        """The end-of-run result: counts by state and a count per reason for everything not done."""
        counts = self.counts()
        reasons = Counter(reasons)
        left = counts.get(OpState.PENDING, 0) + counts.get(OpState.CHECKED, 0)
        if left:
            reasons[f"not sent yet ({why_left}); run again to continue"] += left
        for state in (OpState.SENT, OpState.UNCERTAIN):
            if counts.get(state):
                reasons[f"{state}: outcome unknown; run again to reconcile by reading"] += counts[state]
        return ApplyResult(
            plan_id=plan_id,
            total=self.total,
            by_state=counts,
            reasons=dict(reasons),
            sent=self.sent,
            elapsed=elapsed,
            cancelled=cancelled,
            problems=problems,
        )

    def snapshot(self, *, paused: bool = False, cancelled: bool = False, finished: bool = False) -> ProgressEvent:
        now = time.monotonic()
        while self._finished and now - self._finished[0] > self._window:
            self._finished.popleft()
        span = min(self._window, now - self.started)
        # under 0.2 s the rate is noise while running, but a finished run that fast still has a real rate
        rate = len(self._finished) / span if span > 0.2 or (finished and span > 0) else 0.0
        done = self._done
        left = self.total - done
        eta = (left / rate) if rate > 0 else (0.0 if left == 0 else None)
        return ProgressEvent(
            total=self.total,
            done=done,
            by_state=self.counts(),
            rate=rate,
            eta_seconds=eta,
            elapsed=now - self.started,
            sent=self.sent,
            in_flight=self.in_flight,
            paused=paused,
            cancelled=cancelled,
            finished=finished,
        )


__all__ = [
    "ApplyOptions",
    "ApplyResult",
    "EngineEvent",
    "NoticeEvent",
    "OperationEvent",
    "ProgressEvent",
    "ProgressTracker",
    "WrongWorkspaceError",
]
