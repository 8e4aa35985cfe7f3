"""Paste CSV rows and see each row's problems next to its line number.

``CsvInput`` holds a text area for pasted CSV (a header line first), parses it on every change (debounced) and posts
``CsvInput.Parsed`` with the rows and the header/empty-cell issues. The parent runs the real checks (the engine's, in
a worker) and calls ``show_issues`` with the result; the widget lists them, one line per issue, with the severity in
words ("error", "merge proposal", "warning").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Label, TextArea

from cio_tui.tui.viewmodels.csv_rows import ParsedCsv, RowIssue, parse_csv_text
from cio_tui.tui.widgets.fit_table import Col, FitTable


class IssuesTable(FitTable):
    """One line per problem of the CSV: line, severity in words, the value, why (the reason shown whole first)."""

    FIT_COLUMNS = (
        Col("line", "Line", priority=1, min=4),
        Col("severity", "Check", priority=1, min=8),
        Col("value", "Value", priority=2, min=10),
        Col("message", "Why", priority=1, min=20),
    )


SEVERITY_WORDS = {"error": "✗ error", "merge": "⇄ merge proposal", "warning": "! warning", "ok": "✓ ok"}


def issue_summary(rows: int, issues: list[RowIssue]) -> str:
    if rows == 0 and not issues:
        return "No rows yet: paste CSV with a header line."
    errors = sum(1 for i in issues if i.severity == "error")
    merges = sum(1 for i in issues if i.severity == "merge")
    warnings = sum(1 for i in issues if i.severity == "warning")
    parts = [f"{rows} row{'s' if rows != 1 else ''}"]
    parts.append(f"{errors} with errors" if errors else "no errors")
    if merges:
        parts.append(f"{merges} merge proposal{'s' if merges != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return " · ".join(parts)


class CsvInput(Vertical):
    """A CSV paste box with inline, per-line validation messages."""

    DEFAULT_CSS = """
    CsvInput { height: auto; }
    CsvInput > TextArea { height: 8; }
    CsvInput > #csv-summary { width: 1fr; padding: 0 1; }
    CsvInput > DataTable { height: auto; max-height: 10; }
    """

    @dataclass
    class Parsed(Message):
        """The text was parsed: rows and the parse-level issues (missing header, empty cells)."""

        csv_input: CsvInput
        parsed: ParsedCsv

        @property
        def control(self) -> CsvInput:
            return self.csv_input

    def __init__(
        self,
        columns: tuple[str, ...],
        *,
        required: tuple[str, ...] | None = None,
        text: str = "",
        debounce: float = 0.3,
        hint: str = "",
        check_header: Callable[[str], str | None] | None = None,
        id: str | None = None,  # noqa: A002
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.columns = columns
        self.required = required
        self.check_header = check_header  # the domain's rule for the header line (None: the columns are enough)
        self._initial = text
        self._hint = hint or ",".join(columns)
        self._debounce = debounce
        self._timer: Timer | None = None
        self.parsed = ParsedCsv(columns=columns)
        self.issues: list[RowIssue] = []
        self._parsed_text: str | None = None

    def compose(self) -> ComposeResult:
        yield TextArea(
            self._initial,
            id="csv-text",
            soft_wrap=False,
            show_line_numbers=True,
            placeholder=f"Paste CSV here, header first: {self._hint}",
        )
        yield Label(issue_summary(0, []), id="csv-summary", markup=False)
        table = IssuesTable(id="csv-issues")
        table.display = False
        yield table

    def on_mount(self) -> None:
        if self._initial:
            self.reparse()

    @property
    def text(self) -> str:
        return self.query_one("#csv-text", TextArea).text

    def parse_text(self, text: str, progress: Callable[[int], None] | None = None) -> ParsedCsv:
        """Parse ``text`` as this box would (pure: a screen's thread worker parses a big file with it)."""
        return parse_csv_text(
            text, self.columns, required=self.required, progress=progress, check_header=self.check_header
        )

    def load_parsed(self, text: str, parsed: ParsedCsv) -> None:
        """Show ``text`` parsed already (by ``parse_text`` in a worker): it is not parsed again here."""
        self._parsed_text, self.parsed = text, parsed
        self.query_one("#csv-text", TextArea).load_text(text)
        self._parsed_text = self.text  # the text area's own form of it: its change event finds nothing new
        self.show_issues(parsed.issues)
        self.post_message(self.Parsed(self, parsed))

    def load_text(self, text: str) -> None:
        """Replace the text (e.g. with a file's contents read by the screen's worker) and parse it now."""
        self.query_one("#csv-text", TextArea).load_text(text)
        self.reparse()

    @on(TextArea.Changed, "#csv-text")
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        if self._debounce <= 0:
            self.reparse()
        else:
            self._timer = self.set_timer(self._debounce, self.reparse)

    def reparse(self) -> None:
        """Parse the text and post ``Parsed`` (not again for text already parsed, so checks shown stay)."""
        self._timer = None
        if self._parsed_text == self.text:
            return
        self._parsed_text = self.text
        self.parsed = self.parse_text(self.text)
        self.show_issues(self.parsed.issues)
        self.post_message(self.Parsed(self, self.parsed))

    def show_issues(self, issues: list[RowIssue]) -> None:
        """List ``issues`` (sorted by line) under the text, and update the summary."""
        self.issues = sorted(issues, key=lambda i: (i.line, i.severity))
        table = self.query_one("#csv-issues", IssuesTable)
        table.clear()
        for issue in self.issues:
            table.add_row(
                str(issue.line) if issue.line else "-",
                Text(SEVERITY_WORDS.get(issue.severity, issue.severity), style="bold"),
                Text(issue.value),
                Text(issue.message),
            )
        table.display = bool(self.issues)
        self.query_one("#csv-summary", Label).update(issue_summary(len(self.parsed.rows), self.issues))
