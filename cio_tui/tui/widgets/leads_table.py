"""Table of leads: cio_id, email, the id attached to them, and that id's check in words."""

from __future__ import annotations

from rich.text import Text
from textual.widgets.data_table import CellDoesNotExist

from cio_tui.tui.viewmodels.leads_rows import Check, LeadRow
from cio_tui.tui.widgets.fit_table import Col, FitTable

CHECK_SYMBOLS = {"ok": "✓", "error": "✗", "merge": "⇄", "warning": "!", "unchecked": "·"}
CHECK_WORDS = {"ok": "ok", "error": "error", "merge": "merge proposal", "warning": "warning", "unchecked": "unchecked"}


def check_text(check: Check | None) -> Text:
    if check is None:
        return Text("no id attached", style="dim")
    symbol = CHECK_SYMBOLS.get(check.severity, "·")
    label = CHECK_WORDS.get(check.severity, check.severity)
    return Text(f"{symbol} {label}: {check.message}", style="bold" if check.severity in ("error", "merge") else "")


class LeadsTable(FitTable):
    """One row per lead; the row key is the lead's cio_id."""

    DEFAULT_CSS = """
    LeadsTable { height: 1fr; min-height: 4; }
    """

    FIT_COLUMNS = (
        Col("cio_id", "cio_id", priority=2, min=8),
        Col("email", "Email", priority=1, min=12),
        Col("new_id", "New id", priority=1, min=8),
        Col("check", "Check", priority=2, min=16),
    )

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.lead_rows: dict[str, LeadRow] = {}

    def load(self, rows: list[LeadRow]) -> None:
        """Replace the rows, keeping the cursor on the same lead when it is still shown."""
        current = self.highlighted
        self.clear()
        self.lead_rows = {r.cio_id: r for r in rows}
        for r in rows:
            self.add_row(Text(r.cio_id), Text(r.email), Text(r.new_id), check_text(r.check), key=r.cio_id)
        if current is not None and current.cio_id in self.lead_rows:
            self.move_cursor(row=self.get_row_index(current.cio_id))

    @property
    def highlighted(self) -> LeadRow | None:
        if not self.lead_rows:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return self.lead_rows.get(key or "")
