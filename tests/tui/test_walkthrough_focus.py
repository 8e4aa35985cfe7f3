"""Walkthrough: after n (next step) focus is somewhere visible, letters do what help says, PageDown scrolls the text."""

from __future__ import annotations

from textual.widgets import Button

from cio_tui.tui.widgets.walkthrough_steps import StepList
from cio_tui.walkthrough.steps import step_by_key
from tests.tui.conftest import SMALL, settle


async def test_next_step_from_a_form_keeps_focus_on_the_step_text(make_app) -> None:
    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        steps = screen.query_one(StepList)
        steps.highlighted = step_by_key("prepare").number - 1
        await settle(pilot)
        screen.set_focus(screen.query_one("#wt-check-export", Button))  # the operator was using the step's form
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot)
        detail = screen.query_one("#wt-detail")
        assert steps.step_number == step_by_key("cutover").number  # the one after the prepare step
        assert screen.focused is detail  # not nothing: "d" would only bring focus home and ask again
        await pilot.press("pagedown")
        await settle(pilot)
        assert steps.step_number == step_by_key("cutover").number  # the step text scrolled, not the step list
        assert detail.scroll_y > 0
