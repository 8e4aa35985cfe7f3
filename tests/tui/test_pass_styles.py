"""``PassStyledTable`` draws exactly what Textual's ``DataTable`` draws (header, zebra rows, cursor, fixed rows, focus),
and a style changed between two frames shows in the next one (styles are reused within one frame only)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable

from cio_tui.tui.widgets.pass_styles import PassStyledTable

CSS = """
DataTable { height: 8; width: 40; }
DataTable.-alert > .datatable--even-row { background: red; }
DataTable.-alert { color: yellow; }
"""


class Tables(App[None]):
    CSS = CSS

    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.options = options

    def compose(self) -> ComposeResult:
        for table in (DataTable(id="plain", **self.options), PassStyledTable(id="fast", **self.options)):
            table.add_columns("Field", "Value")
            for n in range(10):
                table.add_row(f"field {n}", f"value [b]{n}[/b]" if n % 3 else f"a long value number {n} " * 3)
            yield table


def lines(table: DataTable[Any]) -> list[list[tuple[str, str]]]:
    strips = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [[(seg.text, str(seg.style)) for seg in strip] for strip in strips]


@pytest.mark.parametrize(
    "options",
    [
        {"zebra_stripes": True, "cursor_type": "row"},
        {"zebra_stripes": False, "cursor_type": "cell"},
        {"zebra_stripes": True, "cursor_type": "row", "fixed_rows": 2, "fixed_columns": 1},
    ],
    ids=["zebra-row", "plain-cell", "fixed"],
)
async def test_drawn_lines_are_the_data_tables_and_follow_style_changes(options: dict[str, Any]) -> None:
    app = Tables(**options)
    async with app.run_test(size=(90, 20)) as pilot:
        app.set_focus(None)  # neither drawn focused
        await pilot.pause()
        plain, fast = app.query_one("#plain", DataTable), app.query_one("#fast", DataTable)
        assert type(fast) is PassStyledTable
        before = lines(fast)
        assert before == lines(plain)
        for table in (plain, fast):
            table.add_class("-alert")
            table.move_cursor(row=3)
        fast.focus()
        await pilot.pause()
        fast_after = lines(fast)
        plain.focus()
        await pilot.pause()
        assert lines(plain) == fast_after  # each drawn focused, after the same changes
        assert fast_after != before  # the new colours and cursor are drawn, not the first frame's styles
