"""The prepare step: the Prepare Actions checklist, each item checkable, exportable as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, OptionList, Static

from cio_tui.tui.walkthrough_requests import ExportChecklist
from cio_tui.tui.widgets.walkthrough_base import StepPanel
from cio_tui.tui.widgets.walkthrough_ticklist import TickList
from cio_tui.walkthrough.steps import step_by_key

if TYPE_CHECKING:
    from cio_tui.walkthrough.service import Overview


class ChecklistPanel(StepPanel):
    STEP = step_by_key("prepare").number

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._why: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="wt-check-summary", classes="wt-result", markup=False)
        yield TickList(id="wt-checklist")
        yield Static("", id="wt-check-why", classes="wt-hint", markup=False)
        with Horizontal(classes="wt-field"):
            yield Input(placeholder="checklist.md", id="wt-check-path", compact=True)
            yield Button("Export Markdown", id="wt-check-export", compact=True)

    def show(self, overview: Overview) -> None:
        items = overview.checklist
        ticked = {key for key, value in overview.state.checklist.items() if value}
        done = sum(1 for item in items if item.key in ticked)
        self.query_one("#wt-check-summary", Static).update(
            f"{done} of {len(items)} ticked. Enter or space ticks the highlighted item; why it is there shows below."
        )
        self._why = {item.key: item.why for item in items}
        tick_list = self.query_one("#wt-checklist", TickList)
        tick_list.set_items([(item.key, f"{item.category}: {item.title}") for item in items], ticked)
        self._show_why(tick_list.highlighted)

    def _show_why(self, index: int | None) -> None:
        keys = self.query_one("#wt-checklist", TickList).keys
        key = keys[index] if index is not None and 0 <= index < len(keys) else None
        self.query_one("#wt-check-why", Static).update(f"Why: {self._why[key]}" if key in self._why else "")

    @on(OptionList.OptionHighlighted, "#wt-checklist")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_why(event.option_index)

    @on(TickList.Toggled, "#wt-checklist")
    def _toggled(self, event: TickList.Toggled) -> None:
        self.record(checklist=dict.fromkeys(sorted(event.tick_list.ticked), True))

    @on(Button.Pressed, "#wt-check-export")
    @on(Input.Submitted, "#wt-check-path")
    def _export(self) -> None:
        path = self.query_one("#wt-check-path", Input).value.strip() or "checklist.md"
        self.request_task(ExportChecklist(path))
