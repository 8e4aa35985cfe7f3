"""Walkthrough forms: the connect step (connection check, classic settings), the identifiers step (identifier
settings) and the cut-over step."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static

from cio_tui.tui.walkthrough_requests import CheckConnection, CutoverNow
from cio_tui.tui.widgets.walkthrough_base import YES_NO, StepPanel, selected
from cio_tui.walkthrough.models import ClassicSettings, CutoverChoice, IdentifierSettings
from cio_tui.walkthrough.steps import step_by_key, step_ref

if TYPE_CHECKING:
    from textual.widget import Widget

    from cio_tui.walkthrough.service import Overview

DATACENTERS = [("US (empty in Segment)", "us"), ("EU", "eu")]
MODES = [("cloud mode", "cloud"), ("web device mode", "device"), ("both", "both")]
ID_MODES = [("email or id", "email_or_id"), ("id only", "id_only")]
CUTOVER_METHODS = [("one-step switch", "one_step"), ("received_at filters", "received_at_filters")]


def _row(label: str, widget: Widget) -> Horizontal:
    return Horizontal(Label(label, classes="wt-field-label"), widget, classes="wt-field")


class ConnectPanel(StepPanel):
    STEP = step_by_key("connect").number

    def compose(self) -> ComposeResult:
        yield Static("Not checked yet.", id="wt-connection", classes="wt-result", markup=False)
        yield Button("Check the workspace now", id="wt-check", variant="primary", compact=True)
        yield Static("Classic destination settings, as Segment shows them:", classes="wt-section")
        yield _row("Site id", Input(placeholder="as Segment shows it", id="wt-site-id", compact=True))
        yield Static("", id="wt-site-own", classes="wt-hint", markup=False)
        yield _row("Datacenter", Select(DATACENTERS, id="wt-datacenter", compact=True))
        yield _row("Convert to Unix Time", Select(YES_NO, id="wt-unix", compact=True))
        yield _row("Connection mode", Select(MODES, id="wt-mode", compact=True))

    def show(self, overview: Overview) -> None:
        state = overview.state
        check = state.connection
        if check is None:
            text = "Not checked yet: press the button to check the keys and the region."
        elif check.ok:
            text = f"Checked {check.checked_at:%Y-%m-%d %H:%M} UTC: keys valid, region {str(check.region).upper()}."
        else:
            text = f"Check FAILED {check.checked_at:%Y-%m-%d %H:%M} UTC: {check.detail}"
        self.query_one("#wt-connection", Static).update(text)
        # what to compare with: a new user (the sandbox above all) cannot know the workspace's own site id
        profile = getattr(getattr(self.app, "workspace", None), "profile", None)
        own = getattr(profile, "site_id", None)
        self.query_one("#wt-site-own", Static).update(
            f"This workspace's site id is {own}: the classic destination's must be the same." if own else ""
        )
        site = self.query_one("#wt-site-id", Input)
        with self.prevent(Input.Changed):
            site.value = state.classic.site_id or ""
        self.set_select("#wt-datacenter", state.classic.datacenter)
        self.set_select("#wt-unix", state.classic.convert_to_unix_time)
        self.set_select("#wt-mode", state.classic.connection_mode)

    def _classic(self) -> ClassicSettings:
        return ClassicSettings(
            site_id=self.query_one("#wt-site-id", Input).value.strip() or None,
            datacenter=selected(self.query_one("#wt-datacenter", Select).value),
            convert_to_unix_time=selected(self.query_one("#wt-unix", Select).value),
            connection_mode=selected(self.query_one("#wt-mode", Select).value),
        )

    @on(Button.Pressed, "#wt-check")
    def _check(self) -> None:
        self.request_task(CheckConnection())

    @on(Select.Changed)
    @on(Input.Submitted, "#wt-site-id")
    @on(Input.Blurred, "#wt-site-id")
    def _changed(self) -> None:
        self.record(classic=self._classic())


MODE_MEANING = {
    None: "Choose the identifier mode to see what it means for the next steps.",
    "email_or_id": (
        "Email or id: an email is a unique identifier. Email-only leads exist and are converted by giving them an "
        f"id ({step_ref('repair')}); an email-shaped userId is read as an email; merges may go by email."
    ),
    "id_only": (
        "Id only: email is a plain, non-unique attribute. Several people may share an email (duplicates to merge "
        f"in {step_ref('repair')}), there are no email-only leads, and every merge goes by id or cio_id."
    ),
}


class IdentifierPanel(StepPanel):
    STEP = step_by_key("identifiers").number

    def compose(self) -> ComposeResult:
        yield Static("Read these in Customer.io: Workspace Settings > General.", classes="wt-hint")
        yield _row("Identifier mode", Select(ID_MODES, id="wt-id-mode", compact=True))
        yield _row("Auto-merge", Select(YES_NO, id="wt-auto-merge", compact=True))
        yield _row("Email updates by id", Select(YES_NO, id="wt-email-by-id", compact=True))
        yield Static(MODE_MEANING[None], id="wt-id-meaning", classes="wt-result", markup=False)
        yield Static(
            "Auto-merge: when one identify carries the id of one person and the email of another, Customer.io "
            "merges them (only if the id-person has no email and the email-person has no id); otherwise the "
            "change fails as a failed_attribute_change.\nEmail updates by id: an identify by id may change the "
            "person's email; when off, only the cio_ path can.",
            classes="wt-hint",
        )

    def show(self, overview: Overview) -> None:
        s = overview.state.identifier_settings
        self.set_select("#wt-id-mode", s.mode)
        self.set_select("#wt-auto-merge", s.auto_merge)
        self.set_select("#wt-email-by-id", s.email_updates_by_id)
        self.query_one("#wt-id-meaning", Static).update(MODE_MEANING[s.mode])

    @on(Select.Changed)
    def _changed(self) -> None:
        settings = IdentifierSettings(
            mode=selected(self.query_one("#wt-id-mode", Select).value),
            auto_merge=selected(self.query_one("#wt-auto-merge", Select).value),
            email_updates_by_id=selected(self.query_one("#wt-email-by-id", Select).value),
        )
        self.query_one("#wt-id-meaning", Static).update(MODE_MEANING[settings.mode])
        self.record(identifier_settings=settings)


def parse_when(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` (UTC unless an offset is given) -> an aware datetime; ValueError with a hint."""
    try:
        value = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise ValueError("write the time as YYYY-MM-DD HH:MM (UTC), e.g. 2026-12-01 09:00") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class CutoverPanel(StepPanel):
    STEP = step_by_key("cutover").number

    def compose(self) -> ComposeResult:
        yield Static(
            "One-step switch: in Segment, disable the classic destination and enable Actions at the same moment "
            "(simple; a few events may be lost or doubled around the switch).\n"
            "received_at filters: pick a time T; the classic destination drops events received at or after T, "
            "Actions drops events received before T. Enable both; nothing is sent twice.",
            classes="wt-hint",
        )
        yield _row("Method", Select(CUTOVER_METHODS, id="wt-cut-method", compact=True))
        with Horizontal(classes="wt-field"):
            yield Static("Cut-over time", classes="wt-field-label", id="wt-cut-label")
            yield Input(placeholder="YYYY-MM-DD HH:MM (UTC)", id="wt-cut-at", compact=True)
            yield Button("Now", id="wt-cut-now", compact=True)
        yield Static("", id="wt-cut-error", classes="wt-error", markup=False)

    def show(self, overview: Overview) -> None:
        cut = overview.state.cutover
        self.set_select("#wt-cut-method", cut.method)
        field = self.query_one("#wt-cut-at", Input)
        with self.prevent(Input.Changed):
            field.value = cut.cutover_at.strftime("%Y-%m-%d %H:%M") if cut.cutover_at else ""

    def _save(self, when: datetime | None) -> None:
        method = selected(self.query_one("#wt-cut-method", Select).value)
        self.record(cutover=CutoverChoice(method=method, cutover_at=when))

    @on(Select.Changed, "#wt-cut-method")
    @on(Input.Submitted, "#wt-cut-at")
    @on(Input.Blurred, "#wt-cut-at")
    def _changed(self) -> None:
        text = self.query_one("#wt-cut-at", Input).value.strip()
        error = self.query_one("#wt-cut-error", Static)
        try:
            when = parse_when(text) if text else None
        except ValueError as exc:
            error.update(str(exc))
            return
        error.update("")
        self._save(when)

    @on(Button.Pressed, "#wt-cut-now")
    def _now(self) -> None:
        self.request_task(CutoverNow(selected(self.query_one("#wt-cut-method", Select).value)))
