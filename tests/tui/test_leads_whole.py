"""Leads at 80x24 and 140x45 (QA 16): a long new id is cut with "…" in the table at 80 columns, and the line under
the table names both values whole: the lead's email and the id that will be written."""

from __future__ import annotations

import pytest
from textual import events

from cio_tui.tui.widgets.leads_table import LeadsTable
from tests.tui.conftest import SMALL, settle
from tests.tui.test_plan_apply_pause import drawn

LONG_ID = "qa-lead-with-a-rather-long-customer-id-0000-0001"


@pytest.mark.parametrize("size", [SMALL, (140, 45)], ids=["80x24", "140x45"])
async def test_the_detail_line_names_the_email_and_the_new_id_whole(make_app, size) -> None:
    app = make_app("leads")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("i")
        pilot.app.post_message(events.Paste(LONG_ID))  # pasted, as a terminal delivers it: one event, not 48 keys
        await pilot.pause()
        await pilot.press("enter", "escape", "up")
        await settle(pilot)
        table = app.screen.query_one(LeadsTable)
        lead = table.highlighted
        assert lead is not None and lead.new_id == LONG_ID
        if size == SMALL:
            assert table.is_cut(lead.cio_id, "new_id") and "…" in drawn(table)
        under = drawn(app.screen.query_one("#leads-detail"))
        assert f"{lead.email} (cio_{lead.cio_id}) -> new id '{LONG_ID}'" in under, under
