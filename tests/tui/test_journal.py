"""Journal through the TUI: history after an apply, entry details, filters, export, resume an interrupted apply."""

from __future__ import annotations

import json

from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.journal import Journal
from cio_tui.tui.modals.export_journal import ExportJournalModal
from cio_tui.tui.screens.journal import JournalScreen
from cio_tui.tui.screens.plan_apply import PlanScreen
from cio_tui.tui.widgets.journal_detail import JournalEntryDetail
from cio_tui.tui.widgets.journal_tables import JournalEntriesTable, JournalPlansTable
from cio_tui.tui.widgets.plan_table import PlanTable
from tests.tui.conftest import SIZE, settle
from tests.tui.test_plan_apply import lead_plan


def _text(widget) -> str:
    return str(widget.render())


async def test_empty_journal_says_so(make_app):
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        assert screen.query_one("#journal-empty").display
        assert "0 plan(s)" in _text(screen.query_one("#journal-summary"))


async def test_applied_plan_is_listed_with_details_and_exported(make_app, tmp_path):
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 2)
        result = await ApplyEngine.for_workspace(app.workspace, plan).run()
        assert result.ok
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        [record] = screen.query_one(JournalPlansTable).records.values()
        assert record.plan_id == plan.plan_id and record.states == {"done": 2}
        entries = screen.query_one(JournalEntriesTable).entries
        assert [e.state for e in entries.values()][:1] == ["registered"]
        sent = [e for e in entries.values() if e.state == "sent"]
        assert len(sent) == 2 and sent[0].request["path"].startswith("/api/v1/customers/cio_")
        entries_table = screen.query_one(JournalEntriesTable)
        entries_table.focus()
        entries_table.move_cursor(row=entries_table.row_count - 2)
        await pilot.press("down")
        await pilot.pause()
        shown = screen.query_one(JournalEntryDetail).entry
        assert shown is not None and shown.state == "run_ended"

        await pilot.press("f", *"merge")
        await pilot.pause()
        assert screen.query_one(JournalPlansTable).row_count == 0
        screen.query_one("#journal-filter").value = ""
        await pilot.pause()
        assert screen.query_one(JournalPlansTable).row_count == 1

        screen.query_one(JournalPlansTable).focus()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportJournalModal)
        out = tmp_path / "[/]x" / "out.jsonl"  # a folder name Textual markup would misread
        out.parent.mkdir(parents=True)
        app.screen.query_one("#export-path").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert any(n.message == f"{len(entries)} entries written to {out} (JSONL)." for n in app.notices)
        lines = out.read_text().splitlines()
        assert len(lines) == len(entries)
        assert {json.loads(line)["plan_id"] for line in lines} == {plan.plan_id}


async def test_resume_hands_the_plan_to_plan_apply(make_app):
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 2)
        with Journal.for_workspace(app.workspace) as journal:
            journal.register_plan(plan)
            journal.record(plan.plan_id, "op-00001", "done", status=200)
            journal.record(plan.plan_id, "op-00002", "sent", request=plan.operations[1].request.model_dump())
        await pilot.press("r")
        await settle(pilot)
        assert "1 interrupted" in _text(app.screen.query_one("#journal-summary"))
        plans = app.screen.query_one(JournalPlansTable)
        await pilot.press("t", "t")
        assert app.screen.status_filter == "not applied" and plans.row_count == 0
        await pilot.press("t", "t", "t", "t")
        assert app.screen.status_filter == "interrupted" and plans.row_count == 1
        await pilot.press("u")
        await settle(pilot)
        assert app.current_mode == "plan"
        screen = app.screen
        assert isinstance(screen, PlanScreen) and screen.plan == plan
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["done", "sent"]
        doubt = "1 in doubt (sent, no answer: read back before anything is resent)"
        assert doubt in _text(screen.query_one("#plan-status"))
        await pilot.press("a", *"sandbox", "enter")
        await settle(pilot)
        assert [r.state for r in screen.query_one(PlanTable).plan_rows] == ["done", "done"]
        with Journal.for_workspace(app.workspace) as journal:
            assert journal.attempts(plan.plan_id) == {"op-00002": 2}
