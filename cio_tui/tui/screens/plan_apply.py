"""Plan/Apply: review a plan operation by operation, check it is still current, confirm, apply with progress.

Plans arrive from another area (``app.open_plan(plan)`` -> ``show_plan``) or from a file (``o``). Opening a plan
reads its journal states, so a plan applied before opens in resume mode (done operations are never sent again; ones
in doubt are read back first: the engine decides, this screen only shows it). All IO runs in workers: plan files
and the journal in threads, the stale check and the apply engine in async workers on the app's loop. Plan files
(open, save, the last saved offered) are ``plan_apply_files.py``; the apply itself is ``plan_apply_run.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from cio_tui.identity.plan import Plan
from cio_tui.identity.plan_checks import OpCheck, check_plan, check_summary
from cio_tui.tui.progress import Busy
from cio_tui.tui.screens.plan_apply_files import PlanFiles
from cio_tui.tui.screens.plan_apply_run import PlanRun
from cio_tui.tui.viewmodels.plan_phase import RUNNING, SHOWS_PROGRESS, Phase, action_allowed
from cio_tui.tui.viewmodels.plan_rows import operation_detail, rows_from_plan
from cio_tui.tui.viewmodels.plan_text import (
    EMPTY_TEXT,
    LOADING_TABLE,
    NOT_CHECKED,
    plan_header,
    resume_note,
    still_loading,
)
from cio_tui.tui.widgets.apply_progress import ApplyProgress
from cio_tui.tui.widgets.csv_path import PathPrompt
from cio_tui.tui.widgets.plan_table import PlanTable

if TYPE_CHECKING:
    from cio_tui.identity.apply import ApplyEngine
    from cio_tui.identity.apply_events import ApplyResult
    from cio_tui.workspace import Workspace

TABLE_CHUNK = 250
"""Rows added to the table per turn of the event loop: a 10,000-operation plan is shown in 40 steps, the status line
counting them, instead of freezing the screen for seconds."""


class PlanScreen(PlanRun, PlanFiles):
    AREA = "plan"
    AUTO_FOCUS = ""  # focus moves to the table when a plan opens; a hidden path field must never take keys
    HELP = (
        "Every change to the workspace goes through here. Review each operation (what changes, what is lost), "
        "check the plan is still current, type the workspace name to confirm, then watch it apply. Pause, resume "
        "or cancel at any time: nothing is lost or sent twice, and the journal records every step."
    )
    FOOTER_FIRST = ("plan.apply", "plan.pause", "plan.cancel")
    BINDINGS = [
        Binding("o", "open_file", "Open plan file", id="plan.open", tooltip="Load a plan saved as JSON (plan --out)"),
        Binding("s", "save_file", "Save plan", id="plan.save", tooltip="Write this plan to a JSON file to apply later"),
        Binding(
            "c", "check", "Check stale", id="plan.check", tooltip="Read everyone now; mark stale or done operations"
        ),
        Binding("a", "apply", "Apply", id="plan.apply", tooltip="Type the workspace name, then send with progress"),
        Binding("p", "pause", "Pause/resume", id="plan.pause", tooltip="Hold the apply after in-flight requests"),
        Binding("x", "cancel_apply", "Cancel apply", id="plan.cancel", tooltip="Stop sending; the rest stays pending"),
        Binding("j", "journal", "View journal", id="plan.journal", tooltip="Open the Journal area"),
    ]

    @dataclass
    class JournalStates(Message):
        plan_id: str
        states: dict[str, str]

    @dataclass
    class ChecksDone(Message):
        plan_id: str
        checks: list[OpCheck]

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None
        self.checks: list[OpCheck] = []
        self.prior_states: dict[str, str] = {}
        self.phase: Phase = "empty"
        self.engine: ApplyEngine | None = None
        self.result: ApplyResult | None = None
        self._started: datetime | None = None
        self.last_saved: Path | None = None  # the plan file last saved for this workspace (offered when none is open)
        self.saved_to: Path | None = None  # where the open plan is on disk (saved with s, or opened from there)
        self._opening: Path | None = None

    # -- layout ----------------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(EMPTY_TEXT, id="plan-empty", markup=False)
        with Vertical(id="plan-review") as review:
            review.display = False  # nothing in it may take the first focus (single-letter keys must work)
            yield Label("", id="plan-header", markup=False)
            yield Label("", id="plan-status", markup=False)
            yield PathPrompt(id="plan-path")
            yield PlanTable(id="plan-table")
            yield Static("", id="plan-detail", markup=False)
            yield ApplyProgress(id="plan-progress")

    def on_mount(self) -> None:
        super().on_mount()
        self._show_phase()
        self._offer_last_saved()

    def _show_phase(self) -> None:
        has_plan = self.plan is not None
        self.query_one("#plan-empty").display = not has_plan
        self.query_one("#plan-review").display = has_plan
        self.query_one("#plan-progress").display = self.phase in SHOWS_PROGRESS
        self.refresh_bindings()

    def workspace_changed(self, workspace: Workspace | None) -> None:
        """Say at once whether the open plan belongs to the workspace now open (it is refused otherwise)."""
        if self.plan is not None:
            self.query_one("#plan-header", Label).update(plan_header(self.plan, workspace))
        self._offer_last_saved()

    def _status(self, text: str) -> None:
        self.query_one("#plan-status", Label).update(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # the base's rule: only while a text field has focus
            return super().check_action(action, parameters)
        return action_allowed(action, self.phase, self.plan is not None)

    # -- opening a plan ----------------------------------------------------------------------------------
    def show_plan(self, plan: Plan) -> None:
        """Navigation contract (``app.open_plan``): show ``plan`` for review (resuming if it was applied before)."""
        if self.phase in RUNNING:
            self.notify("An apply is running here: pause or cancel it before opening another plan.", severity="warning")
            return
        self.plan, self.checks, self.prior_states, self.result = plan, [], {}, None
        self.saved_to, self._opening = self._opening, None  # a plan made in another area is on no disk yet
        self.query_one("#plan-header", Label).update(plan_header(plan, self.cio.workspace))
        table = self.query_one(PlanTable)
        table.begin(rows_from_plan(plan))
        table.show_more(TABLE_CHUNK)
        self.phase = "review" if table.complete else "loading"
        self._status(NOT_CHECKED)
        table.move_cursor(row=0)
        self._show_detail()
        self._show_phase()
        table.focus()
        if self.cio.workspace is not None:
            self._read_journal_states(plan.plan_id)
        if not table.complete:
            # the wait may already have been long (the file was read first): the count shows at once
            busy = Busy(self.query_one("#plan-status", Label), LOADING_TABLE, after=0.0)
            busy.progress(table.shown, len(plan.operations))
            self._fill_table(plan.plan_id, busy)

    @work(exclusive=True, group="plan-table", exit_on_error=False)
    async def _fill_table(self, plan_id: str, busy: Busy) -> None:
        """Add the rest of a big plan's rows a chunk per turn of the event loop, the status line counting them."""
        table = self.query_one(PlanTable)
        while self.plan is not None and self.plan.plan_id == plan_id and not table.complete:
            await busy.shown()  # the screen is drawn (and keys are read) between two chunks
            busy.progress(table.show_more(TABLE_CHUNK), len(self.plan.operations))
        if self.plan is None or self.plan.plan_id != plan_id or self.phase != "loading":
            return
        self.phase = "review"
        self._status(resume_note(self.plan, self.prior_states) if self.prior_states else NOT_CHECKED)
        self.refresh_bindings()

    def _refused_while_loading(self) -> bool:
        """Apply and check wait until the whole plan is in the table (never apply what was not all shown)."""
        if self.phase != "loading" or self.plan is None:
            return False
        table = self.query_one(PlanTable)
        self.notify(still_loading(table.shown, len(self.plan.operations)), title="Still loading", severity="warning")
        return True

    @work(thread=True, exclusive=True, group="plan-journal", exit_on_error=False)
    def _read_journal_states(self, plan_id: str) -> None:
        from cio_tui.identity.journal import Journal

        with Journal.for_workspace(self.cio.require_workspace()) as journal:
            states = {op: str(state) for op, state in journal.op_states(plan_id).items()}
        self.post_message(self.JournalStates(plan_id, states))

    @on(JournalStates)
    def _journal_states(self, message: JournalStates) -> None:
        if self.plan is None or message.plan_id != self.plan.plan_id or not message.states:
            return
        self.prior_states = message.states
        table = self.query_one(PlanTable)
        for op_id, state in message.states.items():
            table.set_state(op_id, state, "from an earlier run")
        if self.phase != "loading":  # while loading, the count stays; the note follows once the table is complete
            self._status(resume_note(self.plan, message.states))
        self._show_detail()

    def unapplied_work(self) -> str | None:
        """The open plan, when it was never applied (quitting would drop it from the screen), in words."""
        if (
            self.plan is None
            or self.result is not None
            or self.prior_states
            or self.phase not in ("loading", "review", "checking")
        ):
            return None
        about = f"{self.plan.description}, " if self.plan.description else ""
        what = f"the plan open in Plan/Apply ({about}{len(self.plan.operations)} operation(s))"
        if self.saved_to is None:
            return (
                f"{what} is not applied and not saved: quitting loses it (Stay, then s in Plan/Apply saves it; "
                "o opens it again later)"
            )
        return f"{what} is not applied; it is saved at {self.saved_to}: o in Plan/Apply opens it again"

    # -- review ------------------------------------------------------------------------------------------
    @on(DataTable.RowHighlighted, "#plan-table")
    def _show_detail(self) -> None:
        row = self.query_one(PlanTable).highlighted_row
        if self.plan is None or row is None:
            self.query_one("#plan-detail", Static).update("")
            return
        self.query_one("#plan-detail", Static).update(
            operation_detail(self.plan.operation(row.key), row.state, row.detail)
        )

    def action_check(self) -> None:
        if self.plan is None or self.phase in RUNNING or self._refused_while_loading():
            return
        if self.cio.workspace is None:
            self.notify("No workspace is open: connect one first (press 9).", severity="warning")
            return
        self.phase = "checking"
        people = len({c for op in self.plan.operations for c in op.cio_ids})
        busy = Busy(self.query_one("#plan-status", Label), f"Reading {people:,} people…")
        self.refresh_bindings()
        self._run_checks(self.plan, busy)

    # described: Textual would otherwise describe the worker by repr() of its plan, on the event loop (~1 s for
    # 10,000 operations, the screen frozen meanwhile)
    @work(exclusive=True, group="plan-check", exit_on_error=False, description="Checking a plan")
    async def _run_checks(self, plan: Plan, busy: Busy) -> None:
        await busy.shown()  # "Reading N people…" is on screen before the reads start
        try:
            checks = await check_plan(self.cio.require_workspace().client, plan, busy.progress)
        except Exception as exc:  # noqa: BLE001 - shown in words; nothing was sent
            from cio_tui.tui.errors import describe_error

            self._status(f"Could not read the people: {describe_error(exc)}")
            return
        finally:
            self.phase = "review"
            self.refresh_bindings()
        self.post_message(self.ChecksDone(plan.plan_id, checks))

    @on(ChecksDone)
    def _checks_done(self, message: ChecksDone) -> None:
        if self.plan is None or message.plan_id != self.plan.plan_id:
            return
        self.checks = message.checks
        table = self.query_one(PlanTable)
        for check in message.checks:
            if check.op_id not in self.prior_states:
                table.set_state(check.op_id, check.state, check.detail)
        self._status(check_summary(message.checks))
        self._show_detail()

    def action_journal(self) -> None:
        self.cio.switch_area("journal")


__all__ = ["PlanScreen"]
