"""The groups table: one row per duplicate group (rank, confidence, rules, size, primary, state in words).

It holds one page of the model's matches at a time; when the cursor reaches the last row it asks for the next page
(``GroupsTable.NeedMore``), so it stays fast with tens of thousands of groups.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

from cio_tui.identity.duplicates.models import DuplicateGroup
from cio_tui.tui.widgets.duplicates_model import state_word

COLUMNS = (("Conf.", "confidence", 6), ("State", "state", 12), ("N", "size", 3), ("Rules", "rules", 15),
           ("Primary", "primary", 12))
SHORT = {"same_email": "same email", "lead_and_id_person": "lead+id", "email_as_id": "email id",
         "case_variant_id": "case id", "shared_anonymous_id": "anon id"}


def _rules(group: DuplicateGroup) -> str:
    return ", ".join(SHORT.get(r, r) for r in group.rules)


def _primary(group: DuplicateGroup) -> str:
    m = group.primary_member
    return m.id or m.email or f"cio_{m.cio_id}"


class GroupsTable(DataTable):
    """Row keys are the group's index in the model (as text)."""

    DEFAULT_CSS = """
    GroupsTable { height: 1fr; min-height: 5; }
    """

    @dataclass
    class NeedMore(Message):
        table: GroupsTable

        @property
        def control(self) -> GroupsTable:
            return self.table

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        for label, key, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, rows: list[tuple[int, DuplicateGroup]]) -> None:
        """Replace every row (a new load or a new filter)."""
        self.clear()
        self.append(rows)

    def append(self, rows: list[tuple[int, DuplicateGroup]]) -> None:
        """Add rows: (group index in the model, group); the row key is the index."""
        for i, g in rows:
            self.add_row(g.confidence.value, state_word(g), str(g.size), _rules(g), _primary(g), key=str(i))

    def refresh_group(self, index: int, group: DuplicateGroup) -> None:
        """Redraw one group's row after a choice (primary, exclusion, forcing)."""
        key = str(index)
        if key in self.rows:
            self.update_cell(key, "primary", _primary(group))
            self.update_cell(key, "state", state_word(group))

    @property
    def highlighted_index(self) -> int | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return int(key) if key is not None else None

    def watch_cursor_coordinate(self, old, new) -> None:  # type: ignore[no-untyped-def]
        super().watch_cursor_coordinate(old, new)
        if self.row_count and new.row >= self.row_count - 1:
            self.post_message(self.NeedMore(self))
