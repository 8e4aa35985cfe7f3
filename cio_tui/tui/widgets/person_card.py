"""The identity card of one person, in tabs: overview, attributes (filterable), activity, segments and devices,
how Segment identifies would resolve to them (``PersonSegmentPane``, filled by the screen), plus the lookup
history. Filled by ``show(card, now)``; it never does IO."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from cio_tui.identity.card import IdentityCard
from cio_tui.tui.viewmodels.activity import FLAGGED, activity_detail, ago, when
from cio_tui.tui.widgets.fit_table import Col, FitTable
from cio_tui.tui.widgets.pass_styles import PassStyledTable
from cio_tui.tui.widgets.person_segment import PersonSegmentPane

EMPTY_HINT = (
    "Nobody shown yet. Press / to type in the lookup box above, then enter:\n"
    "  a cio_id      cio_a3000001  (or a3000001 with the kind set to cio_id)\n"
    "  an id         u0000001\n"
    "  an email      eva.meyer1@umbrella.test\n"
    "The kind is detected from the text; choose it in the list to override."
)


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    text: str
    kind: str | None
    outcome: str

    def label(self) -> str:
        kind = self.kind or "auto"
        return f"{self.at.strftime('%H:%M:%S UTC')}  {self.text}  ({kind})  {self.outcome}"


def _table(table_id: str, *columns: str) -> PassStyledTable:
    table = PassStyledTable(id=table_id, cursor_type="row", zebra_stripes=True)
    table.add_columns(*columns)
    return table


class ActivityTable(FitTable):
    """Recent activity: when and what kind whole, the detail cut with "…" (whole in the line under the table and
    in the tooltip of the cell)."""

    FIT_COLUMNS = (
        Col("when", "When", priority=1, min=16),
        Col("type", "Type", priority=1, min=8),
        Col("detail", "Detail", priority=2, min=12),
    )


class PersonCardTabs(Vertical):
    """Tabs of the card. Posts ``HistoryChosen`` when a history entry is picked."""

    @dataclass
    class HistoryChosen(Message):
        entry: HistoryEntry

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.card: IdentityCard | None = None
        self.history: list[HistoryEntry] = []
        self._activity_text = ""  # what #activity-detail shows

    def compose(self) -> ComposeResult:
        with TabbedContent(id="card-tabs"):
            with TabPane("Overview", id="tab-overview"):
                yield Static(EMPTY_HINT, id="card-empty", markup=False)
                yield Static("", id="card-attention", markup=False)
                yield _table("overview-table", "Field", "Value")
            with TabPane("Attributes", id="tab-attributes"):
                yield Input(placeholder="Filter attributes by name or value", id="attr-filter")
                yield _table("attr-table", "Attribute", "Value")
            with TabPane("Activity", id="tab-activity"):
                yield ActivityTable(id="activity-table")
                yield Static("", id="activity-detail", markup=False)
            with TabPane("Segments & devices", id="tab-segments"):
                yield _table("segments-table", "Segment", "Type", "Description")
                yield _table("devices-table", "Device", "Platform", "Last used")
            with TabPane("Segment", id="tab-segment"):
                yield PersonSegmentPane(id="person-segment")
            with TabPane("History", id="tab-history"):
                yield OptionList(id="history-list")

    @property
    def active(self) -> str:
        return self.query_one(TabbedContent).active

    @active.setter
    def active(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def on_mount(self) -> None:
        self.query_one("#overview-table").display = False
        self.query_one("#card-attention").display = False

    # -- filling ---------------------------------------------------------------------------------------
    def show(self, card: IdentityCard, now: datetime) -> None:
        self.card = card
        self.query_one("#card-empty").display = False
        overview = self.query_one("#overview-table", DataTable)
        overview.display = True
        overview.clear()
        for field, value in overview_rows(card, now):
            overview.add_row(field, value)
        attention = self.query_one("#card-attention", Static)
        attention.update(attention_text(card))
        attention.display = bool(card.flagged)
        self._fill_attributes(self.query_one("#attr-filter", Input).value)
        activity = self.query_one(ActivityTable)
        activity.clear()
        for n, a in enumerate(card.activities):
            flag = FLAGGED.get(a.type)
            kind = Text(f"! {flag}", style="bold") if flag else Text(a.type)
            activity.add_row(when(a.timestamp), kind, activity_detail(a), key=str(n))
        self._show_activity()
        segments = self.query_one("#segments-table", DataTable)
        segments.clear()
        for s in card.segments:
            segments.add_row(s.name, s.type or "", s.description or "")
        devices = self.query_one("#devices-table", DataTable)
        devices.clear()
        for d in card.person.devices:
            devices.add_row(d.id, d.platform or "", when(d.last_used) if d.last_used else "unknown")

    def clear_card(self) -> None:
        self.card = None
        self.query_one("#card-empty").display = True
        self.query_one("#overview-table").display = False
        self.query_one("#card-attention").display = False
        for table_id in ("#overview-table", "#attr-table", "#activity-table", "#segments-table", "#devices-table"):
            self.query_one(table_id, DataTable).clear()
        self._show_activity()

    @on(DataTable.RowHighlighted, "#activity-table")
    def _show_activity(self) -> None:
        """The highlighted activity whole, wrapped (its detail is cut in the table at 80 columns)."""
        table = self.query_one(ActivityTable)
        text = ""
        if self.card is not None and 0 <= table.cursor_row < len(self.card.activities):
            a = self.card.activities[table.cursor_row]
            text = f"{when(a.timestamp)} · {FLAGGED.get(a.type, a.type)}: {activity_detail(a)}"
        if text != self._activity_text:  # the table's own RowHighlighted after a new card: no second layout pass
            self._activity_text = text
            self.query_one("#activity-detail", Static).update(text)

    def _fill_attributes(self, needle: str) -> None:
        table = self.query_one("#attr-table", DataTable)
        table.clear()
        if self.card is None:
            return
        needle = needle.strip().lower()
        for name, value in sorted(self.card.person.attributes.items()):
            if not needle or needle in name.lower() or needle in str(value).lower():
                table.add_row(name, value)

    @on(Input.Changed, "#attr-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill_attributes(event.value)

    # -- history ---------------------------------------------------------------------------------------
    def add_history(self, entry: HistoryEntry) -> None:
        self.history.insert(0, entry)
        options = self.query_one("#history-list", OptionList)
        options.clear_options()
        options.add_options(Option(e.label(), id=str(i)) for i, e in enumerate(self.history))

    @on(OptionList.OptionSelected, "#history-list")
    def _history_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.HistoryChosen(self.history[int(event.option.id or 0)]))


def overview_rows(card: IdentityCard, now: datetime) -> list[tuple[str, str | Text]]:
    p = card.person
    no_id = "(none: a lead, known by email only)" if p.email else "(none)"
    rows: list[tuple[str, str | Text]] = [
        ("cio_id", f"cio_{p.cio_id}"),
        ("id", p.id or no_id),
        ("email", p.email or "(none)"),
        ("created", f"{when(p.created_at)} ({ago(p.created_at, now)})" if p.created_at else "unknown"),
        ("subscription", "UNSUBSCRIBED" if p.unsubscribed else "subscribed"),
        ("attributes", card.attributes_count),
        ("segments", ", ".join(s.name for s in card.segments) or "none"),
        ("devices", ", ".join(f"{d.id} ({d.platform or '?'})" for d in p.devices) or "none"),
    ]
    counts = {label: sum(1 for a in card.flagged if FLAGGED[a.type] == label) for label in FLAGGED.values()}
    if card.flagged:
        summary = ", ".join(f"{n} {label}" for label, n in counts.items() if n) + " (see above and Activity)"
        rows.append(("attention", summary))
    else:
        rows.append(("attention", "none in recent activity"))
    return rows


def attention_text(card: IdentityCard) -> str:
    """The flagged activities in words, one per line (shown above the overview when there are any)."""
    return "\n".join(f"! {FLAGGED[a.type]} on {when(a.timestamp)}: {activity_detail(a)}" for a in card.flagged)


__all__ = ["EMPTY_HINT", "HistoryEntry", "PersonCardTabs", "attention_text", "overview_rows"]
