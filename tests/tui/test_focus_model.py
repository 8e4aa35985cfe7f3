"""One focus model on every screen: arrival never in a text field, escape and closed modals come back to a widget
(never nothing), a paste is never dropped, and the footer says where the keys go."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input, TextArea

from cio_tui.tui.areas import AREAS
from cio_tui.tui.focus import is_text_field
from tests.tui.conftest import SMALL, settle


async def test_pressing_an_area_key_twice_types_nothing(make_app):
    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "people"
        assert app.screen.query_one("#lookup-input", Input).value == ""
        assert not is_text_field(app.focused)


@pytest.mark.parametrize("mode", [a.mode for a in AREAS])
async def test_every_screen_arrives_with_focus_on_a_widget_that_is_not_a_text_field(make_app, mode):
    app = make_app(mode)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        chain = [w for w in app.screen.focus_chain if not is_text_field(w)]
        assert app.focused is not None or not chain, (mode, chain)
        assert not is_text_field(app.focused), (mode, app.focused)


async def test_closing_help_gives_focus_back_where_it_was_not_to_the_first_text_field(make_app):
    app = make_app("identifiers")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        before = app.focused
        assert before is not None and not is_text_field(before)
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is before
        # and after leaving a field with escape: still a widget, never nothing
        await pilot.press("p")
        assert app.focused.id == "ids-cio"
        await pilot.press("escape")
        assert app.focused is not None and not is_text_field(app.focused)
        left_to = app.focused
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is left_to


async def test_a_paste_outside_text_fields_goes_to_the_screen_field_that_takes_it(make_app):
    app = make_app("preview")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert not is_text_field(app.focused)
        app.post_message(events.Paste('{"type": "identify", "userId": "u1"}'))
        await settle(pilot)
        editor = app.screen.query_one("#preview-editor", TextArea)
        assert '"userId": "u1"' in editor.text
        assert app.focused is editor


async def test_a_paste_where_nothing_takes_text_is_said_not_dropped_silently(make_app):
    app = make_app("plan")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.post_message(events.Paste("cio_a3000001"))
        await pilot.pause()
        assert any("Nothing here takes text" in n.message for n in app.notices)


async def test_a_call_sent_to_preview_asks_before_replacing_a_paste(make_app):
    app = make_app("preview")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        pasted = "\n".join(f'{{"type": "identify", "userId": "u{i}"}}' for i in range(500))
        editor = app.screen.query_one("#preview-editor", TextArea)
        editor.load_text(pasted)
        app.open_preview('{"type": "identify", "userId": "from-people"}')
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ConfirmModal"
        await pilot.press("escape")  # keep mine
        await settle(pilot)
        assert editor.text == pasted
        app.open_preview('{"type": "identify", "userId": "from-people"}')
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "from-people" in editor.text and "u499" not in editor.text


async def test_ctrl_q_asks_before_quitting_with_unsaved_editor_text(make_app):
    app = make_app("preview")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.query_one("#preview-editor", TextArea).load_text('{"type": "identify", "userId": "u1"}')
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert app.is_running
        assert app.screen.__class__.__name__ == "ConfirmModal"
        assert "Preview: 1 line(s) of calls, not saved as a set" in str(app.screen.body_text)
        await pilot.press("n")
        await settle(pilot)
        assert app.is_running


async def test_number_keys_choose_in_the_go_to_list(make_app):
    app = make_app("walkthrough", sandbox=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.focus_home()
        await pilot.press("g")
        await settle(pilot)
        assert type(app.screen).__name__ == "GoToModal"
        await pilot.press("8")
        await settle(pilot)
        assert app.current_mode == "journal" and type(app.screen).__name__ != "GoToModal"


async def test_ctrl_c_copies_the_highlighted_row_and_says_so_or_explains_how_to_quit(make_app):
    app = make_app("people")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        copied: list[str] = []
        app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
        app.screen.set_focus(None)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert not copied and app.is_running
        assert any("To quit press q" in n.message for n in app.notices)
        app.screen.lookup("cio_a3000001")
        await settle(pilot)
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert copied == ["cio_id\tcio_a3000001"]
        assert any(n.title == "Copied" and "cio_a3000001" in n.message for n in app.notices)


async def test_the_palette_lists_each_action_once_with_a_distinct_name(make_app):
    from cio_tui.tui.commands import palette_commands

    app = make_app("identifiers", sandbox=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        titles = [c.title for c in palette_commands(app)]
        titles += [c.title for c in app.get_system_commands(app.screen)]
        assert len(titles) == len(set(titles)), sorted(t for t in titles if titles.count(t) > 1)
        assert "Quit" not in titles and "Keys" not in titles and "App: quit" in titles


async def test_help_lists_the_app_keys_before_generic_widget_keys_and_q_only_outside_fields(make_app):
    from cio_tui.tui.help import EVERYWHERE, GENERIC, help_rows

    app = make_app("identifiers", sandbox=False)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        rows = help_rows(app, app.screen)
        sections = list(dict.fromkeys(r.section for r in rows))
        assert sections.index(EVERYWHERE) < sections.index(GENERIC) == len(sections) - 1
        assert all(r.section == GENERIC for r in rows if r.description in ("Cursor up", "Focus Next"))
        [q] = [r for r in rows if r.keys == "q"]
        assert "inside one, q is a letter" in q.does and "even inside a text field" not in q.does
