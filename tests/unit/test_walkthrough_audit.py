"""Audit counts from a small people export."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cio_tui.walkthrough.audit import AuditError, audit_export
from cio_tui.walkthrough.models import DuplicateRuleCount

T0 = datetime(2026, 11, 29, tzinfo=UTC)
EXPORT = """cio_id,id,email,created_at,unsubscribed,plan
a1,u1,u1@x.co,1700000000,false,pro
a2,,lead@x.co,1700000001,,
a3,bob@x.co,bob@x.co,1700000002,true,
a4,User7,,1700000003,,
a5,user7,,1700000004,1,
a6,,,1700000005,,
a7,USER7,u7@x.co,1700000006,,
"""


def test_counts_from_export(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(EXPORT)
    seen = []

    def fake_duplicates(p):
        seen.append(p)
        return [DuplicateRuleCount(rule="case_variant_id", groups=1, people=3)], 1, 2

    counts = audit_export(path, now=T0, duplicates=fake_duplicates)
    assert (counts.people, counts.leads, counts.email_as_id, counts.case_variant_ids) == (7, 1, 1, 3)
    assert (counts.unsubscribed, counts.anonymous_only, counts.suppressed) == (2, 1, None)
    assert counts.duplicate_group_total == 1 and seen == [path]
    assert any("Suppressed people are deleted" in n for n in counts.notes)
    assert dict(counts.chart_rows())["Email-only leads"] == 1


def test_suppressed_column_is_counted_when_present(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("CIO_ID,Id,Email,suppressed\na1,u1,,true\na2,u2,,false\n")
    counts = audit_export(path, now=T0, duplicates=lambda p: ([], 0, 0))
    assert counts.suppressed == 1 and counts.people == 2


def test_export_without_identifier_columns_is_refused(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("name,plan\nx,y\n")
    with pytest.raises(AuditError, match="no cio_id, id, email column"):
        audit_export(path, now=T0, duplicates=lambda p: ([], 0, 0))


def test_export_is_read_by_the_one_csv_reader(tmp_path) -> None:
    """BOM, blank lines and a first-column flag are read; a quote left open is refused naming its line."""
    path = tmp_path / "people.csv"
    path.write_text("\ufeffunsubscribed,cio_id,id,email\n\ntrue,a1,,ann@example.com\n\nfalse,a2,u2,bob@example.com\n")
    counts = audit_export(path, now=T0, duplicates=lambda p: ([], 0, 0))
    assert (counts.people, counts.leads, counts.unsubscribed) == (2, 1, 1)

    bad = tmp_path / "bad.csv"
    bad.write_text('cio_id,id,email\na1,"u1,ann@example.com\na2,u2,bob@example.com\n')
    with pytest.raises(AuditError, match="quote opened on line 2 is never closed"):
        audit_export(bad, now=T0, duplicates=lambda p: ([], 0, 0))


def test_the_audit_prices_the_duplicates_when_the_operator_sets_a_price(tmp_path) -> None:
    from cio_tui.walkthrough.report import _audit_lines

    path = tmp_path / "people.csv"
    path.write_text(EXPORT)
    counts = audit_export(path, now=T0, duplicates=lambda p: ([], 3, 1234), price_per_profile=0.5)
    assert counts.duplicate_profiles == 1234 and counts.price_per_profile == 0.5
    assert counts.cost_line is not None
    assert counts.cost_line.startswith("duplicates cost about $617.00 a month (1,234 duplicate profile(s) at $0.5")
    assert "Duplicates cost about $617.00 a month" in "\n".join(_audit_lines(counts))
    unpriced = audit_export(path, now=T0, duplicates=lambda p: ([], 3, 1234))
    assert unpriced.cost_line is None
    assert not any("cost about" in line for line in _audit_lines(unpriced))


def test_the_real_engine_counts_duplicate_profiles_for_the_cost_line(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "cio_id,id,email,created_at\na1,,dup@x.co,1\na2,u2,dup@x.co,2\na3,u3,Dup@x.co ,3\na4,u4,solo@x.co,4\n"
    )
    counts = audit_export(path, now=T0, price_per_profile=0.1)
    assert (counts.duplicate_group_total, counts.duplicate_profiles) == (1, 2)
    assert counts.cost_line is not None and "$0.20 a month" in counts.cost_line
