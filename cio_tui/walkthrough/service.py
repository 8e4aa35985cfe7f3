"""The walkthrough as one service for the CLI and the TUI: state, saved calls, checks, report, clean-up.

Built from a ``Workspace`` (``name``, ``fingerprint``, ``is_sandbox``, ``data_dir``, ``client``). Every method that
reads the workspace is async; every method that changes the state saves it before returning.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.walkthrough import _segment_adapter
from cio_tui.walkthrough.behaviour import BehaviourChange, behaviour_changes
from cio_tui.walkthrough.calls import PreviewedCall
from cio_tui.walkthrough.checklist import ChecklistItem, build_checklist, checklist_markdown
from cio_tui.walkthrough.history import JournalSummary
from cio_tui.walkthrough.journal_summary import journal_summary
from cio_tui.walkthrough.models import AuditCounts, ConnectionCheck, PlanRecord, VerifyResult
from cio_tui.walkthrough.progress import complete_if_ready, missing
from cio_tui.walkthrough.risks import Risk, open_risks
from cio_tui.walkthrough.state import Clock, Recorded, WalkthroughState, WalkthroughStore, utc_now
from cio_tui.walkthrough.status import StepStatus
from cio_tui.walkthrough.steps import REPORT_STEP, step_by_key

if TYPE_CHECKING:  # the audit, clean-up, verification and report modules load when first used, not with the overview
    from cio_tui.walkthrough.cleanup import Action, CleanupPlan


@dataclass
class Overview:
    """Everything the walkthrough shows at once, computed from the state and the local files."""

    state: WalkthroughState
    calls: list[PreviewedCall]
    changes: list[BehaviourChange]
    checklist: list[ChecklistItem]
    journal: JournalSummary
    missing: dict[int, list[str]]
    risks: list[Risk]
    saved_sets: list[str]


class WalkthroughService:
    def __init__(self, workspace: WorkspaceView, *, now: Clock = utc_now) -> None:
        self.workspace = workspace
        self.now = now
        self.data_dir = Path(workspace.data_dir)
        self.store = WalkthroughStore.for_workspace(workspace, now=now)

    # -- state ----------------------------------------------------------------------------------------
    def load(self) -> WalkthroughState:
        return self.store.load()

    def save(self, state: WalkthroughState) -> WalkthroughState:
        self.store.save(state)
        return state

    def overview(self, state: WalkthroughState | None = None) -> Overview:
        """Read the saved calls and the journal, and derive the checklist, missing items and risks (local IO only)."""
        state = state or self.load()
        calls = self.saved_calls(state)
        changes = behaviour_changes(calls)
        items = build_checklist(calls, state)
        journal = journal_summary(self.data_dir)
        if any(p.done for p in journal.plans):  # a plan applied on Plan/Apply is work on the repair step
            state.touch(step_by_key("repair").number, now=self.now())  # (in memory: saved with the state's next change)
        names = self.saved_set_names()
        gaps = {n: missing(state, n, checklist=items, applied=journal.plans, saved_sets=names) for n in state.steps}
        risks = open_risks(state, changes=changes, checklist=items, applied=journal.plans)
        return Overview(state, calls, changes, items, journal, gaps, risks, names)

    def refresh(self, state: WalkthroughState) -> WalkthroughState:
        """Mark every step whose "done" condition now holds as done, then save."""
        ov = self.overview(state)
        now = self.now()
        for number in state.steps:
            if state.step(number).status is not StepStatus.NOT_STARTED and not ov.missing[number]:
                complete_if_ready(state, number, now=now, checklist=ov.checklist, applied=ov.journal.plans)
        return self.save(state)

    def set_status(self, number: int, status: StepStatus | str, *, reason: str | None = None) -> WalkthroughState:
        state = self.load()
        state.set_status(number, status, reason=reason, now=self.now())
        return self.save(state)

    # -- saved calls ----------------------------------------------------------------------------------
    def saved_set_names(self) -> list[str]:
        return _segment_adapter.saved_set_names(self.data_dir)

    def saved_calls(self, state: WalkthroughState) -> list[PreviewedCall]:
        """The previewed calls of the reviewed sets (every saved set when none was marked reviewed yet)."""
        names = state.reviewed_sets or None
        return _segment_adapter.previewed_calls(
            self.data_dir, names, convert_to_unix_time=state.classic.convert_to_unix_time
        )

    # -- checks that read the workspace ------------------------------------------------------------------
    async def check_connection(self) -> ConnectionCheck:
        client = self.workspace.client
        try:
            info = await client.region()
        except Exception as exc:  # noqa: BLE001 - any failure is reported to the operator in words
            return ConnectionCheck(checked_at=self.now(), ok=False, detail=str(exc) or type(exc).__name__)
        return ConnectionCheck(checked_at=self.now(), ok=True, region=info.region, detail=f"Track API at {info.url}")

    async def audit(self, export: Path | None = None, *, price_per_profile: float | None = None) -> AuditCounts:
        """The audit step's counts; ``price_per_profile`` (else ``CIO_TUI_PRICE_PER_PROFILE``) prices the duplicates."""
        from cio_tui.identity.duplicates.cost import price_per_profile as operator_price
        from cio_tui.walkthrough.audit import audit_export, audit_live

        price = operator_price(price_per_profile)
        if export is not None:
            return await asyncio.to_thread(audit_export, export, now=self.now(), price_per_profile=price)
        return await audit_live(
            self.workspace.client, now=self.now(), work_dir=self.data_dir / "audit", price_per_profile=price
        )

    async def verify(self, *, sample: int = 20) -> VerifyResult:
        from cio_tui.walkthrough.verify import verify_workspace

        state = self.load()
        return await verify_workspace(
            self.workspace.client, now=self.now(), since=state.cutover.cutover_at, sample=sample
        )

    async def cleanup(self, csv_path: Path, *, default_action: Action | None = None) -> CleanupPlan:
        from cio_tui.walkthrough.cleanup import build_cleanup_plan, read_cleanup_csv

        rows = read_cleanup_csv(csv_path, default_action=default_action)
        return await build_cleanup_plan(
            self.workspace.client,
            rows,
            workspace_fingerprint=self.workspace.fingerprint,
            workspace_name=self.workspace.name,
            now=self.now(),
        )

    # -- recording results ----------------------------------------------------------------------------
    def record(self, number: int, **fields: Unpack[Recorded]) -> WalkthroughState:
        """Store results on the state (e.g. ``audit=...``), mark the step in progress or done, save."""
        state = self.load()
        state.record(number, fields, now=self.now())
        return self.refresh(state)

    def plan_record(self, cleanup: CleanupPlan, path: Path) -> PlanRecord:
        assert cleanup.plan is not None
        return PlanRecord(
            plan_id=cleanup.plan.plan_id,
            kind=str(cleanup.plan.source),
            path=str(path),
            operations=len(cleanup.plan.operations),
            created_at=self.now(),
            description=cleanup.warning,
        )

    def record_plan(self, cleanup: CleanupPlan, path: Path) -> WalkthroughState:
        state = self.load()
        state.plans.append(self.plan_record(cleanup, path))
        return self.save(state)

    # -- exports --------------------------------------------------------------------------------------
    def checklist_markdown(self, state: WalkthroughState | None = None) -> str:
        ov = self.overview(state)
        title = f"Prepare Actions checklist: {ov.state.workspace_name or 'workspace'}"
        return checklist_markdown(ov.checklist, ov.state.checklist, title=title)

    def report_markdown(self, state: WalkthroughState | None = None, *, now: datetime | None = None) -> str:
        from cio_tui.walkthrough.report import build_report

        ov = self.overview(state)
        return build_report(
            ov.state, now=now or self.now(), changes=ov.changes, checklist=ov.checklist, journal=ov.journal
        )

    def mark_report_exported(self, state: WalkthroughState, out: Path) -> None:
        """Record the export on ``state``; the report step is done when every other step is finished (else the file is a
        progress report and the report step stays in progress). No IO."""
        now = self.now()
        state.report_path = str(out)
        state.report_exported_at = now
        complete_if_ready(state, REPORT_STEP, now=now)

    def render_report(self, state: WalkthroughState, out: Path) -> Path:
        """Write the report of ``state`` to ``out`` (the state file is not touched)."""
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(self.report_markdown(state, now=state.report_exported_at or self.now()), encoding="utf-8")
        return out

    def write_report(self, out: Path) -> Path:
        """Write the report and save the export (the report step done when it is the final report)."""
        state = self.load()
        self.mark_report_exported(state, out)
        self.render_report(state, out)
        self.save(state)
        return Path(out)
