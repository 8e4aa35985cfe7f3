"""Wording the QA pass found misleading: audit by-rule counts, the paste's anonymous_id placeholder, the empty
Plan/Apply text and a plan file that is not JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cio_tui.identity.plan import Plan, PlanError
from cio_tui.segment import preview_text
from cio_tui.tui.viewmodels.plan_text import EMPTY_TEXT
from cio_tui.walkthrough.models import AuditCounts, DuplicateRuleCount


def test_by_rule_counts_say_a_group_can_match_several_rules() -> None:
    rules = [DuplicateRuleCount(rule="same_email", groups=79), DuplicateRuleCount(rule="same_phone", groups=41)]
    audit = AuditCounts(source="live", taken_at=datetime(2026, 1, 1, tzinfo=UTC), duplicate_groups=rules)
    assert audit.duplicate_rules_line() == "Duplicate groups by rule: same_email 79, same_phone 41"
    overlapping = audit.model_copy(update={"duplicate_groups_total": 100})
    assert overlapping.duplicate_rules_line() == (
        "Duplicate groups by rule: same_email 79, same_phone 41 (a group can match several rules, so these add up "
        "to more than the 100 distinct groups)"
    )


def test_the_pastes_anonymous_id_placeholder_is_named_as_such() -> None:
    [result] = preview_text('analytics.identify("u1", {"plan": "pro"})')
    [warning] = [w for w in result.warnings if w.code == "anonymous_id_attribute"]
    assert "anonymous_id = 'anon-pasted-session'" in warning.explanation
    assert "'anon-pasted-session' is the placeholder given to this pasted call" in warning.explanation
    [real] = preview_text('{"type": "identify", "userId": "u", "anonymousId": "a"}')
    [warning] = [w for w in real.warnings if w.code == "anonymous_id_attribute"]
    assert "placeholder" not in warning.explanation


def test_the_empty_plan_text_names_every_area_that_makes_plans() -> None:
    assert "Leads (press 4), Identifiers (press 5) or Duplicates (press 6)" in EMPTY_TEXT


def test_a_file_that_is_not_json_is_named_without_a_stray_bracket() -> None:
    with pytest.raises(PlanError) as caught:
        Plan.from_json("garbage, not a plan")
    message = str(caught.value)
    assert message.startswith("not a valid cio-tui plan (Invalid JSON")
    assert "(:" not in message
