"""Every form starts over between subjects: the Walkthrough's step forms and the Journal's searches when another
workspace opens, the step notes when another step is shown, the Journal's entries when another plan is highlighted."""

from __future__ import annotations

import dataclasses
import json

from textual.widgets import Input, Select, Static

from cio_tui.identity.apply import ApplyEngine
from cio_tui.tui.screens.journal import JournalScreen
from cio_tui.tui.widgets.journal_tables import JournalEntriesTable, JournalPlansTable
from cio_tui.tui.widgets.walkthrough_steps import StepList
from cio_tui.walkthrough.steps import step_by_key
from tests.tui.conftest import SIZE, settle
from tests.tui.test_plan_apply import lead_plan


async def _goto_step(pilot, key: str) -> None:
    pilot.app.screen.query_one(StepList).highlighted = step_by_key(key).number - 1
    await settle(pilot)


def _other_workspace(app, tmp_path):
    other = tmp_path / "other-workspace"
    other.mkdir()
    return dataclasses.replace(app.workspace, name="other", data_dir=other)


async def test_walkthrough_forms_start_over_when_another_workspace_opens(make_app, tmp_path) -> None:
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await _goto_step(pilot, "audit")
        screen.query_one("#wt-audit-path", Input).value = "/exports/workspace-a-people.csv"
        await _goto_step(pilot, "repair")
        screen.query_one("#wt-cleanup-path", Input).value = "gdpr-a.csv"
        screen.query_one("#wt-cleanup-action", Select).value = "delete"
        await _goto_step(pilot, "cutover")
        cut_at = screen.query_one("#wt-cut-at", Input)
        cut_at.value = "next tuesday"
        await cut_at.action_submit()
        await settle(pilot)
        assert "YYYY-MM-DD" in str(screen.query_one("#wt-cut-error", Static).render())

        app.workspace = _other_workspace(app, tmp_path)
        await settle(pilot)
        assert screen.query_one("#wt-audit-path", Input).value == ""
        assert screen.query_one("#wt-cleanup-path", Input).value == ""
        assert screen.query_one("#wt-cleanup-action", Select).value is Select.NULL
        assert screen.query_one("#wt-cut-at", Input).value == ""
        assert str(screen.query_one("#wt-cut-error", Static).render()) == ""


async def test_step_notes_typed_stay_with_their_step_when_another_step_is_shown(make_app) -> None:
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await _goto_step(pilot, "audit")
        notes = screen.query_one("#wt-notes", Input)
        notes.value = "export asked from support"  # typed, not submitted yet
        await _goto_step(pilot, "preview")  # the list moves on (a click, or a key while the notes had focus)
        assert notes.value == ""  # step 4's notes: none, nothing carried over
        await settle(pilot)
        saved = json.loads((app.workspace.data_dir / "walkthrough.json").read_text())
        assert saved["steps"][str(step_by_key("audit").number)]["notes"] == "export asked from support"
        await _goto_step(pilot, "audit")
        assert notes.value == "export asked from support"


async def test_journal_searches_start_over_when_another_workspace_opens(make_app, tmp_path) -> None:
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ws = app.workspace
        plan = await lead_plan(ws, 1)
        assert (await ApplyEngine.for_workspace(ws, plan).run()).ok
        screen = app.screen
        assert isinstance(screen, JournalScreen)
        screen.action_refresh()
        await settle(pilot)
        person = screen.query_one("#journal-person", Input)
        person.value = "cio_a3000001"
        await person.action_submit()
        await settle(pilot)
        assert screen.person is not None
        screen.query_one("#journal-filter", Input).value = "lead"
        screen.action_cycle_status()
        await settle(pilot)

        app.workspace = _other_workspace(app, tmp_path)
        await settle(pilot)
        assert screen.person is None and screen.status_filter == "all"
        assert screen.query_one("#journal-person", Input).value == ""
        assert screen.query_one("#journal-filter", Input).value == ""
        assert str(screen.query_one("#journal-status-filter").render()) == "status: all"


async def test_a_journal_search_answered_after_the_box_changed_is_not_shown(make_app) -> None:
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#journal-person", Input).value = "someone-else@example.com"
        screen.post_message(JournalScreen.PersonFound("cio_a3000001", []))
        await settle(pilot)
        assert screen.person is None  # the answer for the old query is dropped


async def test_highlighting_another_plan_clears_the_previous_plans_entries_at_once(make_app) -> None:
    app = make_app("journal")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ws = app.workspace
        for count in (1, 2):
            plan = await lead_plan(ws, count, prefix=f"p{count}")
            assert (await ApplyEngine.for_workspace(ws, plan).run()).ok
        screen = app.screen
        screen.action_refresh()
        await settle(pilot)
        plans = screen.query_one(JournalPlansTable)
        entries = screen.query_one(JournalEntriesTable)
        first = plans.highlighted
        assert first is not None and entries.row_count > 0
        reads: list[str] = []
        read = screen._read_entries
        screen._read_entries = reads.append  # a slow journal: the read has not answered yet
        plans.move_cursor(row=1)
        await pilot.pause()
        second = plans.highlighted
        assert second is not None and second.plan_id != first.plan_id and reads == [second.plan_id]
        assert entries.row_count == 0  # never the other plan's entries under this plan's highlight
        assert "Reading the entries of plan" in str(entries.border_title)
        read(second.plan_id)
        await settle(pilot)
        assert {e.plan_id for e in entries.entries.values()} == {second.plan_id}
