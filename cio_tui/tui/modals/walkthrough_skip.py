"""Ask why a walkthrough step is skipped (a skipped step always has a reason)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class SkipStepModal(ModalScreen[str | None]):
    """Dismisses with the reason, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="skip.cancel", tooltip="Do not skip the step")]

    def __init__(self, number: int, title: str) -> None:
        super().__init__()
        self.number = number
        self.step_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="skip-dialog", classes="dialog"):
            yield Label(f"Skip step {self.number}: {self.step_title}?", classes="dialog-title")
            yield Static("Say why it does not apply; the reason goes into the report.", classes="dialog-body")
            yield Input(placeholder="reason", id="skip-reason")
            yield Static("", id="skip-error", classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Skip step", id="skip-yes", variant="warning")
                yield Button("Cancel", id="skip-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#skip-reason", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#skip-no")
    def _no(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#skip-yes")
    @on(Input.Submitted, "#skip-reason")
    def _yes(self) -> None:
        reason = self.query_one("#skip-reason", Input).value.strip()
        if not reason:
            self.query_one("#skip-error", Static).update("A skipped step needs a reason.")
            return
        self.dismiss(reason)


__all__ = ["SkipStepModal"]
