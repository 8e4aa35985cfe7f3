"""The Walkthrough's tasks: what its panels ask for (``Task`` messages) run as workers of the screen, checks of the
workspace, the audit, verification, the clean-up plan handed to Plan/Apply, and the report and checklist exports.
Mixed into ``WalkthroughScreen`` (it provides ``service``, ``overview``, ``cio`` and the state's ``_changed``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, assert_never

from textual import work

from cio_tui.tui.screens.walkthrough_rehearsal import RehearsalTasks
from cio_tui.tui.screens.walkthrough_segment import SegmentTasks
from cio_tui.tui.widgets.walkthrough_base import Record, Task
from cio_tui.walkthrough.steps import step_by_key

if TYPE_CHECKING:
    from cio_tui.identity.plan import Plan
    from cio_tui.tui.walkthrough_requests import ExportChecklist, ExportReport, WorkerTask
    from cio_tui.walkthrough.cleanup import CleanupPlan
    from cio_tui.walkthrough.state import WalkthroughState


def plain(text: str) -> Any:
    """Text shown as is: identifiers from a CSV or error details may hold '[' (Textual markup would misread it)."""
    from rich.text import Text

    return Text(text)


class WalkthroughTasks(RehearsalTasks, SegmentTasks):
    """Mixed into ``WalkthroughScreen`` (which sets ``service`` and ``overview`` and has ``_changed`` and the
    panels); the rehearsal and the Segment sections' tasks go to ``RehearsalTasks`` and ``SegmentTasks``."""

    if TYPE_CHECKING:  # the screen's (a stub here would shadow it at run time)

        def _changed(self) -> None: ...

    # -- tasks ----------------------------------------------------------------------------------------
    def handle_task(self, message: Task) -> None:
        """A panel's ``Task`` (the screen's ``@on(Task)`` handler calls this: Textual registers decorated handlers
        only on its own classes, not on a mixin)."""
        message.stop()
        if self.service is None:
            self.notify("Open a workspace first (Connect, key 9).", severity="warning")
            return
        # the requests' classes (a dozen dataclasses) load with the first task, not with the screen's first frame
        from cio_tui.tui.walkthrough_requests import (
            AuditExport,
            AuditLive,
            CheckConnection,
            Cleanup,
            CutoverNow,
            ExportChecklist,
            ExportReport,
            PreviewLine,
            Rehearse,
            SegmentTask,
            Verify,
            ViewReport,
        )

        request = message.request
        match request:
            case CutoverNow(method=method):
                from cio_tui.walkthrough.models import CutoverChoice

                choice = CutoverChoice(method=method, cutover_at=self.cio.services.clock())
                self.post_message(Record(step_by_key("cutover").number, {"cutover": choice}))
            case ExportReport() | ExportChecklist():
                path = Path(request.path).expanduser().absolute()
                state = self._current_overview.state.model_copy(deep=True)
                if isinstance(request, ExportReport):
                    self.service.mark_report_exported(state, path)
                self._export(request, path, state)
            case PreviewLine(path=path_text, line=line):
                self._preview_line(Path(path_text), line)
            case ViewReport(path=path_text):
                self._view_report(Path(path_text))
            case Rehearse(path=path_text, export=export, subscriptions=subscriptions):
                self._rehearse(Path(path_text).expanduser(), export, subscriptions)
            case CheckConnection() | AuditLive() | AuditExport() | Verify() | Cleanup() | SegmentTask():
                self._run_task(request)
            case _:
                assert_never(request)

    @work(group="walkthrough-task", exclusive=True, exit_on_error=False)
    async def _run_task(self, request: WorkerTask) -> None:
        from cio_tui.tui.errors import describe_error
        from cio_tui.tui.walkthrough_requests import (
            AuditExport,
            AuditLive,
            CheckConnection,
            Cleanup,
            SegmentTask,
            Verify,
        )

        self.notify(f"{request.title}…", timeout=3)
        try:
            svc = self._current_service
            match request:
                case CheckConnection():
                    check = await svc.check_connection()
                    self.post_message(Record(step_by_key("connect").number, {"connection": check}))
                case AuditLive() | AuditExport():
                    export = Path(request.path).expanduser() if isinstance(request, AuditExport) else None
                    self.post_message(Record(step_by_key("audit").number, {"audit": await svc.audit(export)}))
                case Verify():
                    self.post_message(Record(step_by_key("verify").number, {"verify": await svc.verify()}))
                case Cleanup(path=path_text, action=action):
                    self._confirm_cleanup(await svc.cleanup(Path(path_text).expanduser(), default_action=action))
                case SegmentTask():  # the Segment sections, through Segment's Public API
                    await self.segment_task(request)
                case _:
                    assert_never(request)
        except Exception as exc:  # every failure becomes words and what to do
            known = getattr(exc, "exit_code", None) == 1  # walkthrough errors already say what to do
            self.notify(
                str(exc) if known else describe_error(exc),
                title=request.title,
                severity="error",
                timeout=12,
                markup=False,
            )

    def _confirm_cleanup(self, result: CleanupPlan) -> None:
        from cio_tui.tui.modals.confirm import ConfirmModal

        skipped = "\n".join(f"line {e.line}: {e.identifier} left out: {e.reason}" for e in result.excluded[:5])
        if result.plan is None:
            self.notify(
                "No plan: no row names an existing person.\n" + skipped, severity="warning", timeout=12, markup=False
            )
            return
        counts = result.counts()
        body = (
            f"{counts['delete']} to delete, {counts['suppress']} to suppress, {counts['excluded']} left out.\n"
            f"{skipped}\n\n{result.warning}\n\nOpen this plan in Plan/Apply for review? Nothing is sent until "
            "you confirm there by typing the workspace name."
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._hand_over(result)

        self.app.push_screen(
            ConfirmModal("Delete / suppress people", plain(body), yes="Review plan", no="Discard"), answered
        )

    @work(thread=True, group="walkthrough-state", exit_on_error=False)
    def _hand_over(self, result: CleanupPlan) -> None:
        from cio_tui.identity.plan import save_plan

        plan = result.plan
        if plan is None:  # _confirm_cleanup offers only a plan that was made
            return
        folder = self._current_service.data_dir / "plans"
        folder.mkdir(parents=True, exist_ok=True)
        key = self._current_service.workspace.plan_key()
        path = save_plan(plan, folder / f"cleanup-{plan.plan_id}.json", key=key)
        self.app.call_from_thread(self._plan_saved, result, plan, path)

    def _plan_saved(self, result: CleanupPlan, plan: Plan, path: Path) -> None:
        self._current_overview.state.plans.append(self._current_service.plan_record(result, path))
        self._changed()
        self.cio.open_plan(plan)

    @work(thread=True, group="walkthrough-state", exit_on_error=False)
    def _export(self, request: ExportReport | ExportChecklist, path: Path, state: WalkthroughState) -> None:
        """Write the report or checklist; the report counts as exported (its step's "done when") only once the file
        is written."""
        from cio_tui.tui.walkthrough_requests import ExportReport

        report = isinstance(request, ExportReport)
        what = "report" if report else "checklist"
        try:
            if report:
                self._current_service.render_report(state, path)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)  # as the report does
                path.write_text(self._current_service.checklist_markdown(state), encoding="utf-8")
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.app.call_from_thread(
                self.notify,
                f"Could not write the {what} to {path}: {reason}. Type another path (a folder that "
                "exists and that you can write to) and export again.",
                title="Export failed",
                severity="error",
                timeout=15,
                markup=False,
            )
            return
        if report:
            self.app.call_from_thread(self._report_written, path)
        self.app.call_from_thread(self.notify, f"The {what} is written to {path}", title="Export", markup=False)

    def _report_written(self, path: Path) -> None:
        self._current_service.mark_report_exported(self._current_overview.state, path)
        self._changed()


__all__ = ["WalkthroughTasks", "plain"]
