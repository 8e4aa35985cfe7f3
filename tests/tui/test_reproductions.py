"""The three reproductions of the first-hour report: values carried from one person to the next in Identifiers,
People keeping the previous card after a failed lookup, and text typed before a prompt had taken focus."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from cio_tui.tui.widgets.csv_path import PathPrompt
from tests.tui.conftest import SMALL, settle
from tests.tui.test_identifiers import people_with_ids


async def test_identifiers_next_person_starts_with_empty_fields_and_keeps_the_first_change(make_app):
    app = make_app("identifiers")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        a, b = await people_with_ids(app.workspace.client, 2)
        screen = app.screen
        await pilot.press(*a.cio_id, "enter")  # on the empty screen, typing goes to the person box
        await settle(pilot)
        await pilot.press(*"keep-me", "enter")
        await settle(pilot)
        # The operator follows the hint: pick the next person (p outside a field, or just type where the cursor is).
        assert not isinstance(app.focused, Input) or app.focused.id == "ids-cio", app.focused
        if app.focused is None or app.focused.id != "ids-cio":
            await pilot.press("p")
        await pilot.press(*b.cio_id, "enter")
        await settle(pilot)
        assert screen.picked == b.cio_id
        assert screen.query_one("#ids-cio", Input).value == b.cio_id
        assert screen.query_one("#ids-new-id", Input).value == ""  # not the previous person's new id
        assert screen.query_one("#ids-new-email", Input).value == ""
        assert screen.model.typed[a.cio_id].new_id == "keep-me"  # the first change is untouched
        await pilot.press(*"b-new", "enter")
        await settle(pilot)
        assert {k: v.new_id for k, v in screen.model.typed.items()} == {a.cio_id: "keep-me", b.cio_id: "b-new"}


async def test_identifiers_picking_a_person_with_a_typed_change_shows_it_to_edit(make_app):
    app = make_app("identifiers")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        a, b = await people_with_ids(app.workspace.client, 2)
        screen = app.screen
        screen.pick(a.cio_id)
        await settle(pilot)
        await pilot.press(*"first", "enter")
        screen.pick(b.cio_id)
        await settle(pilot)
        screen.pick(a.cio_id)
        await settle(pilot)
        assert screen.query_one("#ids-new-id", Input).value == "first"


async def test_people_failed_lookup_clears_the_card_so_i_does_not_open_someone_else(make_app):
    app = make_app("people")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.lookup("cio_a3000001")
        await settle(pilot)
        assert screen.card is not None
        screen.lookup("nobody@example.com")
        await settle(pilot)
        assert screen.card is None
        assert "Not found" in screen.message
        assert str(screen.query_one("#card-empty").render()) and screen.query_one("#card-empty").display
        screen.set_focus(None)
        await pilot.press("i")
        await settle(pilot)
        assert app.current_mode == "people"  # nobody to change: it says so instead of opening another person


async def test_typed_path_goes_into_the_prompt_at_once_never_runs_as_commands(make_app):
    app = make_app("identifiers")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("tab", "shift+tab")  # focus on the changes table, moved there by the operator
        assert app.focused is screen.query_one("#ids-table")
        # No pause between the key that opens the prompt and the typing: keys arrive together from the terminal
        # (a fast typist, tmux send-keys, a paste), before any callback the first key scheduled has run.
        for char in "l/tmp/mcs.csv":
            app.post_message(events.Key(_character_to_key(char), char))
        await pilot.pause()
        await pilot.pause()
        prompt = screen.query_one(PathPrompt)
        assert prompt.query_one(Input).value == "/tmp/mcs.csv"  # the suggested name is selected: typing replaces it
        assert app.focused is prompt.query_one(Input)
        assert screen.query_one("#ids-csv").display is False  # `c`, `s`, `v` did not run
        assert app.current_mode == "identifiers"


async def test_a_burst_after_o_on_an_empty_plan_screen_goes_into_the_prompt_in_order(make_app, tmp_path):
    """tmux in Plan/Apply with no plan open (nothing to focus): `o`, ctrl+u, a path and Enter sent together. The
    path reached the screen before the prompt had opened: its letters ran as actions or were dropped, and Enter
    submitted an empty prompt ("Type a file path")."""
    app = make_app("plan")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        opened: list[str] = []
        screen._load = lambda path, busy: opened.append(str(path))  # what the prompt was given, not the reading
        path = str(tmp_path / "plan.json")
        burst = [events.Key("o", "o"), events.Key("ctrl+u", None)]
        burst += [events.Key(_character_to_key(char), char) for char in path] + [events.Key("enter", "\r")]
        for key in burst:  # all queued before the first is handled, as a terminal delivers a burst
            app.post_message(key)
        await settle(pilot)
        assert opened == [path]
        assert app.current_mode == "plan"


async def test_ctrl_u_then_a_path_sent_together_into_an_open_prompt_keeps_the_path(make_app):
    """tmux: ctrl+u and the path in one burst into the open prompt. ctrl+u ran once it had bubbled up to the app,
    after the path was typed, and cleared it: Enter then said "Type a file path"."""
    app = make_app("plan")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("o")
        field = app.screen.query_one(PathPrompt).query_one(Input)
        assert app.focused is field
        field.value = "suggested.json"
        for key in [events.Key("ctrl+u", "\x15")] + [events.Key(_character_to_key(c), c) for c in "/tmp/p.json"]:
            app.post_message(key)
        await settle(pilot)
        assert field.value == "/tmp/p.json"


async def test_a_path_sent_with_the_key_that_opens_the_journal_export_goes_into_its_field(make_app, tmp_path):
    """tmux in the Journal: `e` and a path sent together. The path reached the Journal after the export dialog had
    opened over it: its letters went nowhere and the dialog kept its suggested file."""
    from cio_tui.identity.apply import ApplyEngine
    from cio_tui.tui.modals.export_journal import ExportJournalModal
    from cio_tui.tui.widgets.journal_tables import JournalPlansTable
    from tests.tui.test_plan_apply import lead_plan

    app = make_app("journal")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert (await ApplyEngine.for_workspace(app.workspace, await lead_plan(app.workspace, 1)).run()).ok
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one(JournalPlansTable).focus()
        await pilot.pause()
        path = str(tmp_path / "out.jsonl")
        for key in [events.Key("e", "e")] + [events.Key(_character_to_key(c), c) for c in path]:
            app.post_message(key)
        await settle(pilot)
        assert isinstance(app.screen, ExportJournalModal)
        assert app.screen.query_one("#export-path", Input).value == path
