"""Steps the Leads and Identifiers tests share: paste a CSV of changes, check them all, highlight a row."""

from __future__ import annotations

from cio_tui.tui.widgets.csv_input import CsvInput
from tests.tui.test_plan_apply_snapshots import quiet


async def paste_and_check(pilot, csv_text: str, table: str, row: int) -> None:
    """With the CSV box open: paste ``csv_text``, press c (focus on the screen's table), wait, highlight ``row``."""
    screen = pilot.app.screen
    screen.query_one(CsvInput).load_text(csv_text)
    await pilot.pause()
    screen.focus_home()  # letters are actions outside fields (with nothing focused they only bring focus home)
    await pilot.press("c")
    await quiet(pilot)
    screen.query_one(table).move_cursor(row=row)
    await quiet(pilot)
