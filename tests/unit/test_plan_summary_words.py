"""The plan summary's words: one person, not "1 people"."""

from __future__ import annotations

from cio_tui.identity.plan import OpKind, PlanSummary


def test_one_person_touched_is_said_in_the_singular() -> None:
    one = PlanSummary(total=1, by_kind={OpKind.CHANGE_ID: 1}, people=1, losing=1)
    assert one.lines()[1] == "1 person touched; 1 operation(s) lose data"
    many = PlanSummary(total=3, by_kind={OpKind.CHANGE_ID: 3}, people=3, losing=0)
    assert many.lines()[1] == "3 people touched; 0 operation(s) lose data"
