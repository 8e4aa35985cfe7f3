"""Journal by person: search across plans, the whole journal exported, and a restore planned from an operation."""

from __future__ import annotations

import json

from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity import operations as ops
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.plan import Plan
from cio_tui.tui.modals.export_journal import ExportJournalModal
from cio_tui.tui.screens.journal import JournalScreen
from cio_tui.tui.screens.plan_apply import PlanScreen
from cio_tui.tui.widgets.journal_tables import JournalEntriesTable, JournalPlansTable
from tests.tui.conftest import SIZE, settle
from tests.tui.test_plan_apply import lead_plan


async def _rename(workspace, cio_id: str, new_id: str) -> Plan:
    [person] = await workspace.client.get_people([Identifier.cio(cio_id)])
    plan = Plan.create(workspace_fingerprint=workspace.fingerprint, workspace_name=workspace.name, source="manual",
                       operations=[ops.change_identifiers(person.ref, new_id=new_id)])  # fmt: skip
    assert (await ApplyEngine.for_workspace(workspace, plan).run()).ok
    return plan


async def test_find_a_person_across_plans_export_everything_and_restore(make_app, tmp_path):
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ws = app.workspace
        leads = await lead_plan(ws, 2)
        assert (await ApplyEngine.for_workspace(ws, leads).run()).ok
        [person] = await ws.client.get_people([Identifier.cio("a3000001")])
        rename = await _rename(ws, "a3000001", "journal-renamed-1")
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JournalScreen) and screen.query_one(JournalPlansTable).row_count == 2

        # by the old id: only the rename plan, and only its operation's entries
        await pilot.press("p", *person.id, "enter")
        await settle(pilot)
        assert str(screen.query_one("#journal-summary").render()).startswith(
            f"{person.id}: 1 operation(s) on cio_a3000001 in 1 plan(s)"
        )
        plans = screen.query_one(JournalPlansTable)
        assert list(plans.records) == [rename.plan_id]
        entries = screen.query_one(JournalEntriesTable)
        assert {e.op_id for e in entries.entries.values()} <= {None, "op-00001"}

        # the whole journal, from the export dialog's scope choice
        plans.focus()
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ExportJournalModal)
        modal.query_one("#scope-all").value = True
        await pilot.pause()
        out = tmp_path / "journal-all.jsonl"
        modal.query_one("#export-path").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        exported = {json.loads(line)["plan_id"] for line in out.read_text().splitlines()}
        assert exported == {leads.plan_id, rename.plan_id}

        # restore: the highlighted operation's person back to before it, as a plan opened for review
        entries.focus()
        sent = next(i for i, e in enumerate(entries.entries.values()) if e.state == "sent")
        entries.move_cursor(row=sent)
        await pilot.press("b")
        await settle(pilot)
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        [op] = plan_screen.plan.operations
        assert op.kind == "change_id" and op.request.body == {"id": person.id}
        assert any("restores: id 'journal-renamed-1'" in n.message for n in app.notices)


async def test_restore_from_a_person_search_without_picking_an_entry(make_app):
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ws = app.workspace
        [person] = await ws.client.get_people([Identifier.cio("a3000002")])
        await _rename(ws, "a3000002", "journal-renamed-2")
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("p", *"journal-renamed-2", "enter")
        await settle(pilot)
        await pilot.press("b")  # the plans table has focus; the person's last operation in the highlighted plan
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.plan.operations[0].request.body == {"id": person.id}
