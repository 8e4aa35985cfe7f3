"""``?`` help for the current screen: what it is for, then every key (generated, see ``cio_tui.tui.help``)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from cio_tui.tui.help import HelpRow

LETTERS = (
    "Letter keys are actions only while focus is on a table, list, tab or button. In a text field they are text "
    "(escape leaves it); on a screen waiting for you to type (an empty lookup, an empty editor) and when nothing "
    'has focus, they go to its main field. The footer\'s ▸ says which: "▸ changes table" (actions) or '
    '"▸ person: typing" (text). ctrl+q quits from anywhere.'
)


def _table(rows: list[HelpRow]) -> Table:
    table = Table(box=None, expand=True, show_header=True, pad_edge=False, header_style="bold")
    table.add_column("Key", no_wrap=True, ratio=1)
    table.add_column("Does", ratio=3)
    section = None
    for row in rows:
        if row.section != section:
            if section is not None:
                table.add_row("", "")
            # the heading may wrap in the narrow key column (80 columns): cut, it read "Moving around (ev…"
            table.add_row(Text(row.section, style="bold underline", no_wrap=False, overflow="fold"), "")
            section = row.section
        table.add_row(Text(row.keys, style="bold"), Text(row.does))
    return table


class HelpModal(ModalScreen[None]):
    """Help for one screen. Closes with escape, ``q`` or ``?``."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close", tooltip="Back to the screen"),
    ]

    def __init__(self, title: str, about: str, rows: list[HelpRow]) -> None:
        super().__init__()
        self.help_title = title
        self.about = about
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label(f"Help: {self.help_title}", classes="dialog-title")
            with VerticalScroll(id="help-body"):
                if self.about:
                    yield Static(self.about, id="help-about")
                yield Static(LETTERS, id="help-letters", markup=False)
                yield Static(_table(self.rows), id="help-keys")
            yield Label("escape, q or ? closes this help", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["HelpModal"]
