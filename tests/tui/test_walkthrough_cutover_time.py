"""The Walkthrough's cut-over step: the cut-over time is shown whole at 80x24 and is never changed without saying so."""

from __future__ import annotations

import json

from textual.widgets import Input, Select

from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.walkthrough.steps import step_by_key
from tests.tui.conftest import FIXED_NOW, SMALL, settle
from tests.tui.test_walkthrough_segment import _goto, _press

CUTOVER = step_by_key("cutover").number


async def test_one_step_cut_over_says_it_replaces_the_recorded_time_and_the_field_shows_it_whole(make_app):
    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _goto(pilot, CUTOVER)
        await settle(pilot)
        screen = app.screen
        screen.query_one("#wt-cut-method", Select).value = "one_step"
        await settle(pilot)
        field = screen.query_one("#wt-cut-at", Input)
        field.value = "2026-12-02 00:10"
        screen.set_focus(field)
        await pilot.press("enter")
        await settle(pilot)
        assert field.content_region.width >= len("2026-12-02 00:10") + 1  # year and month visible, and the cursor
        await _press(pilot, f"wt-segment-cutover-{CUTOVER}")
        assert isinstance(app.screen, ConfirmTypedModal)
        await pilot.press(*"sandbox", "enter")
        await settle(pilot)  # the apply worker, then the view it hands back
        state = json.loads((app.workspace.data_dir / "walkthrough.json").read_text())
        assert state["cutover"]["cutover_at"].startswith(FIXED_NOW.strftime("%Y-%m-%dT%H:%M"))
        said = " ".join(n.message for n in app.notices)
        assert f"Cut-over time recorded: {FIXED_NOW:%Y-%m-%d %H:%M} UTC, the moment of the one-step switch" in said
        assert "it replaces the 2026-12-02 00:10 UTC written before" in said
        assert field.value == f"{FIXED_NOW:%Y-%m-%d %H:%M}"
