"""Identifiers: what the operator types is never dropped (a new email typed before the person is picked)."""

from __future__ import annotations

from textual.widgets import Input

from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.widgets.csv_input import CsvInput
from tests.tui.conftest import SIZE, settle


async def test_a_new_email_typed_before_picking_the_person_is_kept(make_app) -> None:
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        email_field = screen.query_one("#ids-new-email", Input)
        screen.set_focus(email_field)
        await pilot.pause()
        await pilot.press(*"new.eva@umbrella.test", "enter")
        await pilot.pause()
        said = [n.message for n in app.notices]
        assert any("Pick the person first: type their cio_id, id or email" in m for m in said), said
        assert screen.focused is screen.query_one("#ids-cio", Input)
        await pilot.press(*"cio_a3000001", "enter")
        await settle(pilot)
        assert screen.picked == "a3000001"
        assert email_field.value == "new.eva@umbrella.test"
        await pilot.press("tab", "enter")  # the new email field: Enter adds the change
        await settle(pilot)
        change = screen.model.typed["a3000001"]
        assert change.new_email == "new.eva@umbrella.test"


async def _load(pilot, path) -> None:
    screen = pilot.app.screen
    screen.set_focus(screen.query_one("#ids-table"))
    await pilot.press("tab", "shift+tab")  # the operator moves focus: letters are actions
    await pilot.press("l")
    screen.query_one("#ids-path Input").value = str(path)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_csv_naming_no_person_column_is_refused_and_typed_changes_stay(make_app, tmp_path) -> None:
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press(*"cio_a3000001", "enter")
        await settle(pilot)
        await pilot.press(*"qa-new-1", "enter")
        await settle(pilot)
        assert set(screen.model.typed) == {"a3000001"}
        bad = tmp_path / "bad.csv"
        bad.write_text("a,b,c\n1,2,3\n")
        await _load(pilot, bad)
        status = str(screen.query_one("#ids-person").render())
        assert "File not loaded: the header names no person column: it needs cio_id, id or email" in status
        assert set(screen.model.typed) == {"a3000001"} and screen.model.from_csv == []
        assert not screen.query_one("#ids-csv").display  # the box was never filled with the refused file
        good = tmp_path / "good.csv"
        good.write_text("cio_id,new_id,new_email\ncio_a3000002,qa-new-2,\n")
        await _load(pilot, good)
        status = str(screen.query_one("#ids-person").render())
        assert "1 row(s) read from the file; your 1 typed change(s) are kept next to them" in status
        assert {c.cio_id for c in screen.model.changes()} == {"a3000001", "a3000002"}


async def test_a_new_id_differing_only_in_case_from_another_persons_id_is_checked_with_a_warning(make_app) -> None:
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press(*"u0000051", "enter")
        await settle(pilot)
        await pilot.press(*"U0000002", "enter")
        await settle(pilot)
        screen.set_focus(screen.query_one("#ids-table"))
        await pilot.press("c")
        await settle(pilot)
        [check] = [c for (line, _), c in screen.model.checks.items() if line is None]
        assert check.severity == "warning"
        assert "'U0000002' differs only in case from the id 'u0000002' of cio_" in check.message


async def test_loading_a_file_says_it_replaces_the_rows_of_the_csv_box(make_app, tmp_path) -> None:
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = tmp_path / "first.csv"
        first.write_text("cio_id,new_id\ncio_a3000001,qa-1\ncio_a3000002,qa-2\n")
        await _load(pilot, first)
        second = tmp_path / "second.csv"
        second.write_text("cio_id,new_id\ncio_a3000003,qa-3\n")
        await _load(pilot, second)
        assert isinstance(app.screen, ConfirmModal)  # the box's rows are replaced only once the operator says so
        assert "the 2 row(s) now in the CSV box" in str(app.screen.body_text)
        await pilot.press("n")
        await settle(pilot)
        assert "what you typed and pasted is kept" in str(app.screen.query_one("#ids-person").render())
        assert "qa-1" in app.screen.query_one(CsvInput).text
        await _load(pilot, second)
        await pilot.press("y")
        await settle(pilot)
        status = str(app.screen.query_one("#ids-person").render())
        assert "1 row(s) read from the file; it replaces the 2 row(s) that were in the CSV box" in status
