"""The Walkthrough's prepare step: every checklist item is drawn whole the first time the step is shown."""

from __future__ import annotations

from textual.geometry import Region

from cio_tui.tui.widgets.walkthrough_steps import StepList
from cio_tui.tui.widgets.walkthrough_ticklist import TickList
from cio_tui.walkthrough.steps import step_by_key
from tests.tui.conftest import SMALL, settle

PREPARE = step_by_key("prepare").number


def _drawn(widget: TickList) -> str:
    width, height = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


async def test_the_region_item_shows_its_value_on_first_display(make_app) -> None:
    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.screen.query_one(StepList).highlighted = PREPARE - 1  # shown for the first time
        await settle(pilot)
        await pilot.pause()
        tick_list = app.screen.query_one("#wt-checklist", TickList)
        drawn = " ".join(_drawn(tick_list).replace("│", " ").split())  # a wrapped item reads as one
        assert "Set Account Region to US" in drawn, drawn
