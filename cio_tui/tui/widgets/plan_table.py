"""The operations table of a plan: one row per operation, what it changes (old -> new), what it loses, its state.

The table knows nothing about the engine: it shows ``PlanRow`` view models (built from a Plan by
``plan_rows.rows_from_plan``) and accepts state updates by operation key. States are always shown in words, with a
symbol in front, so nothing is conveyed by colour alone.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual.widgets.data_table import CellDoesNotExist

from cio_tui.tui.viewmodels.plan_states import PlanRow, state_words
from cio_tui.tui.widgets.fit_table import Col, FitTable

STATE_STYLES: dict[str, str] = {
    "done": "bold",
    "already_done": "bold",
    "reconciled": "bold",
    "failed": "bold reverse",
    "stale": "bold",
    "skipped_stale": "bold",
    "uncertain": "bold",
}


def state_text(state: str, detail: str = "") -> Text:
    return Text(state_words(state, detail), style=STATE_STYLES.get(state, ""))


# The change, its state and what it loses are shown whole first, then who the operation is about (its cio_id always
# whole: the column's minimum); the kind of operation gives way first. A cut value ends in "…", and the screen's
# detail pane shows the highlighted operation whole.
COLUMNS: tuple[Col, ...] = (
    Col("number", "#", priority=1, min=2),
    Col("kind", "Operation", priority=1, min=8),  # short ("assign id", "merge"): whole before the person
    Col("person", "Person", priority=2, min=14),
    Col("change", "Change (old -> new)", priority=1, min=14),
    Col("state", "State", priority=1, min=8),
    # "IRREVERSIBLE" or "nothing" whole; a long "old a, b, c" list gets what is left once the change is whole
    # (at 80 columns it used to take as much as the change and stay mostly empty on merge rows)
    Col("loses", "Loses", priority=1, min=7, want=len("IRREVERSIBLE")),
)


class PlanTable(FitTable):
    """Read-only table of plan operations; ``set_state`` updates one row in place."""

    DEFAULT_CSS = """
    PlanTable {
        height: 1fr;
        min-height: 5;
    }
    """

    FIT_COLUMNS = COLUMNS

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._rows: dict[str, PlanRow] = {}
        self._to_show: list[str] = []  # keys of rows not added to the table yet (a big plan is shown in chunks)

    @property
    def plan_rows(self) -> list[PlanRow]:
        return list(self._rows.values())

    def load(self, rows: list[PlanRow]) -> None:
        """Replace every row."""
        self.begin(rows)
        self.show_more(len(rows))

    def begin(self, rows: list[PlanRow]) -> None:
        """Take every row (states can be set on all of them at once) and show none yet: ``show_more`` adds them."""
        self.clear()
        self._rows = {row.key: row for row in rows}
        self._to_show = list(reversed(self._rows))

    def show_more(self, count: int) -> int:
        """Add the next ``count`` rows to the table (with their states now); returns how many are shown in all."""
        for _ in range(min(count, len(self._to_show))):
            row = self._rows[self._to_show.pop()]
            self.add_row(*self._cells(row), key=row.key)
        return self.shown

    @property
    def shown(self) -> int:
        return len(self._rows) - len(self._to_show)

    @property
    def complete(self) -> bool:
        """Every row of the plan is in the table (an apply only ever follows a complete review)."""
        return not self._to_show

    def set_state(self, key: str, state: str, detail: str = "") -> None:
        """Show a new state (and optional reason) for one operation; unknown keys are ignored."""
        row = self._rows.get(key)
        if row is None:
            return
        row = replace(row, state=state, detail=detail)
        self._rows[key] = row
        if key in self.rows:  # a row not shown yet takes its state when it is added
            self.update_cell(key, "state", state_text(state))

    def sync_states(self, states: dict[str, str], only: tuple[str, ...] = ("checked", "sent", "pending")) -> None:
        """Show the states in ``states`` (op_id -> state) that are in ``only`` and differ from the row's."""
        for key, state in states.items():
            row = self._rows.get(key)
            if row is not None and row.state != state and state in only:
                self.set_state(key, state)

    def queue_unfinished(self, detail: str) -> None:
        """Mark every operation not done yet as pending (an apply is starting)."""
        for row in list(self._rows.values()):
            if row.state not in ("done", "reconciled"):
                self.set_state(row.key, "pending", detail)

    def progressed(self) -> dict[str, str]:
        """States an apply left (everything but planned / checked-only rows), for resuming."""
        untouched = ("planned", "fresh", "stale", "already_done")
        return {r.key: r.state for r in self._rows.values() if r.state not in untouched}

    def row_for(self, key: str) -> PlanRow | None:
        return self._rows.get(key)

    @property
    def highlighted_row(self) -> PlanRow | None:
        if not self._rows or self.cursor_row < 0:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return self._rows.get(key or "")

    @staticmethod
    def _cells(row: PlanRow) -> tuple[object, ...]:
        # Text, not str: a str cell is read as markup, and people's values may hold square brackets.
        return (
            str(row.number),
            Text(row.kind),
            Text(row.person),
            Text(row.change),
            state_text(row.state),
            Text(row.loses),
        )
