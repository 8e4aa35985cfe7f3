"""One journal entry in full: when, who, which operation, the request as sent (without credentials), the HTTP
status, and the before/after snapshots of the people it touched."""

from __future__ import annotations

import json

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from cio_tui.identity.journal import JournalEntry
from cio_tui.tui.widgets.plan_table import state_text


def _json(value: object) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def entry_text(entry: JournalEntry | None) -> Text:
    if entry is None:
        return Text("Select an entry to see its request, status and before/after snapshots.", style="italic")
    out = Text()
    out.append(f"Entry {entry.seq}", style="bold")
    out.append(f"  {entry.at:%Y-%m-%d %H:%M:%S} UTC  by {entry.operator}\n")
    out.append(f"Plan {entry.plan_id}  operation {entry.op_id or '(whole plan)'}  {entry.kind or ''}\n")
    out.append("State: ")
    out.append_text(state_text(entry.state, entry.detail or ""))
    out.append(f"\nHTTP status: {entry.status if entry.status is not None else '-'}\n")
    for title, value in (
        ("Request (credentials never stored)", entry.request),
        ("Before", entry.before),
        ("After", entry.after),
    ):
        out.append(f"\n{title}:\n", style="bold underline")
        out.append(_json(value) if value is not None else "(none recorded)")
        out.append("\n")
    return out


class JournalEntryDetail(VerticalScroll):
    """Scrollable full view of one entry."""

    DEFAULT_CSS = """
    JournalEntryDetail { height: 1fr; border: round $primary; padding: 0 1; }
    JournalEntryDetail > Static { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.border_title = "Entry details"
        self.entry: JournalEntry | None = None

    def compose(self) -> ComposeResult:
        yield Static(entry_text(None), id="journal-entry-text")

    def show(self, entry: JournalEntry | None) -> None:
        self.entry = entry
        self.query_one("#journal-entry-text", Static).update(entry_text(entry))
        self.scroll_home(animate=False)
