"""Workspace data with escape sequences never reaches the terminal raw, whatever widget shows it."""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color

from cio_tui.tui.terminal_filter import ControlCharFilter, defuse


def test_control_characters_become_visible_one_cell_pictures():
    assert defuse("evil\x1b[2J\x1b]0;title\x07@x.co\r\u202e") == "evil\u241b[2J\u241b]0;title\u2407@x.co\u240d\ufffd"
    out = ControlCharFilter().apply([Segment("a\x1bb"), Segment("plain é 日本"), Segment("\x1b[0m", None, [(1,)])],
                                    Color(0, 0, 0))  # fmt: skip
    assert [s.text for s in out] == ["a\u241bb", "plain é 日本", "\x1b[0m"]  # control segments are Textual's own


async def test_the_app_draws_every_frame_through_the_filter(make_app):
    app = make_app("people")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert any(isinstance(f, ControlCharFilter) for f in app.get_line_filters())
