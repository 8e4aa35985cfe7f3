"""Ask where and how to export the journal: a path, JSONL or CSV, the highlighted plan or the whole journal. Escape
cancels (``None``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

FORMATS = ("jsonl", "csv")
FORMAT_WORDS = {"jsonl": "JSONL (one entry per line)", "csv": "CSV (spreadsheet)"}
CHOSEN = " (chosen)"


def format_label(fmt: str, chosen: bool) -> Text:
    """A radio button's words; the chosen one says so, not by colour alone (both show the same ● glyph)."""
    return Text(FORMAT_WORDS[fmt] + (CHOSEN if chosen else ""))


def chosen_words(fmt: str) -> str:
    return f"Format: {fmt.upper()}{CHOSEN}"


@dataclass(frozen=True)
class ExportChoice:
    path: Path
    format: str  # "jsonl" | "csv"
    plan_id: str | None  # None = every plan


def default_path(directory: Path, fmt: str, plan_id: str | None) -> Path:
    return directory / f"journal-{plan_id or 'all'}.{fmt}"


class ExportJournalModal(ModalScreen[ExportChoice | None]):
    """Path prompt for a journal export; checks the path is writable-looking before closing."""

    DEFAULT_CSS = """
    ExportJournalModal { align: center middle; }
    ExportJournalModal > #export-box {
        width: 80; max-width: 100%; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    ExportJournalModal #export-title { text-style: bold; }
    /* one choice a line: side by side, "this plan (…) (chosen)" and "the whole journal" were cut at 80 columns */
    ExportJournalModal RadioSet { width: 1fr; height: auto; layout: vertical; margin: 1 0 0 0; }
    ExportJournalModal #export-error { color: $text-error; height: auto; width: 1fr; }
    ExportJournalModal #export-buttons { height: auto; margin: 1 0 0 0; align-horizontal: right; }
    ExportJournalModal #export-buttons Button { margin: 0 0 0 2; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", tooltip="Close without exporting", id="export.cancel")]

    def __init__(self, directory: Path, plan_id: str | None) -> None:
        super().__init__()
        self.directory = directory
        self.plan_id = plan_id

    def compose(self) -> ComposeResult:
        scope = f"plan {self.plan_id}" if self.plan_id else "every plan"
        with Vertical(id="export-box"):
            yield Label(Text(f"Export the journal of {scope}"), id="export-title", markup=False)
            if self.plan_id:  # the highlighted plan, or the whole journal (every plan, every entry)
                with RadioSet(id="export-scope"):
                    yield RadioButton(self._scope_label("plan", True), value=True, id="scope-plan")
                    yield RadioButton(self._scope_label("all", False), id="scope-all")
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(format_label(fmt, fmt == "jsonl"), value=fmt == "jsonl", id=f"fmt-{fmt}")
            yield Label(chosen_words("jsonl"), id="export-format-words", markup=False)
            yield Label("File to write (an existing file is replaced):", markup=False)
            yield Input(str(default_path(self.directory, "jsonl", self.plan_id)), id="export-path")
            yield Label("", id="export-error", markup=False)
            with Horizontal(id="export-buttons"):
                yield Button("Cancel", id="export-no")
                yield Button("Export", id="export-yes", variant="primary")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#export-path", Input))  # now: keys typed with the one that opened it follow

    async def on_key(self, event: events.Key) -> None:
        """Keys sent with the one that opened this dialog, handed on by the screen below (``FocusModel``), reach
        this screen itself: they go into the path field, in order."""
        field = self.query_one("#export-path", Input)
        if self.focused is not field:
            return
        event.stop()
        event.prevent_default()
        if event.is_printable:
            await field._on_key(events.Key(event.key, event.character))  # Textual is pinned exactly
        else:
            await self.app._check_bindings(event.key)  # Textual is pinned exactly

    @property
    def scope_plan(self) -> str | None:
        """The plan to export, or None for the whole journal."""
        if not self.plan_id:
            return None
        pressed = self.query_one("#export-scope", RadioSet).pressed_button
        return None if pressed is not None and pressed.id == "scope-all" else self.plan_id

    def _scope_label(self, scope: str, chosen: bool) -> Text:
        words = f"this plan ({(self.plan_id or '')[:12]})" if scope == "plan" else "the whole journal (every plan)"
        return Text(words + (CHOSEN if chosen else ""))  # the choice in words, not by colour alone

    @on(RadioSet.Changed, "#export-scope")
    def _scope_changed(self) -> None:
        plan_id = self.scope_plan
        for scope in ("plan", "all"):
            chosen = (scope == "plan") == (plan_id is not None)
            self.query_one(f"#scope-{scope}", RadioButton).label = self._scope_label(scope, chosen)
        scope = f"plan {plan_id}" if plan_id else "every plan"
        self.query_one("#export-title", Label).update(Text(f"Export the journal of {scope}"))
        path_input = self.query_one("#export-path", Input)
        old = {default_path(self.directory, self.fmt, p).name for p in (self.plan_id, None)}
        if Path(path_input.value).name in old:  # the default name follows the scope; a typed one is kept
            path_input.value = str(default_path(self.directory, self.fmt, plan_id))

    @property
    def fmt(self) -> str:
        pressed = self.query_one("#export-format", RadioSet).pressed_button
        return "csv" if pressed is not None and pressed.id == "fmt-csv" else "jsonl"

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self) -> None:
        fmt = self.fmt
        self.query_one("#export-format-words", Label).update(chosen_words(fmt))  # not by colour alone
        for name in FORMATS:
            self.query_one(f"#fmt-{name}", RadioButton).label = format_label(name, name == fmt)
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        if path.suffix.lstrip(".") in FORMATS:
            path_input.value = str(path.with_suffix("." + self.fmt))

    def _choice(self) -> ExportChoice | None:
        raw = self.query_one("#export-path", Input).value.strip()
        error = self.query_one("#export-error", Label)
        if not raw:
            error.update("Type a file path, or press Escape to cancel.")
            return None
        path = Path(raw).expanduser()
        if not path.is_absolute():
            path = self.directory / path
        if path.is_dir():
            error.update(Text(f"{path} is a folder; add a file name such as journal.{self.fmt}."))
            return None
        if not path.parent.is_dir():
            error.update(Text(f"The folder {path.parent} does not exist; create it or choose another path."))
            return None
        return ExportChoice(path=path, format=self.fmt, plan_id=self.scope_plan)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-yes")
    def _export(self) -> None:
        choice = self._choice()
        if choice is not None:
            self.dismiss(choice)

    @on(Button.Pressed, "#export-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
