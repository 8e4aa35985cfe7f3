"""The card's Segment tab: shows how each identify an app realistically sends would resolve to the person shown
(rows from ``identity.person_segment.resolve_scenarios``; no IO here) and posts ``PreviewWanted`` when one is
chosen (enter).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cio_tui.identity.person_segment import Scenario, SegmentRow

EMPTY = "Look someone up: this tab then shows how each Segment identify would resolve to them."


class PersonSegmentPane(Vertical):
    """Rows grouped by call: the call, then one line per destination; enter opens the call in Preview."""

    @dataclass
    class PreviewWanted(Message):
        text: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.rows: list[SegmentRow] = []

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="segment-note", markup=False)
        yield OptionList(id="segment-list")
        yield Static("", id="segment-detail", markup=False)

    def on_mount(self) -> None:
        self.query_one("#segment-list").display = False

    def show_text(self, text: str) -> None:
        self.rows = []
        self.query_one("#segment-note", Static).update(text)
        self.query_one("#segment-list").display = False
        self.query_one("#segment-detail", Static).update("")

    def show(self, rows: list[SegmentRow], note: str) -> None:
        self.rows = rows
        self.query_one("#segment-note", Static).update(note)
        options = self.query_one("#segment-list", OptionList)
        options.clear_options()
        last: Scenario | None = None
        for i, row in enumerate(rows):
            if row.scenario is not last:
                last = row.scenario
                header = Text(f"{row.scenario.label}: {row.scenario.text}", style="bold")
                header.append(f"  ! {', '.join(row.warnings)}" if row.warnings else "  no warnings", style="italic")
                options.add_option(Option(header, id=f"call-{i}"))
            options.add_option(Option(Text.assemble(f"  {row.destination:<8}", (row.words, "bold")), id=f"row-{i}"))
        options.display = True
        options.highlighted = 0 if rows else None
        self._detail(0)

    def lines(self) -> list[str]:
        """The rows as plain text: ``label | destination | words | codes`` (tests, copy)."""
        return [f"{r.scenario.label} | {r.destination} | {r.words} | {', '.join(r.warnings)}" for r in self.rows]

    def highlighted_text(self) -> str | None:
        """The call of the highlighted row (what enter would open in Preview), or None."""
        options = self.query_one("#segment-list", OptionList)
        if not self.rows or options.highlighted is None:
            return None
        return self.rows[self._row_index(options.get_option_at_index(options.highlighted))].scenario.text

    def _detail(self, index: int, *, call: bool = True) -> None:
        detail = self.query_one("#segment-detail", Static)
        if not self.rows:
            detail.update("")
            return
        row = self.rows[index]
        if call:
            said = " ".join(row.explanations) if row.explanations else "No migration warning for this call."
        else:
            said = f"{row.destination}: {row.detail}"
        detail.update(f"{said} Enter opens this call in Preview.")

    def _row_index(self, option: Option) -> int:
        return int((option.id or "row-0").split("-", 1)[1])

    @on(OptionList.OptionHighlighted, "#segment-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._detail(self._row_index(event.option), call=(event.option.id or "").startswith("call-"))

    @on(OptionList.OptionSelected, "#segment-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.PreviewWanted(self.rows[self._row_index(event.option)].scenario.text))


__all__ = ["PersonSegmentPane"]
