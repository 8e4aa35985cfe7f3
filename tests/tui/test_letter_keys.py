"""The letter-key rule of ``cio_tui.tui.focus``: a letter is an action only while focus is on a widget that is not
a text field and the screen is not waiting for typing; otherwise it is text, typed in the screen's main field."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from cio_tui.tui.focus import is_text_field
from cio_tui.tui.widgets.csv_path import PathPrompt

from .conftest import SMALL, settle


def where(app) -> str:
    return str(app.screen.query_one(".footer-where").render())


async def test_letters_on_an_empty_people_screen_are_typed_in_the_lookup_box(make_app) -> None:
    app = make_app("people")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not is_text_field(app.focused)  # arrival is never in a field (area keys must not type)
        assert where(app) == "▸ lookup: typing"
        await pilot.press("c", "o", "p", "i", "f")  # copy, overview, preview, identifiers, filter: all bound
        await settle(pilot)
        assert app.current_mode == "people"
        assert app.screen.query_one("#lookup-input", Input).value == "copif"
        assert app.focused is app.screen.query_one("#lookup-input", Input)
        assert not any("copy" in n.message.casefold() for n in app.notices)


async def test_once_a_person_is_shown_letters_are_the_cards_actions_again(make_app) -> None:
    app = make_app("people")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.lookup("cio_a3000001")
        await settle(pilot)
        assert not is_text_field(app.focused)
        assert "typing" not in where(app)
        await pilot.press("s")  # the Segments tab
        await settle(pilot)
        assert app.screen.query_one("#card-tabs").active == "tab-segments"
        assert app.screen.query_one("#lookup-input", Input).value == "cio_a3000001"


async def test_a_failed_lookup_makes_the_screen_wait_for_typing_again(make_app) -> None:
    app = make_app("people")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.lookup("cio_a3000001")
        await settle(pilot)
        app.screen.lookup("nobody@example.com")
        await settle(pilot)
        app.screen.focus_home()
        await settle(pilot)
        await pilot.press("i")  # not "open Identifiers on the previous person": there is none on screen
        await settle(pilot)
        assert app.current_mode == "people"
        assert app.screen.query_one("#lookup-input", Input).value == "i"  # the failed text was selected: replaced


async def test_on_an_empty_identifiers_screen_letters_go_to_the_person_box_until_focus_is_moved(make_app) -> None:
    app = make_app("identifiers")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        home = app.focused
        assert home is not None and not is_text_field(home)
        await pilot.press("x", "m")  # plan merges, make plan: typed, not run
        await settle(pilot)
        assert app.screen.query_one("#ids-cio", Input).value == "xm"
        assert not any("merge" in n.message.casefold() or "plan" in n.message.casefold() for n in app.notices)
        # the operator moves focus themselves: letters are actions there
        await pilot.press("escape")
        await settle(pilot)
        app.screen.query_one("#ids-cio", Input).value = ""
        app.screen.set_focus(home)
        await pilot.press("tab", "shift+tab")
        await settle(pilot)
        assert app.focused is home
        await pilot.press("v")
        await settle(pilot)
        assert app.screen.query_one("#ids-csv").display
        assert app.screen.query_one("#ids-cio", Input).value == ""


async def test_on_an_empty_preview_letters_are_calls_being_written(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not is_text_field(app.focused)
        await pilot.press("m", "n", "w")  # mappings (a path prompt), next call, warnings tab
        await settle(pilot)
        editor = app.screen.query_one("#preview-editor", TextArea)
        assert editor.text == "mnw"
        assert app.focused is editor
        assert not app.screen.query_one(PathPrompt).display


async def test_with_nothing_focused_a_letter_is_never_an_action(make_app) -> None:
    app = make_app("leads")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        csv = app.screen.query_one("#leads-csv")
        app.screen.set_focus(None)
        await pilot.press("v")  # paste CSV: would show the CSV box
        await settle(pilot)
        assert not csv.display
        assert app.focused is not None and app.focused is app.screen.home_widget()
        assert any("Nothing had focus" in n.message and "press it again" in n.message for n in app.notices)
        await pilot.press("v")  # now focus is on a widget: the letter is its screen's action
        await settle(pilot)
        assert csv.display


async def test_a_screen_with_nothing_focusable_takes_letters_as_its_actions(make_app) -> None:
    app = make_app("plan")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert app.focused is None and not app.screen.focus_chain  # no plan yet: nothing to focus
        await pilot.press("o")  # open a plan file: no field could be meant
        await settle(pilot)
        assert app.screen.query_one(PathPrompt).display


async def test_while_letters_are_text_the_screens_letter_keys_show_disabled(make_app) -> None:
    app = make_app("people")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.check_action("copy_value", ()) is None  # dimmed in the footer: c would be typed
        assert screen.check_action("focus_lookup", ()) is True  # "/" is not a letter: it still works
        screen.lookup("cio_a3000001")
        await settle(pilot)
        assert screen.check_action("copy_value", ()) is True


async def test_walkthrough_step_is_not_marked_done_by_a_letter_typed_with_nothing_focused(make_app) -> None:
    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.overview is not None
        before = screen.overview.state.step(screen.step_number).status
        screen.set_focus(None)
        await pilot.press("d")  # mark done (or its "done anyway?" question)
        await settle(pilot)
        assert app.screen is screen  # no question asked
        assert screen.overview.state.step(screen.step_number).status == before


async def test_next_step_from_a_field_of_the_step_leaves_focus_on_a_widget_never_on_nothing(make_app) -> None:
    from cio_tui.tui.widgets.walkthrough_steps import StepList

    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one(StepList).highlighted = 0
        await settle(pilot)
        screen.set_focus(screen.query_one("#wt-datacenter"))  # a Select of step 1 (not a text field)
        await pilot.press("n")
        await settle(pilot)
        assert screen.step_number == 2
        assert app.focused is not None and app.focused.display
        assert "no focus" not in where(app)
