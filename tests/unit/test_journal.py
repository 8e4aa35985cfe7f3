"""Journal: append-only, current state per operation, plan listing, exports."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime

import pytest

from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.journal import Journal, OpState, Record
from cio_tui.identity.plan import Plan, fingerprint


@pytest.fixture
def plan():
    leads = [PersonRef(cio_id=f"c{i}", email=f"l{i}@x.co") for i in range(3)]
    return Plan.create(
        workspace_fingerprint=fingerprint("us", "s"),
        workspace_name="W",
        source="convert-leads",
        operations=[ops.assign_id(lead, f"u{i}") for i, lead in enumerate(leads)],
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_states_listing_and_exports(tmp_path, plan):
    j = Journal(tmp_path / "j.sqlite", operator="alice")
    assert j.register_plan(plan) is True
    assert j.register_plan(plan) is False
    req = plan.operations[0].request.model_dump()
    j.append(
        [
            Record(plan.plan_id, "op-00001", OpState.CHECKED, before=[{"cio_id": "c0"}]),
            Record(plan.plan_id, "op-00001", OpState.SENT, request=req),
        ]
    )
    j.record(plan.plan_id, "op-00001", OpState.DONE, status=200, after=[{"cio_id": "c0", "id": "u0"}])
    j.record(plan.plan_id, "op-00002", OpState.SENT, request=req)
    assert j.op_states(plan.plan_id) == {"op-00001": OpState.DONE, "op-00002": OpState.SENT}
    assert j.attempts(plan.plan_id)["op-00001"] == 1
    [rec] = j.plans()
    assert (rec.total, rec.states, rec.operator, rec.complete) == (
        3,
        {"done": 1, "sent": 1, "pending": 1},
        "alice",
        False,
    )
    assert j.find_plan(plan.plan_id[:6]) == plan.plan_id
    assert j.load_plan(plan.plan_id) == plan
    out = io.StringIO()
    assert j.export_jsonl(out, plan.plan_id) == 5
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert lines[0]["state"] == "registered" and lines[2]["request"]["path"] == "/api/v1/customers/cio_c0"
    assert lines[3]["after"] == [{"cio_id": "c0", "id": "u0"}] and lines[3]["status"] == 200
    out = io.StringIO()
    j.export_csv(out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["state"] for r in rows] == ["registered", "checked", "sent", "done", "sent"]
    assert rows[0]["operator"] == "alice"
    j.close()


def test_append_only(tmp_path, plan):
    j = Journal(tmp_path / "j.sqlite")
    j.register_plan(plan)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        j._db.execute("DELETE FROM entries")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        j._db.execute("UPDATE entries SET state='done'")
    assert j._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_requests_are_stored_redacted(tmp_path, plan):
    from pydantic import SecretStr

    from cio_tui.redaction import register_secret

    register_secret(SecretStr("sk-very-secret-value"))
    j = Journal(tmp_path / "j.sqlite")
    j.record(plan.plan_id, "op-00001", OpState.SENT, request={"path": "/x", "body": {"note": "sk-very-secret-value"}})
    assert j.entries(plan.plan_id)[0].request == {"path": "/x", "body": {"note": "********"}}


def test_one_apply_at_a_time(tmp_path):
    from cio_tui.identity.journal import ApplyLockedError

    a, b = Journal(tmp_path / "j.sqlite"), Journal(tmp_path / "j.sqlite")
    with a.apply_lock():
        with pytest.raises(ApplyLockedError, match="another apply is running"):
            with b.apply_lock():
                pass
    with b.apply_lock():
        pass
