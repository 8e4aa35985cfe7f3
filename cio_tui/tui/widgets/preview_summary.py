"""The Preview's summary of outcomes for a paste of many calls, and the filter to one kind of outcome.

The counting is ``segment.outcome_summary`` (no Textual); this is its one-line panel and the filter's order.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import Static

from cio_tui.segment.outcome_summary import GROUP_WORDS, only, summarize
from cio_tui.segment.preview import PreviewResult


def shown_calls(results: Sequence[PreviewResult], group: str | None) -> list[int]:
    """Indexes (from 0) of the calls a list shows: every call, or those with the outcome ``group``."""
    if group is None:
        return list(range(len(results)))
    return [n - 1 for n, _ in only(results, group)]


def next_group(results: Sequence[PreviewResult], group: str | None) -> str | None:
    """The filter after ``group``: every call, then each outcome present in turn, then every call again."""
    order: list[str | None] = [None, *(key for key, _ in summarize(results).choices())]
    return order[(order.index(group) + 1) % len(order)] if group in order else None


def list_title(group: str | None) -> str:
    return "Calls read" if group is None else f"Calls: {GROUP_WORDS[group]}"


class OutcomeSummaryLine(Static):
    """ "Outcomes: 432 call(s): 320 create, 100 update, 12 failed attribute changes · f shows one kind at a time"."""

    DEFAULT_CSS = """
    OutcomeSummaryLine { height: auto; padding: 0 1; display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__("", id=id, markup=False)

    def show(self, results: Sequence[PreviewResult], group: str | None) -> None:
        if len(results) < 2:  # one call: its own outcome says it all
            self.update("")
            self.display = False
            return
        summary = summarize(results)
        text = f"Outcomes: {summary.line()}"
        if group is not None:
            text += f" · showing {len(shown_calls(results, group))}: {GROUP_WORDS[group]} (f: next kind)"
        elif summary.choices():
            text += " · f shows one kind at a time"
        self.update(text)
        self.display = True


__all__ = ["OutcomeSummaryLine", "list_title", "next_group", "shown_calls"]
