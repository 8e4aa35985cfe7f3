"""Duplicates at 80x24 and 140x45 (QA 16): the summary is never cut mid-sentence, the compare wraps values and
conflict words instead of cutting them, and the groups table keeps the state and the primary whole."""

from __future__ import annotations

import pytest

from cio_tui.tui.widgets.duplicates_table import GroupsTable
from tests.tui.conftest import SMALL
from tests.tui.test_duplicates_snapshots import _live
from tests.tui.test_plan_apply_pause import drawn

LARGE = (140, 45)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "140x45"])
async def test_duplicates_summary_compare_and_table_are_whole(make_app, size) -> None:
    app = make_app("duplicates")
    async with app.run_test(size=size) as pilot:
        await _live(pilot)
        screen = app.screen
        summary = drawn(screen.query_one("#dup-summary"))
        assert summary.endswith("merge(s).") and "Plan (confidence high+):" in summary, summary
        compare = drawn(screen.query_one("#dup-compare"))
        assert "…" not in compare, compare
        # the first group: an id that is an email; at 80 columns a long value wraps onto the next line of its cell
        for words in ("CONFLICT: other ids", "dropped", "iris.lopez50@example", ".com", "secondary", "cio_a3000032"):
            assert words in compare, (words, compare)
        table = screen.query_one(GroupsTable)
        for key in list(table.rows)[:5]:
            for column in ("state", "size", "primary"):
                assert not table.is_cut(key.value, column), (size, column)
