"""The Leads and Identifiers screens' models without an app: attaching ids, local checks, the engine's verdict."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import Plan
from cio_tui.identity.rows import ExcludedRow, MergeProposal, PlanBuild
from cio_tui.tui.viewmodels.csv_rows import CsvRow
from cio_tui.tui.viewmodels.leads_rows import LeadsModel
from cio_tui.tui.widgets.csv_changes import ChangesModel, identifier_problem, norm_cio

ANN = PersonRef(cio_id="a1", email="Ann@Example.com")
BOB = PersonRef(cio_id="a2", email="bob@example.com")
HOLDER = PersonRef(cio_id="h1", id="taken", email="h@example.com")


def _build(operations, excluded=(), proposals=()) -> PlanBuild:
    plan = Plan.create(
        workspace_fingerprint="us:0",
        workspace_name="w",
        source="manual",
        operations=operations,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return PlanBuild(plan=plan, excluded=list(excluded), proposals=list(proposals))


def test_typed_ids_win_over_csv_and_checks_follow_the_rows() -> None:
    model = LeadsModel(leads=[ANN, BOB], source="live search")
    issues = model.set_csv_rows(
        [
            CsvRow(2, {"email": "ann@example.com", "id": "from-csv"}),
            CsvRow(3, {"email": "bob@example.com", "id": "bob@example.com"}),
            CsvRow(4, {"email": "zed@example.com", "id": "z"}),
        ]
    )
    assert [(i.line, i.severity) for i in issues] == [(3, "error"), (4, "warning")]
    model.type_id("ANN@example.com", "typed")
    assert [(r.email, r.new_id, r.check.severity) for r in model.rows()] == [
        ("Ann@Example.com", "typed", "unchecked"),
        ("bob@example.com", "bob@example.com", "unchecked"),
    ]
    assert [(r.line, r.email, r.id) for r in model.id_rows()] == [
        (3, "bob@example.com", "bob@example.com"),
        (4, "zed@example.com", "z"),
        (None, "ANN@example.com", "typed"),
    ]
    model.type_id("bob@example.com", "cio_x")
    assert "starts with 'cio_'" in model.rows("bob")[0].check.message


def test_a_csv_read_after_typing_replaces_the_typed_ids_it_names_and_counts_them() -> None:
    """QA: ids typed first, then a file for the same emails: the file wins, and how many were replaced is kept."""
    carl = PersonRef(cio_id="a3", email="carl@example.com")
    model = LeadsModel(leads=[ANN, BOB, carl], source="live search")
    model.type_id("ann@example.com", "ann@example.com")  # an error typed by hand
    model.type_id("bob@example.com", "same")
    model.type_id("carl@example.com", "kept-typed")
    model.set_csv_rows(
        [CsvRow(2, {"email": "ANN@example.com", "id": "u-ann"}), CsvRow(3, {"email": "bob@example.com", "id": "same"})]
    )
    assert model.replaced_typed == 1  # bob's typed id was the file's own value: nothing lost there
    assert [(r.email, r.new_id, r.check.severity) for r in model.rows()] == [
        ("Ann@Example.com", "u-ann", "unchecked"),
        ("bob@example.com", "same", "unchecked"),
        ("carl@example.com", "kept-typed", "unchecked"),
    ]
    assert [(r.line, r.id) for r in model.id_rows()] == [(2, "u-ann"), (3, "same"), (None, "kept-typed")]
    assert model.counts()["attached"] == 3


def test_engine_verdict_marks_ready_errors_and_merge_proposals() -> None:
    model = LeadsModel(leads=[ANN, BOB])
    model.set_csv_rows(
        [CsvRow(2, {"email": "ann@example.com", "id": "a-1"}), CsvRow(3, {"email": "bob@example.com", "id": "taken"})]
    )
    build = _build(
        [ops.assign_id(ANN, "a-1")],
        excluded=[
            ExcludedRow(
                line=3,
                key="bob@example.com",
                value="taken",
                reason="the id is already used",
                action="listed as a merge proposal",
            )
        ],
        proposals=[MergeProposal(line=3, identifier="taken", primary=HOLDER, secondary=BOB)],
    )
    issues = model.apply_build(build)
    assert [(i.line, i.severity) for i in issues] == [(3, "merge")]
    checks = {r.cio_id: r.check for r in model.rows()}
    assert checks["a1"].severity == "ok" and checks["a2"].severity == "merge"
    assert model.counts() == {"leads": 2, "attached": 2, "not_leads": 0, "ok": 1, "merge": 1}


def test_ids_for_emails_that_are_not_leads_are_not_counted_as_attached() -> None:
    # once, a 10,000-row CSV over 2 leads said "10000 with an id attached"
    model = LeadsModel(leads=[ANN, BOB])
    model.set_csv_rows(
        [CsvRow(2, {"email": "ann@example.com", "id": "a-1"})]
        + [CsvRow(3 + i, {"email": f"other{i}@example.com", "id": f"o-{i}"}) for i in range(50)]
    )
    counts = model.counts()
    assert counts["attached"] == 1 and counts["not_leads"] == 50


def test_identifier_changes_preview_old_and_new() -> None:
    model = ChangesModel()
    assert model.add_typed("cio_a1", "new-1", "") is None
    problem = model.add_typed("a2", "x@y.co", "")
    assert problem is not None and "looks like an email" in problem.message
    [first, second] = model.rows()
    assert model.preview(first) == ("? -> new-1", "(unchanged)")
    model.current["a1"] = PersonRef(cio_id="a1", id=None, email="ann@example.com")
    assert model.preview(model.rows()[0]) == ("(none) -> new-1", "(unchanged)")
    model.remove_typed("a2")
    assert [r.cio_id for r in model.rows()] == ["a1"]
    assert norm_cio("cio_a1") == "a1" and norm_cio("not valid!") == "not valid!"
    with pytest.raises(ValueError) as caught:
        Identifier.cio("bad value")
    assert identifier_problem(caught.value) == "a cio_id is letters and digits only (with or without the 'cio_' prefix)"
