"""People, Activity at 80x24 and 140x45 (QA 16): a long detail ends in "…" in the table (never cut silently, never
pushed off screen) and the line under the table shows the highlighted activity whole."""

from __future__ import annotations

import pytest

from cio_tui.tui.widgets.person_card import ActivityTable
from tests.tui.conftest import SMALL, settle
from tests.tui.test_people import _lookup
from tests.tui.test_plan_apply_pause import drawn


@pytest.mark.parametrize("size", [SMALL, (140, 45)], ids=["80x24", "140x45"])
async def test_a_failed_attribute_change_is_shown_whole_under_the_table(make_app, size) -> None:
    app = make_app("people")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await _lookup(pilot, "cio_a30000a9")
        await pilot.press("escape", "a")
        await settle(pilot)
        table = app.screen.query_one(ActivityTable)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing off to the right
        detail = str(table.get_cell("0", "detail"))
        assert "the email belongs to another person" in detail
        if table.is_cut("0", "detail"):
            assert size == SMALL and "…" in drawn(table)
        assert not table.is_cut("0", "when") and not table.is_cut("0", "type")
        under = drawn(app.screen.query_one("#activity-detail"))
        assert "FAILED ATTRIBUTE CHANGE" in under and detail in under, under
