"""One apply per plan per workspace, across machines: two data folders (two journals) on one workspace; while
one apply holds the workspace's lease the other is refused before it sends anything, and says who holds it."""

from __future__ import annotations

import asyncio

import pytest

from cio_tui.config import load_settings
from cio_tui.credentials import CredentialStore
from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.ratelimit import TokenBucket
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions
from cio_tui.identity.journal import Journal
from cio_tui.identity.leads import find_leads, plan_lead_conversion, read_id_rows
from cio_tui.identity.lease import LEASE_PREFIX, LeaseError
from cio_tui.sandbox.embedded import embedded_transport
from cio_tui.workspace import open_workspace

OPTIONS = ApplyOptions.for_sandbox(visibility_window=0.2, lease=True, lease_margin=0, sends_in_flight=2)


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
        with pytest.raises(LeaseError, match=r": .+ on .+ is applying this plan to this workspace; its lease person"):
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
        await WorkspaceLease(ws.client, "p1", window=0, margin=0, place=here).acquire()  # then the process was killed
        await WorkspaceLease(
            ws.client, "p1", window=0, margin=0, place=here
        ).acquire()  # the resume on this journal: fine
        with pytest.raises(LeaseError):
            await WorkspaceLease(ws.client, "p1", window=0, margin=0, place="/elsewhere/journal.sqlite").acquire()


async def test_a_resume_carries_on_with_the_lease_its_killed_run_confirmed(tmp_path):
    """No second wait: the journal says the killed run confirmed this token, and the workspace still shows it."""
    from cio_tui.identity.lease import WorkspaceLease

    transport = embedded_transport(tmp_path / "ws.db", people=20, seed=5)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=transport)
    async with ws:
        here = str((tmp_path / "journal.sqlite").resolve())
        first = WorkspaceLease(ws.client, "p1", window=0, margin=0, place=here)
        await first.acquire()  # confirmed, then the process was killed
        notes: list[str] = []
        again = WorkspaceLease(
            ws.client, "p1", window=30, margin=0, place=here, confirmed={first.mine.token}, on_note=notes.append
        )
        await asyncio.wait_for(again.acquire(), timeout=5)  # a 30 s window, yet no waiting
        assert again.mine.token == first.mine.token
        assert notes == [f"resuming with the lease an earlier run of this journal confirmed ({again.who.value})"]


async def test_an_expired_lease_of_another_run_is_taken_over_with_a_note(tmp_path):
    from cio_tui.identity.lease import WorkspaceLease

    transport = embedded_transport(tmp_path / "ws.db", people=20, seed=5)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=transport)
    async with ws:
        gone = WorkspaceLease(ws.client, "p1", window=0, margin=0, ttl=1, host="old-box", operator="carol", place="X")
        await gone.acquire()  # a run on another machine that died; its lease expires after 1 s
        await asyncio.sleep(1.1)
        notes: list[str] = []
        lease = WorkspaceLease(ws.client, "p1", window=0, margin=0, place="Y", on_note=notes.append)
        await lease.acquire()
        assert len(notes) == 1 and notes[0].startswith("taking over the expired lease of carol on old-box (expired ")
        holder = await ws.client.get_person(Identifier.id(LEASE_PREFIX + "p1"))
        assert holder is not None and holder.attributes["cio_tui_lease_token"] == lease.mine.token


async def test_a_renewal_that_finds_another_run_stops_the_apply(tmp_path, monkeypatch):
    """The lease was taken by another run while this one applied (e.g. after a long freeze): this run stops
    sending, journals why, and leaves the rest pending."""
    from cio_tui.identity import lease as lease_mod
    from cio_tui.identity.apply_events import NoticeEvent

    transport = embedded_transport(tmp_path / "ws.db", people=250, seed=5)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=transport)
    async with ws:
        leads = (await find_leads(ws.client))[:30]
        text = "email,id\n" + "".join(f"{x.email},lost-{i}\n" for i, x in enumerate(leads))
        build = await plan_lead_conversion(ws.client, read_id_rows(text=text), workspace_fingerprint=ws.fingerprint,
                                           workspace_name=ws.name, leads=leads)  # fmt: skip
        plan = build.plan
        notices: list[str] = []
        options = ApplyOptions.for_sandbox(visibility_window=0.05, lease=True, lease_margin=0, sends_in_flight=1)
        ws.client._track.limiter = TokenBucket(20)  # 30 writes take 1.5 s: renewals come while it runs
        with Journal(tmp_path / "a.sqlite") as journal:

            def hear(event: object) -> None:
                if isinstance(event, NoticeEvent):
                    notices.append(event.text)

            eng = ApplyEngine(ws.client, journal, plan, workspace_fingerprint=ws.fingerprint, options=options,
                              on_event=hear)  # fmt: skip
            monkeypatch.setattr(lease_mod, "TTL", 0.6)  # renewed every 0.2 s
            task = asyncio.create_task(eng.run())
            while not any(s for s in journal.op_states(plan.plan_id).values()):
                await asyncio.sleep(0.005)
            rival = lease_mod.Holder(plan.plan_id, "other-box", "dave", "f" * 16, 2e9, "elsewhere")
            await ws.client.identify(Identifier.id(LEASE_PREFIX + plan.plan_id), dict(rival.attributes()))
            result = await task  # the next renewal reads the rival's token
        assert result.cancelled and not result.ok and result.sent < 30
        assert any("not sent yet (the workspace lease was lost)" in r for r in result.reasons)
        assert any(n.startswith("stopped: the lease now names dave on other-box") for n in notices)
        with Journal(tmp_path / "a.sqlite") as journal:
            lost = journal.plan_notes(plan.plan_id, "lease_lost")
        assert len(lost) == 1 and "dave on other-box" in lost[0]
        still = await ws.client.get_person(Identifier.id(LEASE_PREFIX + plan.plan_id))
        assert still is not None and still.attributes["cio_tui_lease_token"] == "f" * 16  # not released: not ours
