"""Plan -> apply against the in-process sandbox: workspace state, exact request bodies, stale skips, crashes at
every moment, uncertain writes (faults applied before failing) reconciled, never resent blindly."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import httpx
import pytest

from cio_tui.config import load_settings
from cio_tui.credentials import CredentialStore
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions
from cio_tui.identity.fixes import IdentifierChange, plan_identifier_fixes
from cio_tui.identity.journal import Journal, OpState
from cio_tui.identity.leads import find_leads, plan_lead_conversion, read_id_rows
from cio_tui.sandbox.embedded import embedded_transport
from cio_tui.workspace import open_workspace

FAST = ApplyOptions.for_sandbox(visibility_window=0)


class Crash(BaseException):
    """Stands for SIGKILL: nothing in the engine or the client catches it."""


class Recorder(httpx.AsyncBaseTransport):
    """Records every write request; can crash before delivering the Nth write or after it was applied."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.writes: list[tuple[str, str, Any]] = []
        self.crash_before: int | None = None
        self.crash_after: int | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" or request.url.path.startswith("/v1/"):
            return await self.inner.handle_async_request(request)
        n = len(self.writes) + 1
        if n == self.crash_before:
            raise Crash
        body = request.content
        self.writes.append((request.method, request.url.raw_path.decode(), json.loads(body) if body else None))
        response = await self.inner.handle_async_request(request)
        if n == self.crash_after:
            raise Crash
        return response


@pytest.fixture
async def sandbox(tmp_path):
    """(workspace, recorder, applied) over a fresh embedded sandbox; ``applied`` counts identify calls the sandbox
    executed, per path (its own log of what took effect)."""

    async def make(**settings: Any):
        inner = embedded_transport(tmp_path / "ws.db", people=200, seed=3, **settings)
        applied: Counter[str] = Counter()
        sem = inner.sandbox.engine.ops
        original = sem.identify

        def counting(path, body, **kw):
            applied[path.value] += 1
            return original(path, body, **kw)

        sem.identify = counting
        rec = Recorder(inner)
        ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=rec)
        opened.append(ws)
        return ws, rec, applied

    opened: list[Any] = []
    yield make
    for ws in opened:
        await ws.aclose()


async def lead_plan(ws, n: int = 10):
    leads = (await find_leads(ws.client))[:n]
    text = "email,id\n" + "".join(f"{lead.email},user-{i}\n" for i, lead in enumerate(leads))
    build = await plan_lead_conversion(
        ws.client, read_id_rows(text=text), workspace_fingerprint=ws.fingerprint, workspace_name=ws.name, leads=leads
    )
    assert build.excluded == []
    return leads, build.plan


def run(ws, plan, **kw):
    journal = Journal.for_workspace(ws)
    return ApplyEngine.for_workspace(ws, plan, journal=journal, options=kw.pop("options", FAST), **kw).run()


async def test_convert_leads_state_and_exact_bodies(sandbox):
    ws, rec, applied = await sandbox()
    leads, plan = await lead_plan(ws)
    result = await run(ws, plan)
    assert result.ok and result.by_state == {"done": 10}
    assert rec.writes == [
        ("PUT", f"/api/v1/customers/cio_{lead.cio_id}", {"id": f"user-{i}"}) for i, lead in enumerate(leads)
    ]
    people = {p.cio_id: p for p in await ws.client.get_people([Identifier.cio(x.cio_id) for x in leads])}
    assert [(people[x.cio_id].id, people[x.cio_id].email) for x in leads] == [
        (f"user-{i}", x.email) for i, x in enumerate(leads)
    ]
    remaining = {p.cio_id for p in await find_leads(ws.client)}
    assert not remaining & {x.cio_id for x in leads}
    entries = Journal.for_workspace(ws).entries(plan.plan_id, "op-00001")
    assert [e.state for e in entries] == ["checked", "sent", "done"]
    assert entries[0].before[0]["id"] is None and entries[2].after[0]["id"] == "user-0"
    assert entries[1].request == {
        "api": "track",
        "method": "PUT",
        "path": f"/api/v1/customers/cio_{leads[0].cio_id}",
        "body": {"id": "user-0"},
    }


async def test_stale_operation_skipped_never_forced(sandbox):
    ws, rec, _ = await sandbox()
    leads, plan = await lead_plan(ws, 3)
    await ws.client.identify(Identifier.cio(leads[1].cio_id), {"id": "someone-else"})  # changed after planning
    rec.writes.clear()
    result = await run(ws, plan)
    assert result.by_state == {"done": 2, "skipped_stale": 1} and not result.ok
    assert [w[1] for w in rec.writes] == [f"/api/v1/customers/cio_{x.cio_id}" for x in (leads[0], leads[2])]
    assert (await ws.client.get_person(Identifier.cio(leads[1].cio_id))).id == "someone-else"
    assert "stale: id is 'someone-else', expected empty" in result.problems[0].detail


async def test_collision_fails_with_explanation(sandbox):
    ws, rec, _ = await sandbox()
    leads, plan = await lead_plan(ws, 2)
    await ws.client.identify(Identifier.id("user-1"), {"first_name": "Taken"})  # someone takes the id after planning
    result = await run(ws, plan)
    assert result.by_state == {"done": 1, "failed": 1}
    assert "failed_attribute_change" in result.problems[0].detail


@pytest.mark.parametrize("moment", ["before_send", "after_applied"])
@pytest.mark.parametrize("nth", [1, 4, 10])
async def test_resume_after_crash_applies_each_once(sandbox, moment, nth):
    ws, rec, applied = await sandbox()
    leads, plan = await lead_plan(ws)
    setattr(rec, "crash_before" if moment == "before_send" else "crash_after", nth)
    with pytest.raises(Crash):
        await run(ws, plan)
    states = Journal.for_workspace(ws).op_states(plan.plan_id)
    assert states[f"op-{nth:05d}"] is OpState.SENT  # the journal says sent, no response came
    rec.crash_before = rec.crash_after = None
    result = await run(ws, plan)
    assert result.ok
    assert all(applied[x.cio_id] == 1 for x in leads), applied
    final = Journal.for_workspace(ws).op_states(plan.plan_id)[f"op-{nth:05d}"]
    assert final is (OpState.RECONCILED if moment == "after_applied" else OpState.DONE)


async def test_uncertain_writes_reconciled_not_resent(sandbox):
    ws, rec, applied = await sandbox(fault_rate=0.2, fault_seed=92)
    leads, plan = await lead_plan(ws, 25)
    result = await run(ws, plan)
    assert result.ok, result.reasons
    assert all(applied[x.cio_id] == 1 for x in leads), applied  # each applied exactly once despite faults
    states = Counter(e.state for e in Journal.for_workspace(ws).entries(plan.plan_id))
    assert states["reconciled"] >= 1  # some writes were applied, then failed: read back, not resent
    resent = [path for path, n in Counter(w[1] for w in rec.writes).items() if n > 1]
    assert resent  # others failed before applying: sent again only after a read proved it


async def test_fix_identifiers_end_to_end(sandbox):
    ws, rec, _ = await sandbox()
    leads = await find_leads(ws.client)
    a, b = leads[0], leads[1]
    build = await plan_identifier_fixes(
        ws.client,
        [
            IdentifierChange(cio_id=a.cio_id, new_id="fixed-1", new_email="fixed@x.co"),
            IdentifierChange(cio_id=b.cio_id, new_email=a.email),
        ],  # collides with a's current email
        workspace_fingerprint=ws.fingerprint,
        workspace_name=ws.name,
    )
    assert [p.secondary.cio_id for p in build.proposals] == [b.cio_id]
    result = await run(ws, build.plan)
    assert result.ok
    person = await ws.client.get_person(Identifier.cio(a.cio_id))
    assert (person.id, person.email) == ("fixed-1", "fixed@x.co")
    assert rec.writes[-1] == ("PUT", f"/api/v1/customers/cio_{a.cio_id}", {"id": "fixed-1", "email": "fixed@x.co"})
