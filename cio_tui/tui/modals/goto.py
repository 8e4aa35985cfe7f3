"""``g``: pick an area by name (the same list as the area bar, for keyboards and screen readers)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from cio_tui.tui.areas import AREAS


class GoToModal(ModalScreen[str | None]):
    """Dismisses with the chosen area's mode name, or ``None``."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="goto.cancel", tooltip="Stay on this screen"),
        *(
            Binding(a.key, f"choose('{a.mode}')", a.title, show=False, id=f"goto.{a.mode}", tooltip=f"Go to {a.title}")
            for a in AREAS
        ),
    ]

    def __init__(self, current: str | None = None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-dialog", classes="dialog"):
            yield Label("Go to area", classes="dialog-title")
            yield OptionList(*(Option(f"{a.key}  {a.title}", id=a.mode) for a in AREAS), id="goto-list")
            yield Label("a number or enter opens · escape cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current:
            options.highlighted = options.get_option_index(self.current)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_choose(self, mode: str) -> None:
        self.dismiss(mode)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["GoToModal"]
