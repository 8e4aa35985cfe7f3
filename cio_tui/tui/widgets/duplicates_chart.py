"""A small text bar chart of the groups by rule and by size (numbers always printed beside the bars)."""

from __future__ import annotations

from textual.widgets import Static

BAR = 10  # widest bar, in cells
NARROW = 100  # terminal columns under which the chart is compact: the groups table needs the room (80x24)


def bar_lines(title: str, items: list[tuple[str, int]], *, label_width: int = 18, bar: int = BAR) -> list[str]:
    top = max((n for _, n in items), default=0)
    lines = [title]
    for label, n in items:
        cells = round(bar * n / top) if top else 0
        if n and not cells:
            cells = 1
        lines.append(f"{label[:label_width]:<{label_width}} {'█' * cells:<{bar}} {n:,}")
    return lines


RULE_LABELS = {
    "same_email": "same email",
    "lead_and_id_person": "lead + id person",
    "email_as_id": "id is an email",
    "case_variant_id": "ids differ in case",
    "shared_anonymous_id": "anonymous_id",
}


# the groups table's own short words, so the compact chart and the table's Rules column read alike
SHORT_LABELS = {
    "same_email": "same email",
    "lead_and_id_person": "lead+id",
    "email_as_id": "email id",
    "case_variant_id": "case id",
    "shared_anonymous_id": "anon id",
}


def chart_text(by_rule: list[tuple[str, int]], by_size: list[tuple[str, int]], *, compact: bool = False) -> str:
    """The two charts; ``compact`` (a narrow terminal): short labels and bars, so the table keeps its columns."""
    if not compact:
        rules = [(RULE_LABELS.get(name, name), n) for name, n in by_rule]
        return "\n".join([*bar_lines("Groups by rule", rules), *bar_lines("Groups by size", by_size)])
    rules = [(SHORT_LABELS.get(name, name), n) for name, n in by_rule]
    sizes = [(label.replace(" people", ""), n) for label, n in by_size]
    return "\n".join(
        [*bar_lines("By rule", rules, label_width=10, bar=5), *bar_lines("By size", sizes, label_width=10, bar=5)]
    )


class DuplicatesChart(Static):
    DEFAULT_CSS = """
    DuplicatesChart { width: auto; height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, markup=False)

    _data: tuple[list[tuple[str, int]], list[tuple[str, int]]] = ([], [])
    _compact = False

    def show(self, by_rule: list[tuple[str, int]], by_size: list[tuple[str, int]]) -> None:
        self._data = (by_rule, by_size)
        self._compact = self.app.size.width < NARROW
        self.update(chart_text(by_rule, by_size, compact=self._compact))

    def terminal_resized(self, width: int) -> None:
        """Compact below ``NARROW`` columns, full above (called by the screen on a resize)."""
        if (width < NARROW) != self._compact:
            self.show(*self._data)
