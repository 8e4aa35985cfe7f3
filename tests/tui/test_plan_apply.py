"""Plan/Apply through the TUI on the seeded sandbox: review, stale check, typed confirmation, apply, journal."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.journal import Journal
from cio_tui.identity.leads import IdRow, find_leads, plan_lead_conversion
from cio_tui.identity.plan import Plan, load_plan, save_plan
from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.tui.screens.plan_apply import PlanScreen
from cio_tui.tui.widgets.apply_progress import ApplyProgress
from cio_tui.tui.widgets.plan_table import PlanTable
from tests.tui.conftest import FIXED_NOW, SIZE, settle


async def lead_plan(workspace: Any, count: int = 3, prefix: str = "tui") -> Plan:
    leads = (await find_leads(workspace.client))[:count]
    rows = [IdRow(line=i + 2, email=lead.email, id=f"{prefix}-{i}") for i, lead in enumerate(leads)]
    build = await plan_lead_conversion(
        workspace.client,
        rows,
        workspace_fingerprint=workspace.fingerprint,
        workspace_name=workspace.name,
        leads=leads,
        created_at=FIXED_NOW,
    )
    assert not build.excluded
    return build.plan


async def _open(pilot: Any, plan: Plan) -> PlanScreen:
    pilot.app.open_plan(plan)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PlanScreen)
    return screen


async def _open_file(pilot: Any, path: Path) -> Any:
    """o, the path typed, enter: the plan file opened as the operator does."""
    await pilot.press("o")
    pilot.app.screen.query_one("#plan-path Input").value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


async def _save_as(pilot: Any, screen: PlanScreen, path: Path) -> None:
    """s, the path typed, enter: the open plan saved there."""
    await pilot.press("s")
    screen.query_one("#plan-path Input").value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_apply_through_the_tui_changes_the_workspace_and_journals(make_app):
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace)
        screen = await _open(pilot, plan)
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["planned"] * 3

        await pilot.press("c")
        await settle(pilot)
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["fresh"] * 3
        assert "3 up to date" in str(screen.query_one("#plan-status").render())

        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmTypedModal)
        await pilot.press(*"sandbox", "enter")
        await settle(pilot)

        assert screen.phase == "finished" and screen.result.ok
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["done"] * 3
        progress = screen.query_one(ApplyProgress).stats
        assert progress.finished == 3 and progress.status == "finished"
        assert "3/3 operation(s) done" in str(screen.query_one("#plan-status").render())
        for i, op in enumerate(plan.operations):
            person = await app.workspace.client.get_person(Identifier.cio(op.subject.value))
            assert person is not None and person.id == f"tui-{i}"
        with Journal.for_workspace(app.workspace) as journal:
            states = journal.op_states(plan.plan_id)
            sent = journal.attempts(plan.plan_id)
        assert {op: str(s) for op, s in states.items()} == {op.op_id: "done" for op in plan.operations}
        assert sent == {op.op_id: 1 for op in plan.operations}


async def test_typing_the_wrong_name_or_escape_sends_nothing_and_the_plan_can_be_saved(make_app, tmp_path):
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 1)
        screen = await _open(pilot, plan)
        await _save_as(pilot, screen, tmp_path / "saved.json")
        saved = load_plan(tmp_path / "saved.json")
        assert saved.model_copy(update={"signature": ""}) == plan and saved.signature  # signed when saved
        await pilot.press("a")
        await pilot.press(*"Sandbox", "enter")
        assert isinstance(app.screen, ConfirmTypedModal)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.phase == "review"
        person = await app.workspace.client.get_person(Identifier.cio(plan.operations[0].subject.value))
        assert person.id is None
        with Journal.for_workspace(app.workspace) as journal:
            assert journal.plans() == []


async def test_stale_operations_are_shown_and_skipped(make_app):
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 2)
        stale_who = Identifier.cio(plan.operations[1].subject.value)
        await app.workspace.client.identify(stale_who, {"id": "someone-else"})
        screen = await _open(pilot, plan)
        await pilot.press("c")
        await settle(pilot)
        rows = screen.query_one(PlanTable).plan_rows
        assert [r.state for r in rows] == ["fresh", "stale"]
        assert "id is 'someone-else', expected empty" in rows[1].detail
        await pilot.press("a", *"sandbox", "enter")
        await settle(pilot)
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["done", "skipped_stale"]
        assert (await app.workspace.client.get_person(stale_who)).id == "someone-else"
        assert "stale" in str(screen.query_one("#plan-status").render())


async def test_open_a_plan_file_of_another_workspace_is_refused(make_app, tmp_path):
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 1)
        other = Plan.create(
            workspace_fingerprint="eu:ffffffffffffffff",
            workspace_name="acme",
            source="manual",
            operations=list(plan.operations),
            created_at=FIXED_NOW,
        )
        screen = await _open_file(pilot, save_plan(other, tmp_path / "other.json"))
        assert screen.plan == other
        assert "NOT the open workspace" in str(screen.query_one("#plan-header").render())
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmTypedModal)


async def test_a_plan_applied_before_opens_in_resume_mode(make_app):
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 2)
        with Journal.for_workspace(app.workspace) as journal:
            journal.register_plan(plan)
            journal.record(plan.plan_id, "op-00001", "done", status=200)
        screen = await _open(pilot, plan)
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["done", "planned"]
        assert "Applied before: 1 done" in str(screen.query_one("#plan-status").render())
        await pilot.press("a", *"sandbox", "enter")
        await settle(pilot)
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["done", "done"]
        with Journal.for_workspace(app.workspace) as journal:
            assert journal.attempts(plan.plan_id) == {"op-00002": 1}


async def test_pause_resume_cancel_then_resume_applies_each_operation_once(make_app):
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        client = app.workspace.client
        plan = await lead_plan(app.workspace, 40, prefix="gate")
        gate, in_flight, sent = asyncio.Event(), [], Counter()
        send = client.send_planned

        async def held(request, **kw):  # every send waits here (queued, not sent) until the test opens the gate
            in_flight.append(request.path)
            await gate.wait()
            await send(request, **kw)  # the engine's own gate: nothing queued leaves after a cancel
            sent[request.path] += 1

        client.send_planned = held
        screen = await _open(pilot, plan)
        await pilot.press("a", *"sandbox", "enter")
        for _ in range(200):
            await pilot.pause()
            if in_flight:
                break
        await pilot.press("p")
        await pilot.pause()
        assert screen.phase == "paused"
        assert screen.query_one(ApplyProgress).stats.status == "paused"
        await pilot.press("p")
        await pilot.pause()
        assert screen.phase == "applying"
        await pilot.press("x")
        await pilot.pause()
        gate.set()
        await settle(pilot)
        assert screen.phase == "finished" and screen.result.cancelled
        assert len(sent) < 40 and len(in_flight) > len(sent)  # what was queued at the cancel was not sent
        states = [r.state for r in screen.query_one(PlanTable).plan_rows]
        assert states.count("done") == len(sent)
        assert "Press a to resume the rest" in str(screen.query_one("#plan-status").render())

        await pilot.press("a")
        await pilot.pause()
        assert str(app.screen.query_one("#confirm-title").render()).startswith(
            f"Resume applying {40 - len(sent)} operation(s)"
        )
        await pilot.press(*"sandbox", "enter")
        await settle(pilot)
        assert screen.result.ok
        assert sent == {op.request.path: 1 for op in plan.operations}
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen  # nothing left: no confirmation, a notification says so
        for i, op in enumerate(plan.operations):
            assert (await client.get_person(Identifier.cio(op.subject.value))).id == f"gate-{i}"


async def test_an_operation_customer_io_does_not_apply_is_shown_failed_with_why(make_app):
    from cio_tui.identity import operations as ops
    from tests.tui.test_identifiers import people_with_ids

    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        a, b = await people_with_ids(app.workspace.client, 2)
        # planned without the collision check: b's id is already a's, so Customer.io refuses the change
        plan = Plan.create(
            workspace_fingerprint=app.workspace.fingerprint,
            workspace_name="sandbox",
            source="manual",
            created_at=FIXED_NOW,
            operations=[ops.change_identifiers(b, new_id=a.id)],
        )
        screen = await _open(pilot, plan)
        await pilot.press("a", *"sandbox", "enter")
        await settle(pilot)
        [row] = screen.query_one(PlanTable).plan_rows
        assert row.state == "failed" and "failed_attribute_change" in row.detail
        assert not screen.result.ok
        status = str(screen.query_one("#plan-status").render())
        assert status.startswith("0/1 operation(s) done; 1 failed") and "Press j to view the journal" in status
        assert (await app.workspace.client.get_person(Identifier.cio(b.cio_id))).id == b.id


async def test_an_unsigned_plan_file_is_not_opened_and_the_exact_cli_command_is_given(make_app, tmp_path):
    """The TUI has no "apply anyway": it refuses the plan, sends nothing, and gives the command that lists what
    differs and asks for the typed confirmation; the file name is quoted for the shell and shown as plain text
    (a name with brackets is not read as markup)."""
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 2)
        folder = tmp_path / "my [b]plans"
        folder.mkdir()
        path = save_plan(plan, folder / "edited.json")  # no key: unsigned, as a hand-made or stripped plan is
        screen = await _open_file(pilot, path)
        assert isinstance(screen, PlanScreen) and screen.plan is None
        (note,) = [n for n in app.notices if n.title == "Could not open the plan"]
        assert not note.markup
        assert note.message == (
            "Not opened: the plan is not signed (it was not made by cio-tui on this workspace, or its signature was "
            "removed). Nothing was sent. Make the plan again here, or review it on the command line: "
            f"cio-tui --sandbox apply '{path}' --allow-unsigned lists, operation by operation, what differs from "
            "the plan cio-tui would make now, then asks you to type the workspace name before anything is sent."
        )
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmTypedModal)


async def test_quitting_with_an_unapplied_plan_asks_first_and_says_where_it_is_saved(make_app, tmp_path):
    """QA: q with a plan made this session and never applied exited at once and the plan was gone."""
    from cio_tui.tui.modals.confirm import ConfirmModal

    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 1)
        screen = await _open(pilot, plan)
        await pilot.press("q")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, ConfirmModal)
        body = str(app.screen.body_text)
        assert "is not applied and not saved: quitting loses it" in body and "1 operation(s)" in body
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running and app.screen is screen

        await _save_as(pilot, screen, tmp_path / "kept.json")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert f"it is saved at {tmp_path / 'kept.json'}: o in Plan/Apply opens it again" in str(app.screen.body_text)
        await pilot.press("n")
        await settle(pilot)

        await pilot.press("a", *"sandbox", "enter")
        await settle(pilot)
        assert screen.result is not None and screen.result.ok
        await pilot.press("q")  # applied: nothing to lose, quits at once
        await settle(pilot)
        assert not app.is_running


async def test_after_a_restart_no_plan_is_open_offers_the_plan_last_saved(make_app, tmp_path):
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 1)
        screen = await _open(pilot, plan)
        await _save_as(pilot, screen, tmp_path / "kept.json")
    again = make_app("plan")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = again.screen
        assert isinstance(screen, PlanScreen) and screen.plan is None
        offer = str(screen.query_one("#plan-empty").render())
        assert "No plan is open." in offer
        assert f"The last plan saved for this workspace is {(tmp_path / 'kept.json').resolve()}: press o" in offer
        await pilot.press("o")
        await pilot.pause()
        assert screen.query_one("#plan-path Input").value == str((tmp_path / "kept.json").resolve())
        await pilot.press("enter")
        await settle(pilot)
        assert screen.plan is not None and screen.plan.plan_id == plan.plan_id
