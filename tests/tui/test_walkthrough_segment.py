"""Walkthrough steps 6-8 with Segment's Public API (Pilot, on the sandbox's emulated Segment workspace)."""

from __future__ import annotations

import json

from textual.widgets import Button, Select, Static

from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.tui.widgets.walkthrough_segment import SegmentSection
from cio_tui.tui.widgets.walkthrough_steps import StepList
from cio_tui.walkthrough.steps import step_by_key
from tests.tui.conftest import SIZE, settle

PREPARE, CUTOVER = step_by_key("prepare").number, step_by_key("cutover").number


def _section_text(app, step: int) -> str:
    screen = next(s for s in reversed(app.screen_stack) if s.query(SegmentSection))  # under a modal too
    section = next(s for s in screen.query(SegmentSection) if s.step == step)
    return str(section.query_one(".segment-result", Static).render())


async def _goto(pilot, number: int) -> None:
    pilot.app.screen.query_one(StepList).highlighted = number - 1
    await settle(pilot)  # a first visit composes and fills the panel: one pause is too short on a busy machine


async def _press(pilot, button_id: str) -> None:
    button = pilot.app.screen.query_one(f"#{button_id}", Button)
    button.press()
    await settle(pilot)  # the task worker reads Segment in-process: settle waits for it and its messages


async def test_cut_over_and_roll_back_from_the_walkthrough(make_app):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _goto(pilot, PREPARE)
        await _press(pilot, f"wt-segment-read-{PREPARE}")
        assert "classic  Customer.io (dst_classic_cio): enabled" in _section_text(app, PREPARE)
        await _press(pilot, f"wt-segment-prepare-{PREPARE}")
        assert isinstance(app.screen, ConfirmTypedModal)
        text = _section_text(app, PREPARE)
        assert "create the Actions destination 'Customer.io (Actions)' (disabled)" in text
        assert "finding: alias: merges two people and deletes the secondary" in text
        assert "disable the classic destination" not in text  # the prepare step prepares, it does not switch
        await pilot.press(*"sandbox", "enter")
        await settle(pilot)  # the apply worker, then the view it hands back
        text = _section_text(app, PREPARE)
        assert "18 of 18 Segment operation(s) done" in text
        assert "actions  Customer.io (Actions) (dst_000001): disabled" in text
        saved = app.workspace.data_dir / "walkthrough.json"  # preparing is not the switch: no cut-over time
        assert not saved.exists() or json.loads(saved.read_text()).get("cutover", {}).get("cutover_at") is None
        # what the applied plan did is ticked (per the journal); the preset decisions are left to the operator
        ticked = set(app.screen.overview.state.checklist)
        assert ticked == {"setup:region", "setup:credentials", "setup:filters"}  # no saved calls: no preset kept
        left = len(app.screen.overview.checklist) - 3
        assert app.screen.overview.missing[PREPARE] == [f"tick the {left} remaining checklist item(s)"]
        assert json.loads(saved.read_text())["checklist"] == dict.fromkeys(sorted(ticked), True)

        await _goto(pilot, CUTOVER)
        app.screen.query_one("#wt-cut-method", Select).value = "one_step"
        await settle(pilot)
        await _press(pilot, f"wt-segment-cutover-{CUTOVER}")
        assert isinstance(app.screen, ConfirmTypedModal)
        await pilot.press(*"sandbox", "enter")
        await settle(pilot)  # the apply worker, then the view it hands back
        text = _section_text(app, CUTOVER)
        assert "2 of 2 Segment operation(s) done" in text  # the destination the prepare step made is reused
        assert "actions  Customer.io (Actions)" in text and "(dst_classic_cio): disabled" in text
        assert "POST /destinations" not in text  # the compact review: what changes, not raw requests
        state = json.loads((app.workspace.data_dir / "walkthrough.json").read_text())
        assert state["cutover"]["method"] == "one_step" and state["cutover"]["cutover_at"]  # the switch's time

        await _press(pilot, f"wt-segment-rollback-{CUTOVER}")
        assert isinstance(app.screen, ConfirmTypedModal)
        assert "enable the classic destination" in _section_text(app, CUTOVER)  # the review is shown beside it
        await pilot.press("escape")
        await settle(pilot)
        await _goto(pilot, PREPARE)
        await _press(pilot, f"wt-segment-read-{PREPARE}")
        assert "(dst_classic_cio): disabled" in _section_text(app, PREPARE)  # cancelled: nothing was sent


async def test_a_token_without_access_shows_why_and_keeps_the_checklist(make_app, monkeypatch):
    monkeypatch.setenv("CIO_TUI_SEGMENT_TOKEN", "not-a-valid-token")
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _goto(pilot, PREPARE)
        await _press(pilot, f"wt-segment-read-{PREPARE}")
        text = _section_text(app, PREPARE)
        assert "Segment refused the token (HTTP 401)" in text and "What to ask for:" in text
        assert "The checklist of this step stays the way to do it by hand." in text
        assert "not-a-valid-token" not in text


async def test_the_cut_over_confirmation_reaches_every_operation_at_80x24(make_app):
    from textual.containers import VerticalScroll

    from tests.tui.conftest import SMALL

    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await _goto(pilot, CUTOVER)  # not prepared before: the plan creates everything, then switches
        app.screen.query_one("#wt-cut-method", Select).value = "one_step"
        await settle(pilot)
        await _press(pilot, f"wt-segment-cutover-{CUTOVER}")
        modal = app.screen
        assert isinstance(modal, ConfirmTypedModal)
        summary = modal.request.summary
        assert summary[0] == "The switch: classic OFF, then Actions ON (one step)."  # the switch is read first
        assert "  - disable the classic destination" in summary[1:3]
        assert "  - enable the Actions destination" in summary[1:3]
        ops = [line for line in summary if line[:1].isdigit()]
        assert len(ops) >= 13 and ops[-1].endswith("enable the Actions destination")  # none left out
        shown = str(modal.query_one("#confirm-summary", Static).render())
        assert ops[-1] in shown
        assert "PageDown/PageUp scroll the list" in str(modal.query_one("#confirm-scroll-hint", Static).render())
        details = modal.query_one("#confirm-details", VerticalScroll)
        assert details.max_scroll_y > 0 and details.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert details.scroll_y > 0  # from the input, where the focus is
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert details.scroll_y == details.max_scroll_y
        assert app.focused is modal.query_one("#confirm-input")
        await pilot.press("escape")
        await settle(pilot)


async def test_the_footer_names_buttons_by_their_label_and_follows_focus_into_a_dialog(make_app):
    from textual.widgets._footer import FooterKey, FooterLabel

    from cio_tui.tui.widgets.footer import AreaFooter

    def where() -> str:
        footer = next(s for s in reversed(app.screen_stack) if s.query(AreaFooter)).query_one(AreaFooter)
        return str(footer.query_one(".footer-where", FooterLabel).render())

    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _goto(pilot, CUTOVER)
        app.screen.query_one("#wt-cut-method", Select).value = "one_step"
        await settle(pilot)
        app.screen.query_one(f"#wt-segment-cutover-{CUTOVER}", Button).focus()
        await settle(pilot)
        assert where() == "▸ Cut over now"  # not the internal "segment_cutover"
        await _press(pilot, f"wt-segment-cutover-{CUTOVER}")
        assert isinstance(app.screen, ConfirmTypedModal)
        await settle(pilot)
        assert where() == "▸ workspace name: typing"  # the dialog's input, not the step
        footer = app.screen_stack[-2].query_one(AreaFooter)
        shown = {key.action for key in footer.query(FooterKey)}
        assert "cancel" in shown  # the dialog's Escape
        assert not shown & {"mark_done", "skip", "open_area", "next_step", "reload"}, shown  # the step's: not here
        app.screen.query_one("#confirm-no", Button).focus()
        await settle(pilot)
        assert where() == "▸ Cancel"
        await pilot.press("escape")
        await settle(pilot)
