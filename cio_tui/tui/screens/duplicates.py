"""Duplicates: groups of people who are one person, from a people export (a file, or exported live), ranked by
confidence and size. The operator compares the members side by side (conflicting values said in words), swaps the
primary, excludes a group or accepts one that needs review, and makes the merge plan, which opens in Plan/Apply.

Loading groups (a file, a result table, a live export) is ``duplicates_loading.py``; the calibration of the export
header is ``duplicates_calibration.py``. The table holds one page of groups at a time (see
``viewmodels/duplicates_model.py``), so tens of thousands of groups stay fast to move through and to filter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Label, ProgressBar

from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenPlan
from cio_tui.tui.screens.duplicates_calibration import CALIBRATE
from cio_tui.tui.screens.duplicates_loading import DuplicatesLoading
from cio_tui.tui.viewmodels.duplicates_model import DuplicatesModel
from cio_tui.tui.widgets.csv_path import PathPrompt
from cio_tui.tui.widgets.duplicates_chart import DuplicatesChart
from cio_tui.tui.widgets.duplicates_compare import GroupCompare
from cio_tui.tui.widgets.duplicates_table import GroupsTable

EMPTY_TEXT = (
    "No duplicate groups yet. o opens a people export or a result table (CSV or Parquet); l exports the people of "
    "this workspace now."
)

if TYPE_CHECKING:
    from cio_tui.identity.duplicates.merge_plan import MergePlanBuild


class DuplicatesScreen(DuplicatesLoading):
    AREA = "duplicates"
    AUTO_FOCUS = ""
    HELP = (
        "Finding people who are the same person, and merging them. Groups come from a people export (o), a result "
        "table the rules wrote in a warehouse, PostgreSQL or Spark (o: its people are re-read live first), or a live "
        "export (l), ranked by confidence, then size. The primary (the survivor) is the oldest person holding a real "
        "id; p picks another member, x excludes a group, a accepts a group that needs review (two different real "
        "ids), c switches the plan between high and medium confidence, m makes the merge plan for Plan/Apply. k "
        "exports one known person to record this workspace's real export header; exports opened later are checked "
        "against it."
    )
    FOOTER_FIRST = ("duplicates.open", "duplicates.primary", "duplicates.exclude", "duplicates.plan")
    BINDINGS = [
        Binding("o", "open_export", "Open export", id="duplicates.open", tooltip="Analyse a people export CSV file"),
        Binding(
            "l",
            "live_export",
            "Live export",
            id="duplicates.live",
            tooltip="Export the people of this workspace now, then analyse the file",
        ),
        Binding("f", "filter", "Filter", id="duplicates.filter", tooltip="Show only groups matching some words"),
        Binding(
            "p",
            "next_primary",
            "Swap primary",
            id="duplicates.primary",
            tooltip="Make the next member of the highlighted group its primary",
        ),
        Binding(
            "x",
            "exclude",
            "Exclude",
            id="duplicates.exclude",
            tooltip="Leave the highlighted group out of the plan (again to bring it back)",
        ),
        Binding(
            "a",
            "force",
            "Accept anyway",
            id="duplicates.force",
            tooltip="Plan the highlighted group although it needs review (again to undo)",
        ),
        Binding(
            "c",
            "confidence",
            "Min confidence",
            id="duplicates.confidence",
            tooltip="Plan groups of high confidence only, or medium and high",
        ),
        Binding(
            "m",
            "make_plan",
            "Make plan",
            id="duplicates.plan",
            tooltip="Turn the merge-ready groups into a merge plan and open it in Plan/Apply",
        ),
        CALIBRATE,
    ]

    def __init__(self) -> None:
        super().__init__()
        self.model = DuplicatesModel()
        self.foreign_warning: str | None = None  # set when the export's people are not in the open workspace
        self.last_plan: MergePlanBuild | None = None  # the build behind the last plan sent to Plan/Apply
        self._read_at_apply = 0  # ``applies_ended`` when the groups were read or last re-read live

    def compose_body(self) -> ComposeResult:
        yield Label(EMPTY_TEXT, id="dup-summary", markup=False)
        yield PathPrompt(id="dup-path")
        with Horizontal(id="dup-progress-row"):
            yield ProgressBar(total=100, show_eta=False, id="dup-progress")
            yield Label("", id="dup-stage", markup=False)
        yield Input(placeholder="filter: words in rules, state, cio_id, id or email…", id="dup-filter")
        with Horizontal(id="dup-main"):
            yield GroupsTable(id="dup-table")
            yield DuplicatesChart(id="dup-chart")
        yield Label("", id="dup-filter-line", markup=False)
        yield GroupCompare(id="dup-group")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#dup-filter").display = False
        self.query_one("#dup-progress-row").display = False
        self.query_one(GroupCompare).display = False  # shown once a group is highlighted

    def load_groups(
        self,
        groups: list[Any],
        *,
        source: str,
        summary: dict[str, Any] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        """Show these groups (best first). Public so tests and benchmarks can hand in groups directly."""
        self.model.load(groups, source=source, summary=summary or {}, problems=problems or [])
        self._read_at_apply = self.cio.applies_ended
        self.query_one(GroupsTable).show(self.model.page())
        self.query_one(DuplicatesChart).show(self.model.by_rule(), self.model.by_size())
        self._update_lines()
        self._show_highlighted()
        if groups:
            self.query_one(GroupsTable).focus()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(DuplicatesChart).terminal_resized(event.size.width)

    def _update_lines(self) -> None:
        status = self.model.status_line() or (
            f"No duplicate groups in {self.model.source}." if self.model.source else EMPTY_TEXT
        )
        if self.model.groups and self._read_at_apply != self.cio.applies_ended:
            status += " An apply ended since these groups were read: m re-reads their people before planning."
        # no layout pass on every keystroke; the summary wraps to its whole text (up to 4 lines at 80 columns), so
        # it is laid out again only when its words change (a load, an exclude, a swap), never cut mid-sentence
        summary = self.query_one("#dup-summary", Label)
        if summary.content != status:
            summary.update(status)
        self.query_one("#dup-filter-line", Label).update(self.model.filter_line(), layout=False)

    # -- table, filter, compare -----------------------------------------------------------------------------
    @property
    def highlighted(self) -> Any:
        index = self.query_one(GroupsTable).highlighted_index
        return None if index is None else self.model.groups[index]

    def _show_highlighted(self) -> None:
        self.query_one(GroupCompare).show(self.highlighted)

    @on(DataTable.RowHighlighted, "#dup-table")
    def _row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_highlighted()

    @on(GroupsTable.NeedMore)
    def _need_more(self, _message: GroupsTable.NeedMore) -> None:
        start = self.model.more()
        if start < self.model.shown:
            self.query_one(GroupsTable).append(self.model.page(start))
            self._update_lines()

    def action_filter(self) -> None:
        field = self.query_one("#dup-filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#dup-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.apply_filter(event.value)

    def apply_filter(self, query: str) -> None:
        self.model.set_query(query)
        self.query_one(GroupsTable).show(self.model.page())
        self._update_lines()
        self._show_highlighted()

    # -- choices ------------------------------------------------------------------------------------------------
    def _choose(self, change: str) -> None:
        index = self.query_one(GroupsTable).highlighted_index
        if index is None:
            self.notify("No group is highlighted: load groups first (o or l).", severity="warning")
            return
        group = getattr(self.model, change)(index)
        self.query_one(GroupsTable).refresh_group(index, group)
        self._update_lines()
        self._show_highlighted()

    def action_next_primary(self) -> None:
        self._choose("next_primary")

    def action_exclude(self) -> None:
        self._choose("toggle_exclude")

    def action_force(self) -> None:
        self._choose("toggle_force")

    def action_confidence(self) -> None:
        level = self.model.cycle_min_confidence()
        self._update_lines()
        self.notify(f"The plan takes groups of {level.value} confidence and above.")

    def on_screen_resume(self, _event: events.ScreenResume) -> None:  # FocusModel's handler runs too
        if self.model.groups:
            self._update_lines()

    def action_make_plan(self) -> None:
        if self.cio.workspace is None:
            self.notify(
                "No workspace is open: open one in Connect (press 9); the plan is made for it.", severity="warning"
            )
            return
        if self.model.groups and self._read_at_apply != self.cio.applies_ended:
            self._recheck_then_plan()
        else:
            self._make_plan()

    @work(exclusive=True, group="duplicates", exit_on_error=False)
    async def _recheck_then_plan(self) -> None:
        """An apply ended since the groups were read: their people may be merged away or changed. Read them live
        and mark those groups stale, so no plan presents an already-merged secondary as a merge to make."""
        from cio_tui.identity.duplicates.freshness import mark_stale

        applies = self.cio.applies_ended
        self.query_one("#dup-summary", Label).update("Re-reading the people of these groups (an apply ended)…")
        try:
            marked = await mark_stale(self.cio.require_workspace().client, self.model.groups)
        except Exception as exc:  # noqa: BLE001 - shown in words; nothing is planned from unchecked groups
            self._update_lines()
            self.notify(describe_error(exc), title="Could not re-read the groups' people", severity="error")
            return
        self._read_at_apply = applies
        self.model.refresh_states()
        self.query_one(GroupsTable).show(self.model.page())
        self._update_lines()
        self._show_highlighted()
        if marked:
            self.notify(
                f"{marked} group(s) changed since they were read (people merged away or given other ids): marked "
                "STALE and left out of the plan. Group again (l or o) to see them as they are now.",
                title="Stale groups",
                severity="warning",
                timeout=12,
            )
        self._make_plan()

    def _make_plan(self) -> None:
        from cio_tui.identity.duplicates.merge_plan import build_merge_plan

        workspace = self.cio.require_workspace()
        if not self.model.planned_groups():
            self.notify(
                "No merge-ready group at this confidence: load groups, accept or un-exclude some, or press "
                "c for medium confidence.",
                severity="warning",
            )
            return
        build = build_merge_plan(
            self.model.groups,
            workspace_fingerprint=workspace.fingerprint,
            workspace_name=workspace.name,
            min_confidence=self.model.min_confidence,
            source_note=self.model.source,
        )
        self.last_plan = build
        self.post_message(OpenPlan(build.plan))


__all__ = ["DuplicatesScreen"]
