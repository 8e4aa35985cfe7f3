"""Journal tables: the plans the journal knows (with their progress in words) and one plan's entries.

Both show models from ``identity.journal`` (``PlanRecord``, ``JournalEntry``) handed in by the Journal screen,
which reads the journal in a worker. Statuses and filtering are view-model rules (``tui/viewmodels/journal_view.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.widgets.data_table import CellDoesNotExist

from cio_tui.identity.journal import JournalEntry, PlanRecord
from cio_tui.tui.viewmodels.journal_view import plan_status
from cio_tui.tui.widgets.fit_table import Col, FitTable
from cio_tui.tui.widgets.plan_table import state_text


def states_words(states: dict[str, int]) -> str:
    return ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(states.items())) or "-"


def _when(at: datetime | str | None) -> str:
    if at is None:
        return "-"
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    return at.strftime("%Y-%m-%d %H:%M:%S")


# Every cell is a rich ``Text``: a plain ``str`` cell is read as markup, so data holding ``[`` would show wrong.
class JournalPlansTable(FitTable):
    """One row per plan, newest first."""

    DEFAULT_CSS = """
    JournalPlansTable { height: 1fr; min-height: 4; }
    """

    FIT_COLUMNS = (
        Col("plan", "Plan", priority=1, min=10),
        Col("when", "Registered (UTC)", priority=2, min=10),
        Col("source", "Source", priority=2, min=8),
        Col("ops", "Ops", priority=1, min=3),
        Col("status", "Status", priority=1, min=8),
        Col("states", "Operations by state", priority=3, min=10),
    )

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.records: dict[str, PlanRecord] = {}

    def load(self, records: Sequence[PlanRecord]) -> None:
        self.clear()
        self.records = {r.plan_id: r for r in records}
        for r in records:
            status = plan_status(r)
            self.add_row(
                Text(r.plan_id),
                Text(_when(r.registered_at)),
                Text(r.source),
                Text(str(r.total)),
                Text(status, style="bold" if status == "interrupted" else ""),
                Text(states_words(r.states)),
                key=r.plan_id,
            )

    @property
    def highlighted(self) -> PlanRecord | None:
        if not self.records:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return self.records.get(key or "")


def _state_and_status(entry: JournalEntry) -> Text:
    text = state_text(entry.state)
    if entry.status is not None:
        text.append(f" · {entry.status}")
    return text


class JournalEntriesTable(FitTable):
    """The entries of one plan, in order."""

    DEFAULT_CSS = """
    JournalEntriesTable { height: 1fr; min-height: 4; }
    """

    # Five columns, not seven: at 80 columns the entries share the width with the detail pane, and the state with
    # its HTTP status must stay whole there (what was sent, and what came back); the kind and the detail, cut
    # first, are whole in the detail pane.
    FIT_COLUMNS = (
        Col("seq", "#", priority=1, min=2),
        Col("at", "Time", priority=2, min=8),
        Col("op", "Operation", priority=1, min=8),
        Col("state", "State · HTTP", priority=1, min=10),
        Col("what", "What", priority=3, min=4),
    )

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.entries: dict[str, JournalEntry] = {}

    def load(self, entries: Sequence[JournalEntry]) -> None:
        self.clear()
        self.entries = {str(e.seq): e for e in entries}
        for e in entries:
            self.add_row(
                Text(str(e.seq)),
                Text(_when(e.at)[11:]),
                Text(e.op_id or "(plan)"),
                _state_and_status(e),
                Text(" · ".join(part for part in (e.kind, e.detail) if part) or "-"),
                key=str(e.seq),
            )

    @property
    def highlighted(self) -> JournalEntry | None:
        if not self.entries:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return self.entries.get(key or "")
