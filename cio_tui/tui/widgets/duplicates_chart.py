"""A small text bar chart of the groups by rule and by size (numbers always printed beside the bars)."""

from __future__ import annotations

from textual.widgets import Static

BAR = 10  # widest bar, in cells


def bar_lines(title: str, items: list[tuple[str, int]], *, label_width: int = 18) -> list[str]:
    top = max((n for _, n in items), default=0)
    lines = [title]
    for label, n in items:
        cells = round(BAR * n / top) if top else 0
        if n and not cells:
            cells = 1
        lines.append(f"{label[:label_width]:<{label_width}} {'█' * cells:<{BAR}} {n:,}")
    return lines


RULE_LABELS = {
    "same_email": "same email",
    "lead_and_id_person": "lead + id person",
    "email_as_id": "id is an email",
    "case_variant_id": "ids differ in case",
    "shared_anonymous_id": "anonymous_id",
}


def chart_text(by_rule: list[tuple[str, int]], by_size: list[tuple[str, int]]) -> str:
    rules = [(RULE_LABELS.get(name, name), n) for name, n in by_rule]
    return "\n".join([*bar_lines("Groups by rule", rules), *bar_lines("Groups by size", by_size)])


class DuplicatesChart(Static):
    DEFAULT_CSS = """
    DuplicatesChart { width: auto; height: auto; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, markup=False)

    def show(self, by_rule: list[tuple[str, int]], by_size: list[tuple[str, int]]) -> None:
        self.update(chart_text(by_rule, by_size))
