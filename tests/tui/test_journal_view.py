"""The Journal screen's view-model: which plans and entries a filter or a person search leaves, the summary line,
and where a restore starts (no app)."""

from __future__ import annotations

from datetime import UTC, datetime

from cio_tui.identity.journal import JournalEntry, PlanRecord
from cio_tui.identity.journal_search import PersonHit
from cio_tui.tui.viewmodels.journal_view import (
    STATUS_FILTERS,
    next_status_filter,
    plan_entries,
    plans_summary,
    restore_target,
    visible_plans,
)

AT = datetime(2026, 1, 2, tzinfo=UTC)


def _record(plan_id: str, source: str, states: dict[str, int], total: int) -> PlanRecord:
    return PlanRecord(plan_id=plan_id, registered_at=AT, operator="op", workspace_name="sandbox", source=source,
                      description="", total=total, states=states, last_at=AT)  # fmt: skip


def _entry(plan_id: str, op_id: str | None, seq: int) -> JournalEntry:
    return JournalEntry(seq=seq, at=AT, plan_id=plan_id, op_id=op_id, state="done", operator="op")


def _hit(plan_id: str, op_id: str) -> PersonHit:
    return PersonHit(plan_id=plan_id, source="convert-leads", op_id=op_id, kind="assign_id", summary="",
                     cio_id="a1", role="subject", state="done", at=AT)  # fmt: skip


RECORDS = [
    _record("p-leads", "convert-leads", {"done": 2}, 2),
    _record("p-merge", "merge-duplicates", {"sent": 1, "pending": 1}, 2),
    _record("p-fresh", "fix-identifiers", {"pending": 3}, 3),
]


def test_filters_and_the_summary_line() -> None:
    assert [r.plan_id for r in visible_plans(RECORDS, "", "all", None)] == ["p-leads", "p-merge", "p-fresh"]
    assert [r.plan_id for r in visible_plans(RECORDS, "merge", "all", None)] == ["p-merge"]
    assert [r.plan_id for r in visible_plans(RECORDS, "", "not applied", None)] == ["p-fresh"]
    shown = visible_plans(RECORDS, "leads", "all", None)
    assert plans_summary(RECORDS, shown, None) == (
        "3 plan(s) in the journal · 1 interrupted (highlight one and press u to resume) · 1 shown by the filter"
    )
    assert plans_summary(RECORDS, RECORDS, None) == (
        "3 plan(s) in the journal · 1 interrupted (highlight one and press u to resume)"
    )


def test_the_status_filter_cycles_through_every_status_and_back() -> None:
    seen = ["all"]
    while (following := next_status_filter(seen[-1])) != "all":
        seen.append(following)
    assert tuple(seen) == STATUS_FILTERS


def test_a_person_search_keeps_their_plans_and_their_operations() -> None:
    person = ("ann@example.com", [_hit("p-merge", "op-2"), _hit("p-fresh", "op-1"), _hit("p-fresh", "op-3")])
    assert [r.plan_id for r in visible_plans(RECORDS, "", "all", person)] == ["p-merge", "p-fresh"]
    assert plans_summary(RECORDS, RECORDS[1:], person) == (
        "ann@example.com: 3 operation(s) on cio_a1 in 2 plan(s) · empty the person field to see every plan"
    )
    entries = [_entry("p-fresh", None, 1), _entry("p-fresh", "op-1", 2), _entry("p-fresh", "op-2", 3)]
    kept, title = plan_entries("p-fresh", entries, person)
    assert [e.op_id for e in kept] == [None, "op-1"] and title == "Entries of plan p-fresh on ann@example.com"
    assert plan_entries("p-fresh", entries, None) == (entries, "Entries of plan p-fresh")


def test_a_restore_starts_from_the_entry_else_the_persons_last_operation_in_the_plan() -> None:
    person = ("ann", [_hit("p-fresh", "op-1"), _hit("p-fresh", "op-3"), _hit("p-merge", "op-2")])
    assert restore_target(_entry("p-leads", "op-9", 1), RECORDS[0], person) == ("p-leads", "op-9")
    assert restore_target(None, RECORDS[2], person) == ("p-fresh", "op-3")
    assert restore_target(_entry("p-fresh", None, 1), RECORDS[2], person) == ("p-fresh", "op-3")
    assert restore_target(None, RECORDS[0], person) == (None, None)
    assert restore_target(_entry("p-fresh", None, 1), RECORDS[2], None) == ("p-fresh", None)
