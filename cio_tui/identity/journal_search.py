"""Find a person in the journal, across every plan: a read-only query over the plans and entries of one workspace.

The operator knows a person by a cio_id (with or without ``cio_``), an id or an email; the journal knows them by
cio_id (operations address people that way) and by the identifiers in the plan's checks and in the before/after
snapshots. A search first collects every cio_id the text names anywhere in the journal (so a person is found by an
old id as well as by a new one), then lists every operation that touched one of those cio_ids, oldest first, with
the person's snapshot before and after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from cio_tui.customerio.identifiers import normalize_email
from cio_tui.identity.journal import JournalEntry, PlanRecord
from cio_tui.identity.plan import Operation, Plan

Snapshot = dict[str, Any]


class JournalReader(Protocol):
    def plans(self) -> list[PlanRecord]: ...
    def load_plan(self, plan_id: str) -> Plan: ...
    def iter_entries(self, plan_id: str | None = None, op_id: str | None = None) -> Iterator[JournalEntry]: ...


@dataclass(frozen=True)
class PersonHit:
    """One operation that touched the person ``cio_id``."""

    plan_id: str
    source: str
    op_id: str
    kind: str
    summary: str
    cio_id: str
    role: str  # "subject" (the person written to, or the merge primary) | "secondary" (merged away, deleted)
    state: str  # the operation's current state in the journal ("pending" when it has no entry)
    at: datetime | None  # the operation's last entry
    before: Snapshot | None = None  # the person just before the operation was sent (None: not recorded)
    after: Snapshot | None = None  # as read back after it (None: not recorded)

    def to_json(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "source": self.source,
            "op_id": self.op_id,
            "kind": self.kind,
            "summary": self.summary,
            "cio_id": self.cio_id,
            "role": self.role,
            "state": self.state,
            "at": self.at.isoformat() if self.at else None,
            "before": self.before,
            "after": self.after,
        }


@dataclass
class _OpTrace:
    state: str = "pending"
    at: datetime | None = None
    before: list[Snapshot] = field(default_factory=list)  # the first before-snapshot recorded
    after: list[Snapshot] = field(default_factory=list)  # the last after-snapshot recorded


@dataclass(frozen=True)
class Query:
    """What the operator typed, read as the identifiers it may be."""

    text: str

    @property
    def cio_id(self) -> str:
        raw = self.text.strip()
        return raw[4:] if raw.lower().startswith("cio_") else raw

    def names(self, cio_id: str, ident: str | None, email: str | None) -> bool:
        raw = self.text.strip()
        if not raw:
            return False
        if cio_id and cio_id == self.cio_id:
            return True
        if ident is not None and ident == raw:
            return True
        return email is not None and "@" in raw and normalize_email(email) == normalize_email(raw)


def _snapshots(value: object) -> list[Snapshot]:
    return [s for s in value if isinstance(s, dict)] if isinstance(value, list) else []


def _identities(op: Operation, trace: _OpTrace) -> Iterable[tuple[str, str | None, str | None]]:
    """(cio_id, id, email) of everyone the operation names: its checks, its targets, its snapshots."""
    for state in [*op.preconditions, *op.target]:
        ident, email = state.fields.get("id"), state.fields.get("email")
        yield state.cio_id, ident if isinstance(ident, str) else None, email if isinstance(email, str) else None
    for snap in [*trace.before, *trace.after]:
        yield str(snap.get("cio_id") or ""), snap.get("id"), snap.get("email")
    for who in (op.subject, op.secondary):
        if who is not None and who.kind.value == "cio_id":
            yield who.value, None, None


def _traces(journal: JournalReader) -> dict[tuple[str, str], _OpTrace]:
    traces: dict[tuple[str, str], _OpTrace] = {}
    for entry in journal.iter_entries():
        if entry.op_id is None:
            continue
        trace = traces.setdefault((entry.plan_id, entry.op_id), _OpTrace())
        trace.state, trace.at = entry.state, entry.at
        if entry.before is not None and not trace.before:
            trace.before = _snapshots(entry.before)
        if entry.after is not None:
            trace.after = _snapshots(entry.after)
    return traces


def _person(snaps: list[Snapshot], cio_id: str) -> Snapshot | None:
    return next((s for s in snaps if s.get("cio_id") == cio_id), None)


def search_person(journal: JournalReader, text: str) -> list[PersonHit]:
    """Every operation, across plans, that touched the person ``text`` names (cio_id, id or email), oldest first."""
    query = Query(text)
    traces = _traces(journal)
    records = {r.plan_id: r for r in journal.plans()}
    ops: list[tuple[PlanRecord, Operation, _OpTrace]] = []
    for record in sorted(records.values(), key=lambda r: r.registered_at):
        if record.source.startswith("segment-"):  # Segment plans (cio_tui.cutover) write to Segment, not people
            continue
        plan = journal.load_plan(record.plan_id)
        ops += [(record, op, traces.get((record.plan_id, op.op_id), _OpTrace())) for op in plan.operations]
    wanted = {cio for _, op, trace in ops for cio, ident, email in _identities(op, trace)
              if cio and query.names(cio, ident, email)}  # fmt: skip
    hits: list[PersonHit] = []
    for record, op, trace in ops:
        for cio_id in op.cio_ids:
            if cio_id not in wanted:
                continue
            role = "secondary" if op.secondary is not None and op.secondary.value == cio_id else "subject"
            hits.append(
                PersonHit(
                    plan_id=record.plan_id,
                    source=record.source,
                    op_id=op.op_id,
                    kind=str(op.kind),
                    summary=op.summary,
                    cio_id=cio_id,
                    role=role,
                    state=trace.state,
                    at=trace.at,
                    before=_person(trace.before, cio_id),
                    after=_person(trace.after, cio_id),
                )
            )
    return hits


def hits_of_operation(journal: JournalReader, plan_id: str, op_id: str) -> list[PersonHit]:
    """One hit per person of one operation (the subject first), with the snapshots recorded around it."""
    plan = journal.load_plan(plan_id)
    op = plan.operation(op_id)
    found = [h for cio_id in op.cio_ids for h in search_person(journal, f"cio_{cio_id}")
             if h.plan_id == plan_id and h.op_id == op_id and h.cio_id == cio_id]  # fmt: skip
    return found


def person_summary(query: str, hits: list[PersonHit]) -> str:
    """One line for a search: how many operations on whom, in how many plans."""
    if not hits:
        return f"The journal never touched {query!r} (searched by cio_id, id and email)."
    people = ", ".join(f"cio_{c}" for c in sorted({h.cio_id for h in hits}))
    return f"{query}: {len(hits)} operation(s) on {people} in {len({h.plan_id for h in hits})} plan(s)"


__all__ = ["PersonHit", "Query", "hits_of_operation", "person_summary", "search_person"]
