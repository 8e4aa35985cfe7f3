"""Preview's empty editor and a burst of keys (QA 21: text, Enter, text sent at once by tmux send-keys): every key
lands in the editor, in order, Enter a new line, though focus was on the calls list when the burst arrived."""

from __future__ import annotations

from textual import events

from cio_tui.tui.widgets.preview_editor import CallEditor
from tests.tui.conftest import SMALL, settle


def _key(char: str) -> events.Key:
    if char == "\n":
        return events.Key("enter", "\r")
    if char == " ":
        return events.Key("space", " ")
    return events.Key(char if char.isalnum() else char, char)


async def test_a_burst_of_text_and_enter_keeps_every_line(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        editor = app.screen.query_one(CallEditor)
        assert editor.text == "" and app.screen.focused is not editor
        text = "abc\ndef\nghi"
        for char in text:  # all queued before the first is handled, as a terminal delivers a burst
            app.post_message(_key(char))
        await settle(pilot)
        assert editor.text == text, repr(editor.text)
