"""A Markdown report read inside the app (the Walkthrough's rehearsal report): rendered, scrollable, closed with
escape or ``q``. The caller reads the file in a worker and hands the text in; nothing here does IO."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Markdown


class ReportModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "close", "Close report", id="report.close", tooltip="Back to the screen")]

    def __init__(self, title: str, markdown: str, path: str) -> None:
        super().__init__()
        self.report_title = title
        self.markdown = markdown
        self.path = path

    def compose(self) -> ComposeResult:
        with Vertical(id="report-dialog", classes="dialog"):
            yield Label(self.report_title, classes="dialog-title", markup=False)
            with VerticalScroll(id="report-body"):
                yield Markdown(self.markdown, id="report-markdown", open_links=False)
            yield Label(f"{self.path} · escape or q closes", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#report-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


__all__ = ["ReportModal"]
