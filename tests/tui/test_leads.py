"""Leads through the TUI on the seeded sandbox: load, attach ids (typed and CSV), inline checks, plan, apply."""

from __future__ import annotations

from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.leads import find_leads
from cio_tui.identity.plan import OpKind
from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.tui.screens.leads import LeadsScreen
from cio_tui.tui.screens.plan_apply import PlanScreen
from cio_tui.tui.widgets.csv_input import CsvInput
from cio_tui.tui.widgets.leads_table import LeadsTable
from tests.tui.conftest import SIZE, settle


async def someone_with_an_id(client):
    async for ref in client.iter_search({"attribute": {"field": "id", "operator": "exists"}}):
        if ref.id:
            return ref
    raise AssertionError("the seeded sandbox has people with ids")


async def test_leads_are_loaded_live_or_from_an_export(make_app, tmp_path):
    app = make_app("leads")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        progress: list[int] = []
        screen = app.screen
        leads = await find_leads(app.workspace.client, scanned=progress.append)
        assert progress and progress[0] == 100
        await pilot.press("r")
        await settle(pilot)
        table = screen.query_one(LeadsTable)
        assert table.row_count == len(leads) > 0
        assert f"{len(leads)} lead(s) from live search" in str(screen.query_one("#leads-summary").render())

        export = tmp_path / "people.csv"
        export.write_text("cio_id,email,id\na1,ann@example.com,\na2,bob@example.com,u-2\na3,[cy]@example.com,\n")
        await pilot.press("o")
        screen.query_one("#leads-path Input").value = str(export)
        await pilot.press("enter")
        await settle(pilot)
        assert sorted(table.lead_rows) == ["a1", "a3"]
        assert str(table.get_cell("a3", "email")) == "[cy]@example.com"  # shown as written, not read as markup
        assert "2 lead(s) from people.csv" in str(screen.query_one("#leads-summary").render())

        await app.set_workspace(app.workspace)  # another workspace opened: the leads of this one are dropped
        await pilot.pause()
        assert table.row_count == 0 and screen.model.leads == []


async def test_attach_check_plan_and_apply_from_leads(make_app):
    app = make_app("leads")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        client = app.workspace.client
        leads = await find_leads(client)
        holder = await someone_with_an_id(client)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LeadsScreen)

        # typed: a good id on the first lead, an email-shaped one on the second (refused inline at once)
        await pilot.press("i", *"lead-0", "enter")
        assert screen.query_one("#leads-id-row").display  # Enter saves and moves on: the prompt stays for the next
        await pilot.press(*"bob@x.com", "enter", "escape")
        await pilot.pause()
        assert not screen.query_one("#leads-id-row").display  # escape left the field: its prompt line is hidden
        rows = screen.query_one(LeadsTable).lead_rows
        first, second = rows[leads[0].cio_id], rows[leads[1].cio_id]
        assert (first.new_id, first.check.severity) == ("lead-0", "unchecked")
        assert second.check.severity == "error" and "looks like an email" in second.check.message

        # pasted CSV: a good row, a cio_ prefix, a duplicate id, and an id someone else already holds
        await pilot.press("v")
        csv = (
            f"email,id\n{leads[2].email},lead-2\n{leads[3].email},cio_zz\n{leads[4].email},lead-dup\n"
            f"{leads[5].email},lead-dup\n{leads[6].email},{holder.id}\n"
        )
        screen.query_one(CsvInput).load_text(csv)
        await pilot.pause()
        assert [(i.line, i.severity) for i in screen.query_one(CsvInput).issues] == [(3, "error")]

        screen.focus_home()
        await pilot.press("m")
        await settle(pilot)
        rows = screen.query_one(LeadsTable).lead_rows
        assert rows[leads[2].cio_id].check.severity == "ok"
        assert "several lines" in rows[leads[4].cio_id].check.message
        assert rows[leads[6].cio_id].check.severity == "merge"
        assert f"cio_{holder.cio_id}" in rows[leads[6].cio_id].check.message
        issues = {(i.line, i.severity) for i in screen.query_one(CsvInput).issues}
        assert {(3, "error"), (4, "error"), (5, "error"), (6, "merge")} <= issues
        assert "1 merge proposal(s)" in str(screen.query_one("#leads-proposals").render())

        # the plan opened in Plan/Apply holds exactly the two good rows; apply it
        assert app.current_mode == "plan"
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        assert [(op.subject.value, op.attributes) for op in plan_screen.plan.operations] == [
            (leads[2].cio_id, {"id": "lead-2"}),
            (leads[0].cio_id, {"id": "lead-0"}),
        ]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmTypedModal)
        await pilot.press(*"sandbox", "enter")
        await settle(pilot)
        assert plan_screen.result.ok
        assert (await client.get_person(Identifier.cio(leads[0].cio_id))).id == "lead-0"
        assert (await client.get_person(Identifier.cio(leads[2].cio_id))).id == "lead-2"
        assert (await client.get_person(Identifier.cio(leads[6].cio_id))).id is None

        # back in Leads without reloading: the list says it is stale, and a check reads each person live, so the
        # leads just converted are "not a lead" and nothing is planned (or sent) for them a second time
        await pilot.press("4")
        await settle(pilot)
        assert "read before the last apply: press r to reload" in str(screen.query_one("#leads-summary").render())
        screen.focus_home()
        await pilot.press("c")
        await settle(pilot)
        rows = screen.query_one(LeadsTable).lead_rows
        assert rows[leads[0].cio_id].check.severity == "error"
        assert rows[leads[0].cio_id].check.message.startswith(f"Not a lead: cio_{leads[0].cio_id} already has the id")
        assert rows[leads[2].cio_id].check.severity == "error"
        assert not any(c.severity == "ok" for c in screen.model.checks.values())

        # the merge proposal becomes a merge plan only when asked
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert app.current_mode == "plan"
        [merge] = app.screen.plan.operations
        assert merge.kind is OpKind.MERGE
        assert (merge.subject.value, merge.secondary.value) == (holder.cio_id, leads[6].cio_id)


async def test_a_file_loaded_after_typing_replaces_the_typed_ids_and_says_so(make_app, tmp_path):
    """QA: ids typed for some rows, then a file naming the same emails: the file wins and the status says how many."""
    app = make_app("leads")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        leads = await find_leads(app.workspace.client)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"typed-0", "enter", *"typed-1", "enter", "escape")
        await pilot.pause()
        ids = tmp_path / "ids.csv"
        ids.write_text(f"email,id\n{leads[0].email},file-0\n{leads[2].email},file-2\n")
        screen.focus_home()
        await pilot.press("l")
        screen.query_one("#leads-path Input").value = str(ids)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)  # the typed id is replaced only once the operator says so
        assert "1 id(s) you typed for people the file names" in str(app.screen.body_text)
        await pilot.press("y")
        await settle(pilot)
        rows = screen.query_one(LeadsTable).lead_rows
        assert [rows[lead.cio_id].new_id for lead in leads[:3]] == ["file-0", "typed-1", "file-2"]
        summary = str(screen.query_one("#leads-summary").render())
        assert "3 with an id attached" in summary and "the file replaced 1 id(s) you had typed" in summary
        assert [n.title for n in app.notices].count("Typed ids replaced") == 1
