"""Journal: every plan applied to this workspace, each operation's steps with the request and before/after
snapshots, export to JSONL/CSV, and resuming an interrupted apply (handed to Plan/Apply). The search by person and
the restore plan are ``journal_person.py``.

The journal is SQLite in the workspace's data folder; it is read in thread workers (one connection per read) and
the results come back as messages. Reloads whenever the screen is shown, so an apply just made is listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from cio_tui.identity.journal import JournalEntry, PlanRecord
from cio_tui.tui.messages import OpenPlan
from cio_tui.tui.modals.export_journal import ExportChoice, ExportJournalModal
from cio_tui.tui.screens.journal_person import JournalPersonSearch
from cio_tui.tui.viewmodels.journal_view import (
    EMPTY_TEXT,
    PersonSearch,
    can_resume,
    next_status_filter,
    plan_entries,
    plan_status,
    plans_summary,
    visible_plans,
)
from cio_tui.tui.widgets.journal_detail import JournalEntryDetail
from cio_tui.tui.widgets.journal_tables import JournalEntriesTable, JournalPlansTable
from cio_tui.walkthrough.steps import step_ref

if TYPE_CHECKING:
    from cio_tui.identity.plan import Plan
    from cio_tui.workspace import Workspace


class JournalScreen(JournalPersonSearch):
    AREA = "journal"
    AUTO_FOCUS = ""
    HELP = (
        "The record of every change applied to this workspace: plans, each operation's steps, the request sent "
        "(without credentials), the HTTP status, and the people before and after. Export it, or resume an apply "
        "that was interrupted (nothing done is sent again)."
    )
    FOOTER_FIRST = ("journal.resume", "journal.person", "journal.restore")
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="journal.refresh", tooltip="Read the journal again"),
        Binding(
            "f",
            "filter",
            "Filter",
            id="journal.filter",
            tooltip="Type words to match plan id, source, operator or state",
        ),
        Binding(
            "t",
            "cycle_status",
            "Status filter",
            id="journal.status",
            tooltip="Show all plans, or only interrupted / not applied / with problems / complete",
        ),
        Binding(
            "p",
            "find_person",
            "Find person",
            id="journal.person",
            tooltip="Every operation, across plans, on a person (cio_id, id or email)",
        ),
        Binding(
            "b",
            "restore",
            "Restore person",
            id="journal.restore",
            tooltip="Plan putting the people of the highlighted operation back as they were before it",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="journal.export",
            tooltip="Write the entries (this plan or the whole journal) to a JSONL or CSV file",
        ),
        Binding(
            "u",
            "resume",
            "Resume apply",
            id="journal.resume",
            tooltip="Open the highlighted plan in Plan/Apply to finish it; done operations are not resent",
        ),
    ]

    @dataclass
    class PlansRead(Message):
        records: list[PlanRecord]

    @dataclass
    class EntriesRead(Message):
        plan_id: str
        entries: list[JournalEntry]

    @dataclass
    class PlanForResume(Message):
        plan: Plan

    def __init__(self) -> None:
        super().__init__()
        self.records: list[PlanRecord] = []
        self.status_filter = "all"
        self._entries_plan: str | None = None
        self.person: PersonSearch | None = None  # the person search shown, with its operations

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="journal-filters"):
            yield Input(placeholder="filter: plan id, source, operator, state…", id="journal-filter")
            yield Input(placeholder="person: cio_id, id or email (Enter)", id="journal-person")
            yield Label("status: all", id="journal-status-filter", markup=False)
        yield Label("Reading the journal…", id="journal-summary", markup=False)
        yield Static(EMPTY_TEXT, id="journal-empty", markup=False)
        yield JournalPlansTable(id="journal-plans")
        with Horizontal(id="journal-lower"):
            yield JournalEntriesTable(id="journal-entries")
            yield JournalEntryDetail(id="journal-detail")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#journal-empty").display = False

    def on_screen_resume(self, _event: events.ScreenResume) -> None:  # FocusModel's handler runs too
        self.action_refresh()

    def workspace_changed(self, workspace: Workspace | None) -> None:
        """Another workspace, another journal: no filter, person search or status choice of the previous one stays
        (its person's operations are not this journal's)."""
        self.person, self._entries_plan, self.status_filter = None, None, "all"
        for field in ("#journal-filter", "#journal-person"):
            with self.prevent(Input.Changed):
                self.query_one(field, Input).value = ""
        self.query_one("#journal-status-filter", Label).update("status: all")
        self.action_refresh()

    # -- reading -----------------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.cio.workspace is None:
            self._show_records([])
            self.query_one("#journal-summary", Label).update("No workspace is open: open one in Connect (press 9).")
            return
        self._read_plans()

    @work(thread=True, exclusive=True, group="journal", exit_on_error=False)
    def _read_plans(self) -> None:
        from cio_tui.identity.journal import Journal

        with Journal.for_workspace(self.cio.require_workspace()) as journal:
            records = journal.plans()
        self.post_message(self.PlansRead(records))

    @on(PlansRead)
    def _plans_read(self, message: PlansRead) -> None:
        self.records = message.records
        self._show_records(message.records)

    def _show_records(self, records: list[PlanRecord]) -> None:
        text = self.query_one("#journal-filter", Input).value
        shown = visible_plans(records, text, self.status_filter, self.person)
        table = self.query_one(JournalPlansTable)
        table.load(shown)
        self.query_one("#journal-empty").display = not records
        table.display = bool(records)
        self.query_one("#journal-lower").display = bool(records)
        if self.focused is None:  # the table just appeared: the keys go to it (focus is never left on nothing)
            self.call_after_refresh(self.focus_home)
        self.query_one("#journal-summary", Label).update(plans_summary(records, shown, self.person))
        if shown:
            table.move_cursor(row=0)
            self._plan_highlighted()
        else:
            self.query_one(JournalEntriesTable).load([])
            self.query_one(JournalEntryDetail).show(None)

    @on(DataTable.RowHighlighted, "#journal-plans")
    def _plan_highlighted(self) -> None:
        record = self.query_one(JournalPlansTable).highlighted
        if record is not None and record.plan_id != self._entries_plan and self.cio.workspace is not None:
            # the previous plan's entries go at once: its highlighted entry must not pass for this plan's
            self._entries_plan = None
            entries = self.query_one(JournalEntriesTable)
            entries.load([])
            entries.border_title = f"Reading the entries of plan {record.plan_id}…"
            self.query_one(JournalEntryDetail).show(None)
            self._read_entries(record.plan_id)

    @work(thread=True, exclusive=True, group="journal-entries", exit_on_error=False)
    def _read_entries(self, plan_id: str) -> None:
        from cio_tui.identity.journal import Journal

        with Journal.for_workspace(self.cio.require_workspace()) as journal:
            entries = journal.entries(plan_id)
        self.post_message(self.EntriesRead(plan_id, entries))

    @on(EntriesRead)
    def _entries_read(self, message: EntriesRead) -> None:
        record = self.query_one(JournalPlansTable).highlighted
        if record is None or record.plan_id != message.plan_id:
            return  # read for a plan highlighted a moment ago: the one highlighted now has its own read on the way
        self._entries_plan = message.plan_id
        table = self.query_one(JournalEntriesTable)
        entries, title = plan_entries(message.plan_id, message.entries, self.person)
        table.load(entries)
        table.border_title = title
        self._entry_highlighted()

    @on(DataTable.RowHighlighted, "#journal-entries")
    def _entry_highlighted(self) -> None:
        self.query_one(JournalEntryDetail).show(self.query_one(JournalEntriesTable).highlighted)

    @on(DataTable.RowSelected, "#journal-plans")
    def _plan_selected(self) -> None:
        self.query_one(JournalEntriesTable).focus()

    # -- filters -----------------------------------------------------------------------------------------
    def action_filter(self) -> None:
        self.query_one("#journal-filter", Input).focus()

    @on(Input.Changed, "#journal-filter")
    def _filter_changed(self) -> None:
        self._entries_plan = None
        self._show_records(self.records)

    @on(Input.Submitted, "#journal-filter")
    def _filter_done(self) -> None:
        self.query_one(JournalPlansTable).focus()

    def action_cycle_status(self) -> None:
        self.status_filter = next_status_filter(self.status_filter)
        self.query_one("#journal-status-filter", Label).update(f"status: {self.status_filter}")
        self._entries_plan = None
        self._show_records(self.records)

    # -- export ------------------------------------------------------------------------------------------
    def action_export(self) -> None:
        if self.cio.workspace is None or not self.records:
            self.notify("Nothing to export: the journal is empty.", severity="warning")
            return
        record = self.query_one(JournalPlansTable).highlighted
        plan_id = record.plan_id if record is not None else None

        def chosen(choice: ExportChoice | None) -> None:
            if choice is not None:
                self._export(choice)

        self.app.push_screen(ExportJournalModal(Path.cwd(), plan_id), chosen)

    @work(thread=True, exclusive=True, group="journal-export", exit_on_error=False)
    def _export(self, choice: ExportChoice) -> None:
        from cio_tui.identity.journal import Journal

        try:
            with (
                Journal.for_workspace(self.cio.require_workspace()) as journal,
                choice.path.open("w", encoding="utf-8", newline="") as out,
            ):
                write = journal.export_csv if choice.format == "csv" else journal.export_jsonl
                count = write(out, choice.plan_id)
        except OSError as exc:
            self.app.call_from_thread(self.notify, f"Could not write {choice.path}: {exc.strerror}. Choose another "
                                      "path.", title="Export failed", severity="error", markup=False)  # fmt: skip
            return
        self.app.call_from_thread(self.notify, f"{count} entries written to {choice.path} ({choice.format.upper()}).",
                                  title="Journal exported", markup=False)  # fmt: skip

    # -- resume ------------------------------------------------------------------------------------------
    def action_resume(self) -> None:
        record = self.query_one(JournalPlansTable).highlighted
        if record is None:
            self.notify("Highlight a plan first.", severity="warning")
            return
        if not can_resume(record):
            self.notify(
                f"Plan {record.plan_id} is {plan_status(record)}: nothing is left to apply. Open it with "
                "Plan/Apply's o to review it, or make a new plan.",
                severity="warning",
                markup=False,
            )
            return
        if record.source.startswith("segment-"):  # a Segment cut-over/rollback: its own engine resumes it
            self.notify(
                f"Plan {record.plan_id} writes to Segment: resume it from the Walkthrough ({step_ref('cutover')}) or "
                "with "
                "`cio-tui apply` on its file; it continues where it stopped.",
                severity="warning",
                markup=False,
            )
            return
        self._load_for_resume(record.plan_id)

    @work(thread=True, exclusive=True, group="journal", exit_on_error=False)
    def _load_for_resume(self, plan_id: str) -> None:
        from cio_tui.identity.journal import Journal

        with Journal.for_workspace(self.cio.require_workspace()) as journal:
            plan = journal.load_plan(plan_id)
        self.post_message(self.PlanForResume(plan))

    @on(PlanForResume)
    def _resume(self, message: PlanForResume) -> None:
        self.post_message(OpenPlan(message.plan))


__all__ = ["JournalScreen"]
