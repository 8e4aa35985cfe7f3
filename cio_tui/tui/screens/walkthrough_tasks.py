"""The Walkthrough's tasks: what its panels ask for (``Task`` messages) run as workers of the screen, checks of the
workspace, the audit, verification, the clean-up plan handed to Plan/Apply, and the report and checklist exports.
Mixed into ``WalkthroughScreen`` (it provides ``service``, ``overview``, ``cio`` and the state's ``_changed``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work

from cio_tui.tui.screens.walkthrough_rehearsal import RehearsalTasks
from cio_tui.tui.screens.walkthrough_segment import SegmentTasks
from cio_tui.tui.widgets.walkthrough_base import Record, Task
from cio_tui.walkthrough.steps import step_by_key

if TYPE_CHECKING:
    from cio_tui.identity.plan import Plan
    from cio_tui.walkthrough.cleanup import CleanupPlan
    from cio_tui.walkthrough.state import WalkthroughState


def plain(text: str) -> Any:
    """Text shown as is: identifiers from a CSV or error details may hold '[' (Textual markup would misread it)."""
    from rich.text import Text

    return Text(text)


class WalkthroughTasks(RehearsalTasks, SegmentTasks):
    """Mixed into ``WalkthroughScreen`` (which sets ``service`` and ``overview`` and has ``_changed`` and the
    panels); steps 4 and 6-8 hand their tasks to ``RehearsalTasks`` and ``SegmentTasks``."""

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
        if message.kind == "cutover_now":
            from cio_tui.walkthrough.models import CutoverChoice

            choice = CutoverChoice(method=message.args.get("method"), cutover_at=self.cio.services.clock())
            self.post_message(Record(step_by_key("cutover").number, {"cutover": choice}))
        elif message.kind in ("export_report", "export_checklist"):
            path = Path(message.args["path"]).expanduser().absolute()
            state = self._current_overview.state.model_copy(deep=True)
            if message.kind == "export_report":
                self.service.mark_report_exported(state, path)
            self._export(message.kind, path, state)
        elif message.kind == "preview_line":
            self._preview_line(Path(message.args["path"]), int(message.args["line"]))
        elif message.kind == "view_report":
            self._view_report(Path(message.args["path"]))
        elif message.kind == "rehearse":
            args = message.args
            self._rehearse(Path(args["path"]).expanduser(), args.get("export"), args.get("subscriptions"))
        else:
            self._run_task(message.kind, message.args)

    @work(group="walkthrough-task", exclusive=True, exit_on_error=False)
    async def _run_task(self, kind: str, args: dict[str, Any]) -> None:
        from cio_tui.tui.errors import describe_error

        names = {
            "check_connection": "Checking the workspace",
            "audit_live": "Auditing the live workspace",
            "audit_export": "Auditing the export",
            "verify": "Verifying",
            "cleanup": "Planning the clean-up",
            "segment_read": "Reading Segment",
            "segment_prepare": "Planning the Actions destination",
            "segment_cutover": "Planning the cut-over",
            "segment_rollback": "Planning the rollback",
            "segment_verify": "Verifying deliveries",
        }
        self.notify(f"{names.get(kind, kind)}…", timeout=3)
        try:
            svc = self._current_service
            if kind == "check_connection":
                check = await svc.check_connection()
                self.post_message(Record(step_by_key("connect").number, {"connection": check}))
            elif kind in ("audit_live", "audit_export"):
                export = Path(args["path"]).expanduser() if kind == "audit_export" else None
                self.post_message(Record(step_by_key("audit").number, {"audit": await svc.audit(export)}))
            elif kind == "verify":
                self.post_message(Record(step_by_key("verify").number, {"verify": await svc.verify()}))
            elif kind == "cleanup":
                self._confirm_cleanup(
                    await svc.cleanup(Path(args["path"]).expanduser(), default_action=args.get("action"))
                )
            elif kind.startswith("segment_"):  # steps 6-8 through Segment's Public API
                await self.segment_task(kind, args)
        except Exception as exc:  # every failure becomes words and what to do
            known = getattr(exc, "exit_code", None) == 1  # walkthrough errors already say what to do
            self.notify(
                str(exc) if known else describe_error(exc),
                title=names.get(kind, kind),
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
    def _export(self, kind: str, path: Path, state: WalkthroughState) -> None:
        """Write the report or checklist; the report counts as exported (step 9) only once the file is written."""
        what = "report" if kind == "export_report" else "checklist"
        try:
            if kind == "export_report":
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
        if kind == "export_report":
            self.app.call_from_thread(self._report_written, path)
        self.app.call_from_thread(self.notify, f"The {what} is written to {path}", title="Export", markup=False)

    def _report_written(self, path: Path) -> None:
        self._current_service.mark_report_exported(self._current_overview.state, path)
        self._changed()


__all__ = ["WalkthroughTasks", "plain"]
