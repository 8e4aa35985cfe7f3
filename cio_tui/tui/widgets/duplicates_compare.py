"""Side-by-side compare of one group's members: a column per person (the primary first, marked PRIMARY), a row per
field (identifiers, created, then every attribute), and a last column that says in words which values conflict and
what the merge does with them. Below it, why the people are one group and why this primary."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from cio_tui.identity.duplicates.models import DuplicateGroup, Member, format_ts
from cio_tui.tui.viewmodels.duplicates_model import state_word

MAX_MEMBERS = 6  # columns shown; a bigger group says how many are left out


def _value(m: Member, name: str) -> str:
    if name == "cio_id":
        return f"cio_{m.cio_id}" if m.cio_id else "(none)"
    if name == "id":
        return m.id or ""
    if name == "email":
        return m.email or ""
    if name == "created":
        return format_ts(m.created_at)
    return m.attributes.get(name, "")


def conflict_word(name: str, values: list[str]) -> str:
    """In words: do the members disagree on this field, and what does the merge keep."""
    if name in ("cio_id", "created"):
        return ""
    present = [v for v in values if v]
    distinct = {v.strip().lower() if name == "email" else v for v in present}
    if len(distinct) <= 1:
        if len(present) > 1:
            return "same"
        return "filled from a secondary" if present and not values[0] else ""
    if name == "id":
        return "CONFLICT: other ids dropped"
    if not values[0]:
        return "CONFLICT: one is kept"
    return "CONFLICT: primary's kept"


def compare_rows(group: DuplicateGroup) -> tuple[list[str], list[list[str]]]:
    """(column titles, rows) of the compare table, without Textual."""
    members = group.members[:MAX_MEMBERS]
    titles = ["Field"]
    for n, m in enumerate(members):
        titles.append(("PRIMARY " if n == 0 else "secondary ") + (f"cio_{m.cio_id}" if m.cio_id else ""))
    titles.append("Conflict")
    names = ["cio_id", "id", "email", "created"]
    for m in group.members:
        names += [k for k in m.attributes if k not in names]
    rows = []
    for name in names:
        values = [_value(m, name) for m in members]
        rows.append([name, *values, conflict_word(name, values)])
    return titles, rows


class CompareTable(Static):
    """The compare as one Rich table in a fixed-size Static: cheap to redraw on every cursor move."""

    DEFAULT_CSS = """
    CompareTable { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id)
        self.titles: list[str] = []
        self.rows: list[list[str]] = []

    def show(self, group: DuplicateGroup | None) -> None:
        if group is None:
            self.titles, self.rows = [], []
            self.update("", layout=False)
            return
        self.titles, self.rows = compare_rows(group)
        table = Table(
            box=None,
            show_edge=False,
            pad_edge=False,
            expand=False,  # columns as wide as their values; a terminal too narrow wraps them instead
            header_style="bold",
        )
        # values wrap inside their column (an email or a conflict never ends cut): a long one takes two lines
        for n, title in enumerate(self.titles):
            table.add_column(title, overflow="fold", min_width=5 if n else None)
        for row in self.rows:
            table.add_row(*(Text(c, style="bold") if c.startswith("CONFLICT") else Text(c) for c in row))
        self.update(table, layout=False)  # fixed size: no layout pass on every cursor move


class GroupCompare(Vertical):
    """The compare table and the group's explanation."""

    DEFAULT_CSS = """
    GroupCompare { height: 50%; }
    GroupCompare > #dup-reason { height: 4; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield CompareTable(id="dup-compare")
        yield Static("", id="dup-reason", markup=False)

    def show(self, group: DuplicateGroup | None) -> None:
        if self.display != (group is not None):
            self.display = group is not None  # hidden while there is no group (more room for the table)
        self.query_one(CompareTable).show(group)
        text = ""
        if group is not None:
            extra = f" ({group.size - MAX_MEMBERS} more people not shown)" if group.size > MAX_MEMBERS else ""
            text = f"{state_word(group)}, {group.confidence.value} confidence{extra}. {group.reason}"
        self.query_one("#dup-reason", Static).update(text, layout=False)
