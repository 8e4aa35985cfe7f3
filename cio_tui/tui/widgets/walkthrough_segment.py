"""The prepare, cut-over and verify steps with Segment's Public API: each of those panels gains a Segment section (read
the destinations, plan the cut-over, cut over or roll back after typing the workspace name, verify deliveries). The
section only shows what the screen's workers found and posts ``Task``s; when the Public API cannot be used it shows why,
what to ask Segment for, and the step's own checklist stays the manual way."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from cio_tui.safe_text import safe
from cio_tui.tui.walkthrough_requests import SegmentAction, SegmentTask
from cio_tui.tui.widgets.walkthrough_base import Task
from cio_tui.tui.widgets.walkthrough_checklist import ChecklistPanel
from cio_tui.tui.widgets.walkthrough_forms import CutoverPanel
from cio_tui.tui.widgets.walkthrough_panels import VerifyPanel
from cio_tui.walkthrough.steps import step_by_key

BUTTONS: dict[str, list[tuple[SegmentAction, str, ButtonVariant]]] = {  # step key -> (action, label, variant)
    "prepare": [
        ("read", "Read Segment", "default"),
        ("prepare", "Create the Actions destination…", "primary"),
    ],
    "cutover": [("cutover", "Cut over now…", "warning"), ("rollback", "Roll back…", "default")],
    "verify": [("verify", "Verify deliveries", "primary")],
}
INTRO = {  # step key -> what the section does
    "prepare": "With a Segment Public API token (profile add NAME --segment), cio-tui creates the Actions "
    "destination (disabled: it sends nothing yet), its mappings from the Quick Setup presets and copies of "
    "the classic filters: a plan, reviewed, applied after you type the workspace name.",
    "cutover": "Cut over applies the switch chosen above (one-step, or received_at filters at the cut-over time) "
    "through the Public API, after you type the workspace name; Roll back turns classic on and Actions off "
    "again.",
    "verify": "Delivery per Actions mapping from Segment's Delivery Overview since the cut-over, with the people "
    "checks.",
}


class SegmentSection(Vertical):
    DEFAULT_CSS = """
    SegmentSection { height: auto; margin: 1 0 0 0; }
    /* one button a line: side by side, "Create the Actions destination…" was cut at 80 columns */
    SegmentSection > Horizontal { height: auto; layout: vertical; }
    SegmentSection Button { margin: 0 1 0 0; }
    """

    def __init__(self, key: str, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.key = key
        self.step = step_by_key(key).number
        self._actions: dict[str, SegmentAction] = {}

    def compose(self) -> ComposeResult:
        yield Static("Segment, through its Public API", classes="wt-section")
        yield Static(INTRO[self.key], classes="wt-hint", markup=False)
        with Horizontal(classes="wt-field"):
            for action, label, variant in BUTTONS[self.key]:
                button_id = f"wt-segment-{action}-{self.step}"
                self._actions[button_id] = action
                yield Button(label, id=button_id, variant=variant, compact=True)
        yield Static("", classes="wt-result segment-result", markup=False)

    def show_view(self, lines: list[str]) -> None:
        self.query_one(".segment-result", Static).update("\n".join(safe(line) for line in lines))  # workspace text

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        action = self._actions.get(event.button.id or "")
        if action is not None:
            event.stop()
            self.post_message(Task(SegmentTask(action, self.step)))


class PrepareActionsPanel(ChecklistPanel):
    STEP: ClassVar[int] = step_by_key("prepare").number

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield SegmentSection("prepare")


class SegmentCutoverPanel(CutoverPanel):
    STEP: ClassVar[int] = step_by_key("cutover").number

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield SegmentSection("cutover")


class SegmentVerifyPanel(VerifyPanel):
    STEP: ClassVar[int] = step_by_key("verify").number

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield SegmentSection("verify")


__all__ = ["PrepareActionsPanel", "SegmentCutoverPanel", "SegmentSection", "SegmentVerifyPanel"]
