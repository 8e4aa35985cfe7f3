"""What the Journal screen shows, computed from the journal's records: each plan's status in words, which plans and
entries the filters and a person search leave, the summary line, and which operation a restore starts from.

Pure (no Textual, no IO): the screen reads the journal in workers and hands the results here.
"""

from __future__ import annotations

from collections.abc import Sequence

from cio_tui.identity.journal import JournalEntry, PlanRecord
from cio_tui.identity.journal_search import PersonHit, person_summary

STATUS_FILTERS = ("all", "interrupted", "not applied", "finished with problems", "complete")
EMPTY_TEXT = (
    "Nothing has been applied to this workspace yet.\n\nEvery plan applied in Plan/Apply (press 7) or with "
    "`cio-tui apply` is recorded here: each step, the request sent, and a snapshot of every person before and after."
)
IN_DOUBT = ("sent", "uncertain")

PersonSearch = tuple[str, list[PersonHit]]
"""A person search shown: what was typed, and the operations found on them across plans."""


def plan_status(record: PlanRecord) -> str:
    """``complete``, ``interrupted`` (some operations not finished or in doubt), ``not applied``, or
    ``finished with problems`` (every operation ended, some stale or failed)."""
    states = record.states
    pending = states.get("pending", 0) + states.get("checked", 0)
    in_doubt = sum(states.get(s, 0) for s in IN_DOUBT)
    if record.complete:
        return "complete"
    if pending == record.total:
        return "not applied"
    if pending or in_doubt:
        return "interrupted"
    return "finished with problems"


def can_resume(record: PlanRecord) -> bool:
    return plan_status(record) in ("interrupted", "not applied")


def plan_matches(record: PlanRecord, text: str, status: str = "all") -> bool:
    """Filter: ``text`` (case-insensitive) in plan id, source, description, operator or state names; ``status``."""
    if status != "all" and plan_status(record) != status:
        return False
    if not text.strip():
        return True
    hay = " ".join(
        [record.plan_id, record.source, record.description, record.operator, record.workspace_name, *record.states]
    ).lower()
    return all(word in hay for word in text.lower().split())


def next_status_filter(current: str) -> str:
    return STATUS_FILTERS[(STATUS_FILTERS.index(current) + 1) % len(STATUS_FILTERS)]


def visible_plans(
    records: Sequence[PlanRecord], text: str, status: str, person: PersonSearch | None
) -> list[PlanRecord]:
    """The plans the filter text and status leave; with a person search, only the plans that touched them."""
    shown = [r for r in records if plan_matches(r, text, status)]
    if person is not None:
        touched = {h.plan_id for h in person[1]}
        shown = [r for r in shown if r.plan_id in touched]
    return shown


def plans_summary(records: Sequence[PlanRecord], shown: Sequence[PlanRecord], person: PersonSearch | None) -> str:
    if person is not None:
        return person_summary(*person) + " · empty the person field to see every plan"
    interrupted = sum(1 for r in records if plan_status(r) == "interrupted")
    summary = f"{len(records)} plan(s) in the journal"
    if interrupted:
        summary += f" · {interrupted} interrupted (highlight one and press u to resume)"
    if len(shown) != len(records):
        summary += f" · {len(shown)} shown by the filter"
    return summary


def plan_entries(
    plan_id: str, entries: Sequence[JournalEntry], person: PersonSearch | None
) -> tuple[list[JournalEntry], str]:
    """The entries of ``plan_id`` to list and the table's title: with a person search, only their operations' entries
    (and the plan's own)."""
    title = f"Entries of plan {plan_id}"
    if person is None:
        return list(entries), title
    ops = {h.op_id for h in person[1] if h.plan_id == plan_id}
    return [e for e in entries if e.op_id is None or e.op_id in ops], f"{title} on {person[0]}"


def restore_target(
    entry: JournalEntry | None, plan: PlanRecord | None, person: PersonSearch | None
) -> tuple[str | None, str | None]:
    """(plan_id, op_id) a restore starts from: the highlighted entry's operation, else, with a person search, the
    person's last operation in the highlighted plan. None where there is none."""
    plan_id, op_id = (entry.plan_id, entry.op_id) if entry is not None else (None, None)
    if op_id is None and person is not None:
        hits = [h for h in person[1] if plan is not None and h.plan_id == plan.plan_id]
        if hits:
            return hits[-1].plan_id, hits[-1].op_id
    return plan_id, op_id


__all__ = [
    "EMPTY_TEXT",
    "STATUS_FILTERS",
    "PersonSearch",
    "can_resume",
    "next_status_filter",
    "plan_entries",
    "plan_matches",
    "plan_status",
    "plans_summary",
    "restore_target",
    "visible_plans",
]
