"""Leads: people with an email and no id. Load them (live search or an export file), attach ids (typed in the
table, pasted CSV or a CSV file), check every id against the workspace, and make the conversion plan.

The checks are the engine's (``identity.leads.plan_lead_conversion``): a row that fails is shown with why and what to
do; an id already held by another person becomes a merge proposal, which the operator may turn into a merge plan
(never automatically). All IO runs in workers; the plan opens in Plan/Apply for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from cio_tui.identity.rows import PlanBuild
from cio_tui.tui.errors import describe_error
from cio_tui.tui.screens.id_changes import NO_WORKSPACE, IdChangesScreen
from cio_tui.tui.viewmodels.leads_rows import Attached, LeadsModel
from cio_tui.tui.widgets.csv_input import CsvInput
from cio_tui.tui.widgets.csv_path import PathPrompt
from cio_tui.tui.widgets.leads_table import LeadsTable, check_text

if TYPE_CHECKING:
    from cio_tui.identity.rows import MergeProposal
    from cio_tui.identity.workspace_view import WorkspaceView
    from cio_tui.tui.viewmodels.csv_rows import ParsedCsv


EMPTY_TEXT = "Press r to search this workspace for leads, or o to open a people export (CSV with cio_id,email,id)."


def describe_proposal(p: MergeProposal) -> str:
    return (
        f"merge lead cio_{p.secondary.cio_id} ({p.secondary.email}) into cio_{p.primary.cio_id}, "
        f"which already holds the id {p.identifier!r}"
    )


class LeadsScreen(IdChangesScreen):
    AREA = "leads"
    AUTO_FOCUS = ""
    MODEL = LeadsModel
    PREFIX = "leads"
    STATUS_ID = "#leads-summary"
    NOTHING_TO_CHECK = "No id is attached yet: type ids (i), paste CSV (v) or load a CSV file (l)."
    CHECKING = "Checking {count} id(s) against the workspace…"
    CHECK_FAILED = "Could not check the ids"
    NOTHING_TO_PLAN = "No row can be planned: correct the rows marked error, or press x for the merge proposals."
    PLAN_MADE = "{planned} lead(s) to convert; {left_out} row(s) left out with reasons (see Leads)."
    NO_PROPOSALS = "No merge proposals: check the ids first (c); an id held by another person becomes one."
    FILE_HINT = "Check the path and the header."
    HELP = (
        "People who have an email but no id (leads), and giving them ids. Attach ids by typing them in the table "
        "(i), pasting email,id CSV (v) or loading a CSV file (l); c checks every id against the workspace (taken by "
        "another person, email-shaped, cio_ prefix, too long, repeated, not a lead); m makes the plan."
    )
    FOOTER_FIRST = ("leads.load", "leads.check", "leads.plan")
    _said_replaced: dict[str, Attached] | None = None  # the CSV rows whose replacements were last notified
    _read_at_apply = 0  # ``applies_ended`` when the leads were read (see ``stale``)
    BINDINGS = [
        Binding("r", "load_live", "Load leads", id="leads.load", tooltip="Search this workspace for leads"),
        Binding(
            "o",
            "open_export",
            "Open export",
            id="leads.export",
            tooltip="Read leads from a people export CSV (cio_id,email,id) instead of searching",
        ),
        Binding("f", "filter", "Filter", id="leads.filter", tooltip="Show only leads matching some words"),
        Binding("i", "type_id", "Type id", id="leads.type_id", tooltip="Type the id for the highlighted lead"),
        Binding("v", "toggle_csv", "Paste CSV", id="leads.paste", tooltip="Show the box to paste email,id rows"),
        Binding("l", "load_csv", "Load ids CSV", id="leads.load_csv", tooltip="Read email,id rows from a file"),
        Binding("c", "check", "Check ids", id="leads.check", tooltip="Check every attached id against the workspace"),
        Binding(
            "m",
            "make_plan",
            "Make plan",
            id="leads.plan",
            tooltip="Check every id and open the conversion plan in Plan/Apply",
        ),
        Binding(
            "x",
            "plan_merges",
            "Plan merges",
            id="leads.merges",
            tooltip="Turn the merge proposals into a merge plan to review (nothing is merged automatically)",
        ),
    ]

    @dataclass
    class LeadsRead(Message):
        leads: list[Any]
        source: str

    def compose_body(self) -> ComposeResult:
        yield Label(EMPTY_TEXT, id="leads-summary", markup=False)
        yield PathPrompt(id="leads-path")
        yield Input(placeholder="filter: email, cio_id or id…", id="leads-filter", compact=True)
        yield LeadsTable(id="leads-table")
        yield Static("", id="leads-detail", markup=False)
        with Horizontal(id="leads-id-row"):
            yield Label("New id:", id="leads-id-label", markup=False)
            yield Input(placeholder="type the id, Enter saves and moves to the next lead", id="leads-id", compact=True)
        yield CsvInput(("email", "id"), required=("email", "id"), id="leads-csv")
        yield Static("", id="leads-proposals", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        for selector in ("#leads-filter", "#leads-id-row", "#leads-csv", "#leads-proposals"):
            self.query_one(selector).display = False

    # -- loading leads -----------------------------------------------------------------------------------
    def action_load_live(self) -> None:
        if self.cio.workspace is None:
            self.notify(NO_WORKSPACE, severity="warning")
            return
        self.query_one("#leads-summary", Label).update("Searching the workspace for leads (email and no id)…")
        self.query_one(LeadsTable).loading = True
        self._search()

    @work(exclusive=True, group="leads", exit_on_error=False)
    async def _search(self) -> None:
        from cio_tui.identity.leads import find_leads

        def found(count: int) -> None:
            self.query_one("#leads-summary", Label).update(f"Searching the workspace for leads… {count} found so far")

        try:
            leads = await find_leads(self.cio.require_workspace().client, scanned=found)
        except Exception as exc:  # noqa: BLE001 - shown in words with what to do
            self.notify(describe_error(exc), title="Could not load leads", severity="error")
            self.query_one(LeadsTable).loading = False
            return
        self.post_message(self.LeadsRead(leads, "live search"))

    def action_open_export(self) -> None:
        self.query_one(PathPrompt).ask("export", "People export CSV:", "people.csv")

    def action_load_csv(self) -> None:
        self.query_one(PathPrompt).ask("ids", "CSV of email,id:", "ids.csv")

    def _read_path(self, purpose: str, path: Path) -> None:
        if purpose != "export":
            super()._read_path(purpose, path)
            return
        from cio_tui.identity.leads import leads_from_export

        self.post_message(self.LeadsRead(leads_from_export(path), path.name))

    @on(LeadsRead)
    def _leads_read(self, message: LeadsRead) -> None:
        self.model.leads, self.model.source = message.leads, message.source
        self._read_at_apply = self.cio.applies_ended
        self.model.checks = {k: v for k, v in self.model.checks.items() if v.severity == "error"}
        table = self.query_one(LeadsTable)
        table.loading = False
        self.query_one("#leads-filter").display = True
        self._refresh()
        table.focus()
        if message.source != "live search" and message.leads and self.cio.workspace is not None:
            self._match_workspace([lead.cio_id for lead in message.leads])

    @work(exclusive=True, group="leads-match", exit_on_error=False, description="Matching the workspace")
    async def _match_workspace(self, cio_ids: list[str]) -> None:
        """Warn when the export's leads are not in the open workspace (a read-only sample)."""
        from cio_tui.identity.duplicates.workspace_match import match_workspace

        try:
            workspace = self.cio.require_workspace()
            match = await match_workspace(workspace.client, cio_ids)
        except Exception:  # noqa: BLE001 - an advisory check: the leads stay usable without it
            return
        if (warning := match.warning(workspace.name)) is not None:
            self.notify(warning, title="Not this workspace's people?", severity="warning", timeout=20, markup=False)

    # -- attaching ids -----------------------------------------------------------------------------------
    def _typed_replaced_by(self, parsed: ParsedCsv) -> int:
        return int(self.model.typed_replaced_by(parsed.rows))

    def _refresh(self) -> None:
        self.query_one(LeadsTable).load(self.model.rows(self.query_one("#leads-filter", Input).value))
        self._row_highlighted()
        counts = self.model.counts()
        if not self.model.leads and self.model.from_csv:  # ids read before the leads: say both, lose neither
            rows = len(self.model.from_csv) + len(self.model.csv_extra)
            summary = (
                f"{rows:,} email,id row(s) read; now load the leads they attach to: press r to search this "
                "workspace, or o to open a people export; then c checks the ids."
            )
        elif not self.model.leads:
            summary = EMPTY_TEXT
        else:
            summary = f"{counts['leads']} lead(s) from {self.model.source} · {counts['attached']} with an id attached"
            if counts["not_leads"]:
                summary += f" · {counts['not_leads']} id(s) for emails that are not leads here"
            parts = [
                f"{counts[k]} {w}"
                for k, w in (("ok", "ready"), ("error", "with errors"), ("merge", "merge proposal(s)"))
                if counts.get(k)
            ]
            if parts:
                summary += " · " + ", ".join(parts)
            if replaced := self.model.replaced_typed:
                summary += f" · the file replaced {replaced} id(s) you had typed"
            if self.stale():
                summary += " · read before the last apply: press r to reload (c still checks each person live)"
        self.query_one("#leads-summary", Label).update(summary)
        self._show_proposals(describe_proposal)
        if self.model.replaced_typed and self._said_replaced is not self.model.from_csv:
            self._said_replaced = self.model.from_csv  # said once per CSV read, not at every redraw
            self.notify(
                f"The CSV names {self.model.replaced_typed} lead(s) whose id you had typed: the file's id replaced "
                "yours (type it again with i to keep yours).",
                title="Typed ids replaced",
                severity="warning",
                timeout=12,
                markup=False,
            )

    def stale(self) -> bool:
        """True when an apply ended since the leads were read: some may have been converted or merged since."""
        return bool(self.model.leads) and self._read_at_apply != self.cio.applies_ended

    def on_screen_resume(self, _event: events.ScreenResume) -> None:  # FocusModel's handler runs too
        if self.model.leads:
            self._refresh()

    def action_filter(self) -> None:
        field = self.query_one("#leads-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#leads-filter")
    def _filter_changed(self) -> None:
        self._refresh()

    @on(Input.Submitted, "#leads-filter")
    def _filter_done(self) -> None:
        self.query_one(LeadsTable).focus()

    def action_type_id(self) -> None:
        lead = self.query_one(LeadsTable).highlighted
        if lead is None:
            self.notify("Load the leads first (r), then highlight one.", severity="warning")
            return
        self.query_one("#leads-id-row").display = True
        self.query_one("#leads-id-label", Label).update(f"New id for {lead.email}:")
        field = self.query_one("#leads-id", Input)
        field.value = lead.new_id
        field.focus()

    @on(Input.Blurred, "#leads-id")
    def _id_left(self) -> None:
        """Leaving the id field (escape, tab, a click elsewhere) hides its "New id for …" prompt line."""
        self.query_one("#leads-id-row").display = False

    @on(DataTable.RowHighlighted, "#leads-table")
    def _row_highlighted(self) -> None:
        lead = self.query_one(LeadsTable).highlighted
        detail = ""
        if lead is not None:
            # both values whole (the table cuts a long email or id at 80 columns): who, and the id to be written
            new_id = f"new id {lead.new_id!r}" if lead.new_id else "no new id yet"
            detail = f"{lead.email} (cio_{lead.cio_id}) -> {new_id}: " + check_text(lead.check).plain
            id_field = self.query_one("#leads-id", Input)
            if self.query_one("#leads-id-row").display and not id_field.has_focus:
                self.query_one("#leads-id-label", Label).update(f"New id for {lead.email}:")
                id_field.value = lead.new_id
        self.query_one("#leads-detail", Static).update(Text(detail))

    @on(DataTable.RowSelected, "#leads-table")
    def _row_selected(self) -> None:
        self.action_type_id()

    @on(Input.Submitted, "#leads-id")
    def _id_typed(self, event: Input.Submitted) -> None:
        table = self.query_one(LeadsTable)
        lead = table.highlighted
        if lead is None:
            return
        self.model.type_id(lead.email, event.value.strip())
        self._refresh()
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1)
            self.action_type_id()

    # -- checking and planning ---------------------------------------------------------------------------
    def _rows_to_check(self) -> list[Any]:
        rows: list[Any] = self.model.id_rows()
        return rows

    async def _build_plan(self, workspace: WorkspaceView, rows: list[Any]) -> tuple[PlanBuild, dict[str, Any]]:
        from cio_tui.identity.leads import plan_lead_conversion

        build = await plan_lead_conversion(
            workspace.client,
            rows,
            workspace_fingerprint=workspace.fingerprint,
            workspace_name=workspace.name,
            leads=self.model.leads or None,
            created_at=self.cio.services.clock(),
        )
        return build, {}

    def _check_failed(self) -> None:
        self._refresh()

    def _say_checked(self, planned: int, left_out: int, open_plan: bool) -> None:
        if not open_plan:
            self.notify(
                f"{planned} ready to convert, {left_out} left out (reasons in the Check column).", title="Ids checked"
            )


__all__ = ["LeadsScreen"]
