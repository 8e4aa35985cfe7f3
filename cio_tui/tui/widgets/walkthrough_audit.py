"""The audit step: run the audit (live or from an export) and show its counts with a small bar chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from cio_tui.tui.walkthrough_requests import AuditExport, AuditLive
from cio_tui.tui.widgets.walkthrough_base import StepPanel
from cio_tui.walkthrough.models import AuditCounts
from cio_tui.walkthrough.steps import step_by_key

if TYPE_CHECKING:
    from cio_tui.walkthrough.service import Overview


def bar_chart(rows: list[tuple[str, int]], *, width: int = 24, fit: int | None = None) -> str:
    """Horizontal bars with the label and the number on each row (readable without colour).

    ``fit``: the columns available; bars shrink (to 4 at least) so that no row wraps.
    """
    if not rows:
        return ""
    label_w = max(len(label) for label, _ in rows)
    top = max((n for _, n in rows), default=0) or 1
    num_w = len(str(top))
    if fit is not None:
        width = max(4, min(width, fit - label_w - 2 - num_w - 1))
    lines = []
    for label, n in rows:
        bar = "█" * (round(n / top * width) if n else 0)
        lines.append(f"{label:<{label_w}}  {n:>{num_w}} {bar}".rstrip())
    return "\n".join(lines)


class BarChart(Static):
    """The audit chart, redrawn to the width it gets (no wrapped rows at 80x24)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__("", markup=False, id=id, classes=classes)
        self._rows: list[tuple[str, int]] = []

    def set_rows(self, rows: list[tuple[str, int]]) -> None:
        self._rows = rows
        self._draw()

    def _draw(self) -> None:
        fit = self.content_size.width or None
        self.update(bar_chart(self._rows, fit=fit))

    def on_resize(self) -> None:
        self._draw()


def audit_text(audit: AuditCounts | None) -> tuple[str, list[tuple[str, int]]]:
    """(summary, chart rows) for the panel."""
    if audit is None:
        return "No audit yet: audit the live workspace, or give the path of a people export (CSV).", []
    summary = (
        f"{audit.people} people, audited {audit.taken_at:%Y-%m-%d %H:%M} UTC from "
        f"{'the live workspace' if audit.source == 'live' else audit.source_detail}."
    )
    if audit.duplicate_groups:
        summary += "\n" + audit.duplicate_rules_line()
    if audit.cost_line:
        summary += "\n" + audit.cost_line[0].upper() + audit.cost_line[1:] + "."
    if audit.suppressed is None and audit.source == "live":
        # a live audit has no export column to blame: the workspace itself no longer holds suppressed people
        summary += (
            "\nSuppressed: not counted: Customer.io deletes the profile of a suppressed person, so the "
            "workspace (its exports and searches) cannot list them."
        )
    elif audit.suppressed is None:
        summary += (
            "\nSuppressed: not counted (this export has no suppressed column; Customer.io deletes "
            "suppressed people, so its exports do not list them)."
        )
    return summary, audit.chart_rows()


class AuditPanel(StepPanel):
    STEP = step_by_key("audit").number

    def compose(self) -> ComposeResult:
        with Horizontal(classes="wt-field"):
            yield Button("Audit the live workspace", id="wt-audit-live", variant="primary", compact=True)
        with Horizontal(classes="wt-field"):
            yield Input(placeholder="or a people export (CSV)", id="wt-audit-path", compact=True)
            yield Button("Audit export", id="wt-audit-export", compact=True)
        yield Static("", id="wt-audit-summary", classes="wt-result", markup=False)
        yield BarChart(id="wt-audit-chart", classes="wt-chart")

    def show(self, overview: Overview) -> None:
        summary, rows = audit_text(overview.state.audit)
        self.query_one("#wt-audit-summary", Static).update(summary)
        chart_widget = self.query_one("#wt-audit-chart", BarChart)
        chart_widget.set_rows(rows)
        chart_widget.display = bool(rows)

    @on(Button.Pressed, "#wt-audit-live")
    def _live(self) -> None:
        self.request_task(AuditLive())

    @on(Button.Pressed, "#wt-audit-export")
    @on(Input.Submitted, "#wt-audit-path")
    def _export(self) -> None:
        path = self.query_one("#wt-audit-path", Input).value.strip()
        if not path:
            self.notify("Type the path of a people export (CSV) first.", severity="warning")
            return
        self.request_task(AuditExport(path))
