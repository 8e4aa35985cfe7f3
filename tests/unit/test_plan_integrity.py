"""Apply exactly what was reviewed: the engine sends the planned request itself; an edited plan of any kind is
refused when loaded (naming the operation) or by its signature, and nothing is sent."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import pytest

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions
from cio_tui.identity.journal import Journal
from cio_tui.identity.plan import Plan, PlanError, fingerprint, load_plan, save_plan
from cio_tui.identity.plan_diff import differences
from cio_tui.identity.signing import UnsignedPlanError, require_signature, sign_plan, signature_problem
from tests.unit.fake_cio import FakeClient

FP = fingerprint("us", "site")
KEY = b"k" * 32
A = PersonRef(cio_id="a1", email="a@x.co")
B = PersonRef(cio_id="b2", id="u2", email="b@x.co")


def people() -> list[Person]:
    return [Person(cio_id="a1", email="a@x.co"), Person(cio_id="b2", id="u2", email="b@x.co")]


def plan_of(*operations) -> Plan:
    return Plan.create(
        workspace_fingerprint=FP,
        workspace_name="W",
        source="manual",
        operations=list(operations),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def every_kind() -> Plan:
    return plan_of(
        ops.assign_id(A, "u1"),
        ops.identify(B, {"plan": "pro"}),
        ops.merge(B, A),
        ops.delete(B),
        ops.suppress(A),
        ops.unsuppress(Identifier.email("z@x.co")),
        ops.unsubscribe(B),
        ops.change_identifiers(B, new_email="n@x.co"),
    )


async def test_the_engine_sends_exactly_the_planned_requests_and_journals_them(tmp_path):
    client = FakeClient(people())
    plan = plan_of(ops.assign_id(A, "u1"), ops.identify(B, {"plan": "pro"}))
    with Journal(tmp_path / "j.sqlite") as journal:
        engine = ApplyEngine(client, journal, plan, workspace_fingerprint=FP, options=ApplyOptions.for_sandbox())
        await engine.run()
        sent = [e.request for e in journal.entries(plan.plan_id) if e.state == "sent"]
    planned = [(op.request.method, op.request.path, op.request.body) for op in plan.operations]
    assert client.requests == planned
    assert [(r["method"], r["path"], r["body"]) for r in sent] == planned


def _edit(plan: Plan, edit) -> str:
    data = json.loads(plan.to_json())
    edit(data)
    return json.dumps(data)


def _redigest(data: dict) -> None:
    """What an attacker does after editing: recompute plan_id (a plain digest anyone can compute)."""
    body = {k: v for k, v in data.items() if k != "signature"}
    data["plan_id"] = Plan.model_validate(body, context={"new": True}).plan_id


EDITS = {
    "subject swapped": lambda d: d["operations"][0]["subject"].update(value="b2"),
    "kind changed to delete": lambda d: d["operations"][1].update(kind="delete"),
    "attributes changed": lambda d: d["operations"][1]["attributes"].update(plan="free"),
    "request path changed": lambda d: d["operations"][0]["request"].update(path="/api/v1/customers/cio_b2"),
    "request body changed": lambda d: d["operations"][0]["request"]["body"].update(id="someone-else"),
    "request method changed": lambda d: d["operations"][0]["request"].update(method="DELETE", body=None),
    "secondary swapped": lambda d: d["operations"][2]["secondary"].update(value="zz9"),
    "api changed": lambda d: d["operations"][0]["request"].update(api="app"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edited_operation_is_refused_naming_it(tmp_path, name):
    plan = every_kind()
    text = _edit(plan, EDITS[name])
    with pytest.raises(PlanError, match=r"operation op-0000\d"):
        Plan.from_json(text)


@pytest.mark.parametrize("blank", ["", None])
def test_plan_id_is_required(blank):
    plan = every_kind()

    def edit(d):
        if blank is None:
            del d["plan_id"]
        else:
            d["plan_id"] = blank

    with pytest.raises(PlanError, match="plan_id"):
        Plan.from_json(_edit(plan, edit))


def test_a_consistent_edit_with_a_recomputed_plan_id_fails_the_signature():
    signed = sign_plan(every_kind(), KEY)
    assert signature_problem(signed, KEY) is None

    def edit(d):
        d["operations"][0]["summary"] = "nothing to see"
        d["operations"][0]["preconditions"][0]["fields"]["id"] = "anything"
        _redigest(d)

    edited = Plan.from_json(_edit(signed, edit))  # the digest check alone cannot see it
    assert "does not match" in (signature_problem(edited, KEY) or "")
    with pytest.raises(UnsignedPlanError, match="--allow-unsigned"):
        require_signature(edited, KEY)
    assert "not signed" in (signature_problem(every_kind(), KEY) or "")
    assert signature_problem(signed, b"other key" * 4) is not None


def test_differences_from_a_freshly_derived_plan():
    plan = plan_of(ops.assign_id(A, "u1"), ops.delete(B))
    data = json.loads(plan.to_json())
    data["operations"][0]["target"][0]["fields"]["id"] = "other"
    data["operations"][0]["preconditions"][0]["fields"]["email"] = "c@x.co"
    _redigest(data)
    edited = Plan.from_json(json.dumps(data))
    lines = differences(edited, {p.cio_id: p for p in people()})
    assert any(line.startswith("op-00001 preconditions: in the plan") for line in lines)
    assert any(line.startswith("op-00001 target:") and "'other'" in line for line in lines)
    assert not any(line.startswith("op-00002") for line in lines)
    gone = differences(plan, {"a1": people()[0]})
    assert gone == ["op-00002: cio_b2 does not exist now: a fresh plan would not contain this operation"]


def test_saved_plans_are_signed_private_and_size_limited(tmp_path):
    path = save_plan(every_kind(), tmp_path / "p.json", key=KEY)
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert signature_problem(load_plan(path), KEY) is None
    with pytest.raises(PlanError, match="reads plans up to"):
        load_plan(path, max_bytes=1000)
    with pytest.raises(PlanError, match="folder .* does not exist"):
        save_plan(every_kind(), tmp_path / "missing" / "p.json")
    (tmp_path / "bad.json").write_bytes(b'{"version": 1, \xff}')
    with pytest.raises(PlanError, match="not UTF-8"):
        load_plan(tmp_path / "bad.json")


def test_a_plan_opened_for_review_must_be_signed_for_the_open_workspace_only(tmp_path):
    from types import SimpleNamespace

    from cio_tui.identity.signing import open_for_review

    plan = plan_of(ops.assign_id(A, "u1"))
    signed, unsigned = save_plan(plan, tmp_path / "s.json", key=KEY), save_plan(plan, tmp_path / "u.json")
    ours = SimpleNamespace(fingerprint=FP, plan_key=lambda: KEY, name="acme-prod", is_sandbox=False)
    other = SimpleNamespace(fingerprint=fingerprint("eu", "elsewhere"), plan_key=lambda: KEY)
    assert open_for_review(signed, ours).plan_id == plan.plan_id
    with pytest.raises(UnsignedPlanError, match=r"not signed.*cio-tui --profile acme-prod apply .*u\.json --allow-un"):
        open_for_review(unsigned, ours)
    assert open_for_review(unsigned, other).plan_id == plan.plan_id  # its review says whose it is
    assert open_for_review(unsigned, None).plan_id == plan.plan_id  # no workspace open: nothing to apply it to


def test_the_review_refusal_names_the_workspace_option_of_the_cli():
    from pathlib import Path
    from types import SimpleNamespace

    from cio_tui.identity.signing import review_refusal

    env = SimpleNamespace(name="env", is_sandbox=False)
    assert "cio-tui apply /p/plan.json --allow-unsigned lists" in review_refusal("x", Path("/p/plan.json"), env)
    sandbox = SimpleNamespace(name="sandbox", is_sandbox=True)
    spaced = review_refusal("x", Path("/p/my plans/a.json"), sandbox)
    assert "cio-tui --sandbox apply '/p/my plans/a.json' --allow-unsigned" in spaced
    hostile = review_refusal("x", Path("/p/a\x1b[2Jb.json"), SimpleNamespace(name="acme", is_sandbox=False))
    assert "\x1b" not in hostile and "\\x1b" in hostile
