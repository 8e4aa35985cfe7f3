"""Duplicate rules, grouping, confidence, primary choice and review flags, on small hand-made exports."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cio_tui.identity.duplicates.engine import analyse_export
from cio_tui.identity.duplicates.models import DuplicateGroup, choose_primary
from cio_tui.identity.duplicates.rules import Confidence

HEADER = ["cio_id", "id", "email", "created_at", "anonymous_id", "plan"]


def write_export(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    """A people export with ``header`` (default: cio_id,id,email,created_at,anonymous_id,plan)."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


def groups_of(path: Path, **kw) -> list[DuplicateGroup]:
    with analyse_export(path, **kw) as analysis:
        return analysis.groups()


def members(group: DuplicateGroup) -> list[str]:
    return [m.cio_id for m in group.members]


def noise(n: int = 3) -> list[list[str]]:
    """People unique on every identifier: never in a group."""
    return [[f"n{i}", f"user{i}", f"person{i}@example.com", "1600000000", f"anon-{i}", "free"] for i in range(n)]


def test_same_email_after_trim_and_lower(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "e.csv",
        [
            ["a1", "u1", "Ann@Example.com", "1500000000", "", "pro"],
            ["a2", "u2", " ann@example.COM ", "1400000000", "", ""],
            *noise(),
        ],
    )
    [group] = groups_of(path)
    assert group.rules == ["same_email"]
    assert group.confidence is Confidence.MEDIUM
    assert sorted(members(group)) == ["a1", "a2"]
    # two different real ids: flagged, never merge-ready by default
    assert group.needs_review and not group.merge_ready
    assert "2 different real ids ('u1', 'u2')" in group.reason


def test_lead_and_person_with_id_holding_the_email_in_another_column(tmp_path: Path) -> None:
    header = ["cio_id", "id", "email", "created_at", "Work_Email"]
    path = write_export(
        tmp_path / "l.csv",
        [
            ["l1", "", "lead@example.com", "1400000000", ""],
            ["c1", "cust1", "", "1500000000", "LEAD@example.com"],
            ["x1", "x", "x@example.com", "1500000000", "x@example.com"],
        ],
        header,
    )
    [group] = groups_of(path)
    assert group.rules == ["lead_and_id_person"]
    assert group.confidence is Confidence.HIGH
    assert members(group) == ["c1", "l1"]  # the real id wins over the older lead
    assert group.merge_ready
    assert "email-only lead and a person with an id hold the email 'lead@example.com'" in group.reason


def test_id_that_is_another_persons_email(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "i.csv",
        [
            ["p1", "Bob@Example.com", "", "1300000000", "", ""],
            ["p2", "bob42", "bob@example.com", "1500000000", "", ""],
            ["p3", "solo@example.com", "solo@example.com", "1500000000", "", ""],
            *noise(),
        ],
    )
    [group] = groups_of(path)  # p3's id equals only its own email: not a duplicate
    assert group.rules == ["email_as_id"]
    assert group.confidence is Confidence.HIGH
    # the email-shaped id is a placeholder: p2 (real id) is primary although p1 is older, and no review is needed
    assert members(group) == ["p2", "p1"]
    assert group.merge_ready
    assert "survivor keeps the id the app sends" in group.primary_reason


def test_ids_equal_except_for_case_need_review(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "c.csv",
        [
            ["k1", "User7", "a@example.com", "1500000000", "", ""],
            ["k2", "user7", "b@example.com", "1400000000", "", ""],
            ["k3", "USER7", "c@example.com", "1450000000", "", ""],
            ["k4", "lower", "d@example.com", "1", "", ""],
        ],
    )
    [group] = groups_of(path)
    assert group.rules == ["case_variant_id"]
    assert group.confidence is Confidence.MEDIUM
    assert members(group) == ["k2", "k3", "k1"]  # oldest first
    assert group.needs_review and "3 different real ids" in group.reason


def test_shared_anonymous_id_ignores_placeholders(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "a.csv",
        [
            ["s1", "u1", "a@example.com", "1500000000", "anon-9", ""],
            ["s2", "", "b@example.com", "1400000000", "anon-9", ""],
            ["s3", "u3", "c@example.com", "1500000000", "null", ""],
            ["s4", "u4", "d@example.com", "1500000000", "NULL", ""],
        ],
    )
    [group] = groups_of(path)
    assert group.rules == ["shared_anonymous_id"]
    assert group.confidence is Confidence.LOW
    assert members(group) == ["s1", "s2"]


def test_rules_chain_into_one_group_with_bottleneck_confidence(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "g.csv",
        [
            ["g1", "", "g@example.com", "1300000000", "", ""],  # lead
            ["g2", "gus", "g@example.com", "1400000000", "anon-g", ""],  # same person with an id
            ["g3", "", "other@example.com", "1200000000", "anon-g", ""],  # linked only by the anonymous_id
            *noise(),
        ],
    )
    [group] = groups_of(path)
    assert sorted(members(group)) == ["g1", "g2", "g3"]
    assert group.rules == ["lead_and_id_person", "same_email", "shared_anonymous_id"]
    assert group.rule == "lead_and_id_person+same_email+shared_anonymous_id"
    # g3 hangs on a low-confidence link only: the group as a whole is low
    assert group.confidence is Confidence.LOW
    assert group.primary == "g2"


def test_a_long_chain_settles_into_one_group_named_by_its_smallest_cio_id(tmp_path: Path) -> None:
    # c_i shares an anonymous_id with d_i, and d_i holds c_(i+1)'s email: one chain of 2n - 1 people, its first row
    # at one end, so the smallest label travels the whole chain over several label passes (they stop when no link
    # joins two labels); the cio_ids are shuffled, so the group's name is not its first row's
    n = 300
    c_rows = [[f"c{i * 7 % n:03d}", f"u{i}", f"c{i}@example.com", str(1600000000 + i), f"chain-{i}", ""]
              for i in range(n)]  # fmt: skip
    d_rows = [[f"d{i:03d}", f"v{i}", f"c{i + 1}@example.com", "1600000000", f"chain-{i}", ""] for i in range(n - 1)]
    path = write_export(tmp_path / "chain.csv", [*c_rows[::-1], *d_rows, *noise()])
    with analyse_export(path) as analysis:
        [group] = analysis.groups()
        assert [g.to_json_dict() for g in analysis.groups(limit=1)] == [group.to_json_dict()]
    assert group.size == 2 * n - 1
    assert sorted(members(group)) == sorted([r[0] for r in c_rows + d_rows])
    assert group.rule == "same_email+shared_anonymous_id"
    assert group.primary == f"c{0 * 7 % n:03d}"  # the oldest: every d row is as old, and 'c000' < 'd...'


def test_mixed_rules_on_the_same_pair_keep_the_strongest(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "m.csv",
        [
            ["m1", "", "m@example.com", "1300000000", "anon-m", ""],
            ["m2", "mia", "m@example.com", "1400000000", "anon-m", ""],
        ],
    )
    [group] = groups_of(path)
    assert group.confidence is Confidence.HIGH  # the pair is linked by a high rule as well


def test_oldest_real_id_is_primary_and_choice_can_change(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "p.csv",
        [
            ["o1", "", "o@example.com", "1100000000", "", ""],
            ["o2", "o@example.com", "", "1000000000", "", ""],
            ["o3", "olly", "o@example.com", "1300000000", "", ""],
        ],
    )
    [group] = groups_of(path)
    assert group.primary == "o3"  # the only real id, though the youngest
    choose_primary(group, "o2")
    assert group.primary == "o2" and members(group) == ["o2", "o1", "o3"]
    assert "chosen by the operator (the default was cio_o3)" in group.primary_reason
    assert "sets that id on it after the merges" in group.primary_reason
    choose_primary(group, "o3")
    assert group.primary == "o3" and "restored" in group.primary_reason


def test_without_real_ids_the_oldest_is_primary_and_unknown_dates_go_last(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "o.csv",
        [
            ["q1", "", "q@example.com", "", "", ""],
            ["q2", "q@example.com", "", "2020-01-02T03:04:05Z", "", ""],
            ["q3", "", "Q@example.com ", "1700000000000", "", ""],
        ],  # milliseconds
    )
    [group] = groups_of(path)
    assert members(group) == ["q2", "q3", "q1"]
    assert [m.created_at for m in group.members] == [1577934245, 1700000000, None]
    assert "nobody holds a real id" in group.primary_reason


def test_groups_are_ranked_by_confidence_then_size(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "r.csv",
        [
            ["a1", "u1", "x@example.com", "1", "anon-a", ""],
            ["a2", "", "y@example.com", "2", "anon-a", ""],
            ["b1", "", "b@example.com", "1", "", ""],
            ["b2", "bee", "b@example.com", "2", "", ""],
            ["c1", "", "c@example.com", "1", "", ""],
            ["c2", "cee", "c@example.com", "2", "", ""],
            ["c3", "c@example.com", "", "3", "", ""],
        ],
    )
    groups = groups_of(path)
    assert [(g.confidence.value, g.size) for g in groups] == [("high", 3), ("high", 2), ("low", 2)]


def test_attributes_are_kept_when_asked(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "t.csv",
        [["t1", "", "t@example.com", "1", "", "free"], ["t2", "tom", "t@example.com", "2", "", "pro"]],
    )
    [group] = groups_of(path, keep_attributes=True)
    assert group.members[0].attributes == {"plan": "pro"}
    assert group.conflicts() == {"plan": ["pro", "free"]}
    [lean] = groups_of(path)
    assert lean.members[0].attributes == {}


def test_summary_and_rule_counts(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "s.csv",
        [["a", "", "s@example.com", "1", "", ""], ["b", "sid", "s@example.com", "2", "", ""], *noise()],
    )
    with analyse_export(path) as analysis:
        summary = analysis.summary()
        counts = analysis.rule_counts()
    assert summary["rows"] == 5 and summary["groups"] == 1 and summary["merge_ready"] == 1
    assert summary["by_rule"]["lead_and_id_person"] == 1 and summary["by_rule"]["case_variant_id"] == 0
    assert counts["same_email"] == {"groups": 1, "people": 2}


@pytest.mark.parametrize("size", [51])
def test_unusually_large_groups_need_review(tmp_path: Path, size: int) -> None:
    rows = [[f"z{i}", "" if i else "zed", "z@example.com", str(i), "", ""] for i in range(size)]
    [group] = groups_of(write_export(tmp_path / "z.csv", rows))
    assert group.size == size and group.needs_review
    assert "more than max_group_size (50): likely a bad key" in group.reason
