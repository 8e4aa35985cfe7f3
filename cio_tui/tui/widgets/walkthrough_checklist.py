"""Step 6: the Prepare Actions checklist, each item checkable, exportable as Markdown."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from cio_tui.tui.widgets.walkthrough_base import StepPanel


class ChecklistPanel(StepPanel):
    STEP = 6

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._keys: list[str] = []
        self._checked: dict[str, bool] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="wt-check-summary", classes="wt-result")
        yield SelectionList[str](id="wt-checklist")
        with Horizontal(classes="wt-field"):
            yield Input(placeholder="checklist.md", id="wt-check-path", compact=True)
            yield Button("Export Markdown", id="wt-check-export", compact=True)

    def show(self, overview: Any) -> None:
        items = overview.checklist
        self._checked = dict(overview.state.checklist)
        done = sum(1 for item in items if self._checked.get(item.key))
        self.query_one("#wt-check-summary", Static).update(
            f"{done} of {len(items)} ticked. Space ticks the highlighted item; each says why it is on the list."
        )
        sl = self.query_one("#wt-checklist", SelectionList)
        keys = [item.key for item in items]
        with self.prevent(SelectionList.SelectedChanged):
            if keys != self._keys:
                highlighted = sl.highlighted
                sl.clear_options()
                sl.add_options(
                    Selection(f"{item.category}: {item.title}\n  {item.why}", item.key,
                              bool(self._checked.get(item.key)), id=item.key)
                    for item in items
                )
                self._keys = keys
                if highlighted is not None and keys:
                    sl.highlighted = min(highlighted, len(keys) - 1)
            else:
                for key in keys:
                    if self._checked.get(key):
                        sl.select(key)
                    else:
                        sl.deselect(key)

    @on(SelectionList.SelectedChanged, "#wt-checklist")
    def _changed(self, event: SelectionList.SelectedChanged) -> None:
        ticked = set(event.selection_list.selected)
        checklist = {key: key in ticked for key in self._keys if key in ticked or self._checked.get(key)}
        self._checked = {k: v for k, v in checklist.items() if v}
        self.record(checklist=self._checked)

    @on(Button.Pressed, "#wt-check-export")
    @on(Input.Submitted, "#wt-check-path")
    def _export(self) -> None:
        path = self.query_one("#wt-check-path", Input).value.strip() or "checklist.md"
        self.task("export_checklist", path=path)
