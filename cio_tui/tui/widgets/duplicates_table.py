"""The groups table: one row per duplicate group (rank, confidence, rules, size, primary, state in words).

It holds one page of the model's matches at a time; when the cursor reaches the last row it asks for the next page
(``GroupsTable.NeedMore``), so it stays fast with tens of thousands of groups.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.coordinate import Coordinate
from textual.message import Message

from cio_tui.identity.duplicates.models import DuplicateGroup
from cio_tui.tui.viewmodels.duplicates_model import state_word
from cio_tui.tui.widgets.fit_table import Col, FitTable

# The primary (who is kept), the state and the size are shown whole first; the rules are cut first.
COLUMNS = (
    Col("confidence", "Conf.", priority=2, min=4),
    Col("state", "State", priority=1, min=8),
    Col("size", "N", priority=1, min=2),
    Col("rules", "Rules", priority=3, min=8),
    Col("primary", "Primary", priority=1, min=12),
)
SHORT = {
    "same_email": "same email",
    "lead_and_id_person": "lead+id",
    "email_as_id": "email id",
    "case_variant_id": "case id",
    "shared_anonymous_id": "anon id",
}


def _rules(group: DuplicateGroup) -> str:
    return ", ".join(SHORT.get(r, r) for r in group.rules)


def _primary(group: DuplicateGroup) -> str:
    m = group.primary_member
    return m.id or m.email or f"cio_{m.cio_id}"


def _cells(group: DuplicateGroup) -> tuple[str, ...]:
    """In COLUMNS order."""
    return group.confidence.value, state_word(group), str(group.size), _rules(group), _primary(group)


class GroupsTable(FitTable):
    """Row keys are positions ("r0", "r1"...); ``slots`` maps them to group indexes in the model."""

    DEFAULT_CSS = """
    GroupsTable { height: 1fr; min-height: 5; }
    """

    @dataclass
    class NeedMore(Message):
        table: GroupsTable

        @property
        def control(self) -> GroupsTable:
            return self.table

    FIT_COLUMNS = COLUMNS

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.slots: list[int] = []  # row position -> group index in the model (row keys are "r<position>")
        self.cells: list[tuple[str, ...]] = []  # row position -> the cells it shows (only changed cells are written)

    def show(self, rows: list[tuple[int, DuplicateGroup]]) -> None:
        """Show these rows (a new load or a new filter), reusing the existing rows: a filter keystroke only rewrites
        cells, so the table never re-measures or re-lays out (the costly part with many rows)."""
        keep = min(len(rows), self.row_count)
        for slot in range(keep):
            self._write(slot, *rows[slot])
        while self.row_count > len(rows):
            self.remove_row(f"r{self.row_count - 1}")
        del self.slots[len(rows) :]
        del self.cells[len(rows) :]
        self.append(rows[keep:])
        if self.row_count:
            self.move_cursor(row=0, animate=False)

    def append(self, rows: list[tuple[int, DuplicateGroup]]) -> None:
        """Add rows at the end: (group index in the model, group)."""
        for i, g in rows:
            cells = _cells(g)
            self.add_row(*cells, key=f"r{len(self.slots)}")
            self.slots.append(i)
            self.cells.append(cells)

    def _write(self, slot: int, index: int, group: DuplicateGroup) -> None:
        """Rewrite only the cells whose text changes: each written cell clears the table's render caches."""
        self.slots[slot] = index
        cells, old = _cells(group), self.cells[slot]
        for col, value, before in zip(COLUMNS, cells, old, strict=True):
            if value != before:
                self.update_cell(f"r{slot}", col.key, value)
        self.cells[slot] = cells

    def refresh_group(self, index: int, group: DuplicateGroup) -> None:
        """Redraw one group's row after a choice (primary, exclusion, forcing)."""
        for slot, i in enumerate(self.slots):
            if i == index:
                self._write(slot, index, group)

    @property
    def highlighted_index(self) -> int | None:
        row = self.cursor_coordinate.row
        return self.slots[row] if self.row_count and 0 <= row < len(self.slots) else None

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if new != old and self.row_count > 1 and new.row == self.row_count - 1:  # moved onto the last row
            self.post_message(self.NeedMore(self))
