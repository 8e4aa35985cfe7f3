"""Yes/no confirmation: ``y`` confirms, ``n`` or ``escape`` cancels; the safe button (No) has focus first.

Title and body are plain text, never markup (names and ids may hold ``[``); pass a ``rich.text.Text`` for styles.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


def _plain(text: str | Text) -> Text:
    return Text(text) if isinstance(text, str) else text


class ConfirmModal(ModalScreen[bool]):
    """Ask before something that cannot be undone. Dismisses with ``True`` only on an explicit yes."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes", tooltip="Confirm"),
        Binding("n", "answer(False)", "No", id="confirm.no", tooltip="Cancel"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel", tooltip="Cancel"),
        Binding("left,right", "app.focus_previous", show=False),
    ]

    def __init__(self, title: str | Text, body: str | Text, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.title_text = title
        self.body_text = body
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(_plain(self.title_text), classes="dialog-title", markup=False)
            yield Static(_plain(self.body_text), classes="dialog-body", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error")
                yield Button(f"{self.no_label} (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


__all__ = ["ConfirmModal"]
