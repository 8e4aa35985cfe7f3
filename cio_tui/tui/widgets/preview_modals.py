"""Preview dialogs: load sample calls or a saved set, and name a set of calls to save."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cio_tui.segment.callsets import CallSet
from cio_tui.segment.samples import SAMPLES, all_samples


def saved_when(stamp: str) -> str:
    """``2026-11-29T02:37:43+00:00`` -> ``saved 2026-11-29 02:37 UTC`` (the stamp as is when it is not ISO)."""
    try:
        when = datetime.fromisoformat(stamp).astimezone(UTC)
    except ValueError:
        return stamp
    return f"saved {when:%Y-%m-%d %H:%M} UTC"


class LoadCallsModal(ModalScreen[str | None]):
    """Pick sample calls (one per call type, or all six) or a saved set; dismisses with the text to load."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="preview_load.cancel", tooltip="Close without loading")]

    def __init__(self, saved: list[CallSet]) -> None:
        super().__init__()
        self.saved = saved
        self.texts: dict[str, str] = {f"sample-{kind}": text for kind, text in SAMPLES.items()}
        self.texts["sample-all"] = all_samples()
        self.texts |= {f"saved-{i}": s.text for i, s in enumerate(saved)}

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option(f"Sample: {kind}", id=f"sample-{kind}") for kind in SAMPLES]
        options.append(Option("Samples: all six call types", id="sample-all"))
        options.append(None)
        if self.saved:
            options += [
                Option(Text(f"Saved: {s.name} ({saved_when(s.saved_at)})"), id=f"saved-{i}")
                for i, s in enumerate(self.saved)
            ]
        else:
            options.append(Option("No saved sets yet (ctrl+s saves the editor's calls)", disabled=True))
        with Vertical(id="preview-load-dialog", classes="dialog"):
            yield Label("Load calls into the editor", classes="dialog-title")
            yield Static(
                "Enter loads the highlighted entry and replaces the editor's text; escape cancels.",
                classes="dialog-body",
            )
            yield OptionList(*options, id="preview-load-list")

    def on_mount(self) -> None:
        self.query_one("#preview-load-list", OptionList).focus()

    @on(OptionList.OptionSelected, "#preview-load-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.texts.get(event.option.id or ""))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SaveSetModal(ModalScreen[str | None]):
    """Ask for the name of the call set; dismisses with the name, or None on cancel."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="preview_save.cancel", tooltip="Close without saving")]

    def __init__(self, suggestion: str = "") -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(id="preview-save-dialog", classes="dialog"):
            yield Label("Save these calls as a set", classes="dialog-title")
            yield Static(
                "The Walkthrough replays saved sets to review the migration. A set with the same name is replaced.",
                classes="dialog-body",
            )
            yield Input(self.suggestion, placeholder="Name, e.g. Signup flow", id="preview-save-name")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#preview-save-name", Input).focus()

    @on(Input.Submitted, "#preview-save-name")
    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        name = self.query_one("#preview-save-name", Input).value.strip()
        if not name:
            self.notify("Type a name for the set first.", severity="warning")
            return
        self.dismiss(name)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
