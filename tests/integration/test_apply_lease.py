"""One apply per plan per workspace, across machines: two data folders (two journals) on one workspace; while
one apply holds the workspace's lease the other is refused before it sends anything, and says who holds it."""

from __future__ import annotations

import asyncio

import pytest

from cio_tui.config import load_settings
from cio_tui.credentials import CredentialStore
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions
from cio_tui.identity.journal import Journal
from cio_tui.identity.leads import find_leads, plan_lead_conversion, read_id_rows
from cio_tui.identity.lease import LEASE_PREFIX, LeaseError
from cio_tui.sandbox.embedded import embedded_transport
from cio_tui.workspace import open_workspace

OPTIONS = ApplyOptions.for_sandbox(visibility_window=0.2, lease=True, sends_in_flight=2)


async def test_a_second_machine_applying_the_same_plan_is_refused(tmp_path):
    transport = embedded_transport(tmp_path / "ws.db", people=250, seed=5)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=transport)
    async with ws:
        leads = (await find_leads(ws.client))[:12]
        text = "email,id\n" + "".join(f"{x.email},lease-{i}\n" for i, x in enumerate(leads))
        build = await plan_lead_conversion(ws.client, read_id_rows(text=text), workspace_fingerprint=ws.fingerprint,
                                           workspace_name=ws.name, leads=leads)  # fmt: skip
        plan = build.plan
        machine_a, machine_b = Journal(tmp_path / "a" / "journal.sqlite"), Journal(tmp_path / "b" / "journal.sqlite")
        a = ApplyEngine(ws.client, machine_a, plan, workspace_fingerprint=ws.fingerprint, options=OPTIONS)
        run_a = asyncio.create_task(a.run())
        while not machine_a.op_states(plan.plan_id):  # A holds the lease and has started
            await asyncio.sleep(0.01)
        a.pause()
        b = ApplyEngine(ws.client, machine_b, plan, workspace_fingerprint=ws.fingerprint, options=OPTIONS)
        with pytest.raises(LeaseError, match=r"is being applied to this workspace by .+ on .+ \(its lease person"):
            await b.run()
        assert machine_b.op_states(plan.plan_id) == {}  # B registered nothing, sent nothing
        lease = await ws.client.get_person(Identifier.id(LEASE_PREFIX + plan.plan_id))
        assert lease is not None and lease.attributes["cio_tui_lease_plan"] == plan.plan_id
        a.resume()
        assert (await run_a).ok
        released = await ws.client.get_person(Identifier.id(LEASE_PREFIX + plan.plan_id))
        assert released.attributes["cio_tui_lease_expires"] == "0"
        again = await ApplyEngine(ws.client, machine_b, plan, workspace_fingerprint=ws.fingerprint,
                                  options=OPTIONS).run()  # fmt: skip
        assert again.ok and again.sent == 0  # every operation already in its target state: nothing sent twice
        machine_a.close()
        machine_b.close()


async def test_a_lease_left_by_a_killed_run_of_the_same_journal_is_taken_over(tmp_path):
    from cio_tui.identity.lease import WorkspaceLease

    transport = embedded_transport(tmp_path / "ws.db", people=50, seed=5)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=transport)
    async with ws:
        here = str((tmp_path / "journal.sqlite").resolve())
        await WorkspaceLease(ws.client, "p1", settle=0, place=here).acquire()  # then the process was killed
        await WorkspaceLease(ws.client, "p1", settle=0, place=here).acquire()  # the resume on this journal: fine
        with pytest.raises(LeaseError):
            await WorkspaceLease(ws.client, "p1", settle=0, place="/elsewhere/journal.sqlite").acquire()
