"""Plan document: builders produce the exact requests, preconditions, losses and targets; files round-trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import OpKind, PersonState, Plan, PlanError, fingerprint, load_plan, save_plan

LEAD = PersonRef(cio_id="a1", email="lead@x.co")
CUST = PersonRef(cio_id="b2", id="u2", email="c@x.co")


def _plan(*operations):
    return Plan.create(
        workspace_fingerprint=fingerprint("us", "site"),
        workspace_name="Prod",
        source="convert-leads",
        operations=list(operations),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_fingerprint_rule():
    import hashlib

    assert fingerprint("eu", "abc") == "eu:" + hashlib.sha256(b"abc").hexdigest()[:16]


def test_assign_id_request_preconditions_and_target():
    op = ops.assign_id(LEAD, "u1")
    assert op.request.line() == 'PUT /api/v1/customers/cio_a1 {"id": "u1"}'
    assert op.preconditions == [PersonState(cio_id="a1", fields={"id": None, "email": "lead@x.co"})]
    assert op.target[0].fields == {"id": "u1", "email": "lead@x.co"}
    assert op.loses == []


def test_change_identifiers_lists_losses():
    op = ops.change_identifiers(CUST, new_id="u9", new_email="n@x.co")
    assert op.kind is OpKind.CHANGE_ID
    assert op.request.body == {"id": "u9", "email": "n@x.co"}
    assert [loss.values for loss in op.loses] == [{"id": "u2"}, {"email": "c@x.co"}]
    assert ops.change_identifiers(CUST, new_email="n@x.co").kind is OpKind.CHANGE_EMAIL


def test_merge_body_and_targets():
    p = Person(cio_id="b2", id="u2", attributes={"plan": "pro"})
    s = Person(cio_id="a1", email="lead@x.co", attributes={"plan": "free", "x": "1"})
    op = ops.merge(CUST, LEAD, primary_person=p, secondary_person=s)
    assert op.request.path == "/api/v1/merge_customers"
    assert op.request.body == {"primary": {"cio_id": "b2"}, "secondary": {"cio_id": "a1"}}
    assert op.target[1] == PersonState(cio_id="a1", exists=False)
    assert op.loses[1].values == {"plan": "free"}
    with pytest.raises(ValueError):
        ops.merge(CUST, CUST)


def test_other_kinds_requests():
    assert ops.delete(CUST).request.line() == "DELETE /api/v1/customers/cio_b2"
    assert ops.suppress(CUST).request.line() == "POST /api/v1/customers/cio_b2/suppress"
    assert ops.unsuppress(Identifier.email("a+b@x.co")).request.path == "/api/v1/customers/a%2Bb%40x.co/unsuppress"
    assert ops.unsubscribe(CUST).request.body == {"unsubscribed": True}
    op = ops.identify(CUST, {"plan": "pro", "vip": True}, current=Person(cio_id="b2", attributes={"plan": "free"}))
    assert op.target[0].attributes == {"plan": "pro", "vip": "true"}
    assert op.loses[0].values == {"plan": "free"}
    with pytest.raises(ValueError):
        ops.identify(CUST, {"email": "x@y.co"})


def test_person_state_mismatches():
    state = PersonState(cio_id="a1", fields={"id": None, "email": "Lead@X.co"})
    assert state.mismatches(Person(cio_id="a1", email="lead@x.co")) == []
    assert state.mismatches(Person(cio_id="a1", id="u7", email="lead@x.co")) == ["id is 'u7', expected empty"]
    assert state.mismatches(None) == ["cio_a1 does not exist"]
    assert PersonState(cio_id="a1", exists=False).mismatches(None) == []


def test_plan_numbering_summary_and_roundtrip(tmp_path):
    plan = _plan(ops.assign_id(LEAD, "u1"), ops.delete(CUST))
    assert [op.op_id for op in plan.operations] == ["op-00001", "op-00002"]
    s = plan.summary()
    assert (s.total, s.by_kind, s.people, s.losing) == (2, {OpKind.ASSIGN_ID: 1, OpKind.DELETE: 1}, 2, 1)
    path = save_plan(plan, tmp_path / "p.json")
    again = load_plan(path)
    assert again == plan and again.plan_id == plan.plan_id
    assert json.loads(path.read_text())["version"] == 1


def test_edited_or_foreign_plans_are_refused(tmp_path):
    plan = _plan(ops.assign_id(LEAD, "u1"))
    data = json.loads(plan.to_json())
    data["operations"][0]["summary"] = "harmless"
    (tmp_path / "p.json").write_text(json.dumps(data))
    with pytest.raises(PlanError, match="changed after it was made"):
        load_plan(tmp_path / "p.json")
    data["version"] = 99
    (tmp_path / "p.json").write_text(json.dumps(data))
    with pytest.raises(PlanError, match="version 99"):
        load_plan(tmp_path / "p.json")
    with pytest.raises(PlanError, match="no plan file"):
        load_plan(tmp_path / "missing.json")


def test_fingerprint_matches_the_workspace_rule():
    from cio_tui.workspace import fingerprint_of

    assert fingerprint("us", "site-123") == fingerprint_of("us", "site-123")


def test_reading_a_plan_file_reports_the_operations_read_of_the_total(tmp_path, monkeypatch):
    from cio_tui.identity import plan as plan_module

    monkeypatch.setattr(plan_module, "PROGRESS_EVERY", 2)
    refs = [PersonRef(cio_id=f"c{i}", email=f"p{i}@x.co") for i in range(5)]
    # an attribute value holding the quoted word "op_id" is escaped in the file and does not count
    operations = [ops.assign_id(r, f"u{i}") for i, r in enumerate(refs[:4])] + [ops.identify(refs[4], {"n": '"op_id"'})]
    path = save_plan(_plan(*operations), tmp_path / "p.json")
    heard: list[tuple[int, int]] = []
    plan = load_plan(path, progress=lambda done, total: heard.append((done, total)))
    assert len(plan.operations) == 5
    assert heard == [(2, 5), (4, 5), (5, 5)]
    assert load_plan(path) == plan  # the same plan with or without a listener
