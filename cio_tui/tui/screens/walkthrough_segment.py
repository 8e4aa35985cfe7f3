"""The Walkthrough screen's Segment tasks (the prepare, cut-over and verify steps): workers over
``walkthrough.segment_side``, the typed confirmation before any Segment write, and the results handed to the steps'
Segment sections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

if TYPE_CHECKING:
    from cio_tui.walkthrough.segment_side import SegmentView

from cio_tui.tui.screens.walkthrough_host import WalkthroughHost

if TYPE_CHECKING:
    from cio_tui.cutover.plan import SegmentPlan
    from cio_tui.tui.walkthrough_requests import SegmentTask


class SegmentTasks(WalkthroughHost):
    """Mixed into ``WalkthroughScreen`` (which sets ``service`` and ``overview``)."""

    def _segment_side(self) -> Any:
        from cio_tui.segment_api.connect import open_segment
        from cio_tui.walkthrough.segment_side import SegmentSide

        services, ws = self.cio.services, self._current_service.workspace
        return SegmentSide(
            ws,
            lambda: open_segment(services.settings, services.credentials, ws),
            saved_calls=lambda: self._current_service.saved_calls(self._current_overview.state) or None,
            now=services.clock,
        )

    def _segment_show(self, step: int, view: SegmentView) -> None:
        from cio_tui.tui.widgets.walkthrough_segment import SegmentSection  # panels are imported when shown

        for section in self.query(SegmentSection):
            if section.step == step or (view.problem is not None):
                section.show_view(view.lines())

    async def segment_task(self, request: SegmentTask) -> None:
        """Run in the screen's task worker."""
        side, step, action = self._segment_side(), request.step, request.action
        if action == "read":
            view = await side.read()
        elif action == "verify":
            view = await side.verify(self._current_overview.state.cutover.cutover_at)
        else:
            cut = self._current_overview.state.cutover
            if action == "cutover" and cut.method is None:
                self.notify(
                    "Choose the cut-over method above first (and the time, for received_at filters).",
                    severity="warning",
                )
                return
            method = "filters" if cut.method == "received_at_filters" else "one-step"
            if action == "prepare":
                view = await side.plan("prepare")
            elif action == "rollback":
                view = await side.plan("rollback")
            else:
                view = await side.plan("cutover", method=method, at=cut.cutover_at if method == "filters" else None)
            if view.plan is not None:
                self._segment_show(step, view)
                self._confirm_segment(step, view)
                return
        self._segment_show(step, view)

    def _confirm_segment(self, step: int, view: SegmentView) -> None:
        from cio_tui.cutover.review import switch_lines
        from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
        from cio_tui.tui.viewmodels.confirm_request import ConfirmRequest

        plan, ws = view.plan, self._current_service.workspace
        assert plan is not None, "only a view with a plan is confirmed"
        if not plan.operations:
            self.notify("Nothing to do: Segment is already in that state.", title="Segment")
            return
        request = ConfirmRequest(
            workspace=ws.name,
            action=f"Apply {len(plan.operations)} Segment operation(s)",
            # the switch first, then every operation (the list scrolls; none is left out)
            summary=[*switch_lines(plan), "", *(f"{i}. {op.summary}" for i, op in enumerate(plan.operations, 1))],
            is_live=not getattr(ws, "is_sandbox", False),
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._segment_apply(step, plan)
            else:
                self.notify("Nothing was sent to Segment.", title="Cut-over cancelled")

        self.app.push_screen(ConfirmTypedModal(request), confirmed)

    @work(group="walkthrough-segment", exclusive=True, exit_on_error=False, description="Applying a segment plan")
    async def _segment_apply(self, step: int, plan: SegmentPlan) -> None:
        from cio_tui.tui.errors import describe_error

        self.notify("Applying the Segment plan…", timeout=3)
        try:
            view = await self._segment_side().apply(plan)
        except Exception as exc:  # every failure becomes words and what to do
            self.notify(describe_error(exc), title="Segment", severity="error", timeout=12, markup=False)
            return
        self._segment_show(step, view)
        self._tick_done(plan, view)
        if view.applied is not None and view.applied.ok and plan.method in ("one-step", "filters"):
            self._record_switch(plan)

    def _tick_done(self, plan: SegmentPlan, view: SegmentView) -> None:
        """Tick the prepare checklist's items the applied plan carried out (per the journal), beside the operator's."""
        from cio_tui.tui.widgets.walkthrough_base import Record
        from cio_tui.walkthrough.checklist_applied import done_by_plan
        from cio_tui.walkthrough.steps import step_by_key, step_ref

        overview = self._current_overview
        state = overview.state
        keys = done_by_plan(plan, view.op_states, overview.checklist, classic_datacenter=state.classic.datacenter)
        ticked = {key for key, value in state.checklist.items() if value}
        new = keys - ticked
        if new:
            checklist = dict.fromkeys(sorted(ticked | keys), True)
            self.post_message(Record(step_by_key("prepare").number, {"checklist": checklist}))
            self.notify(
                f"Ticked {len(new)} checklist item(s) of {step_ref('prepare')} that the applied plan did; "
                "the preset decisions stay yours to tick.",
                title="Checklist",
                timeout=8,
                markup=False,
            )

    def _record_switch(self, plan: SegmentPlan) -> None:
        """The cut-over step records how and when the switch happened (the time verification starts from)."""
        from cio_tui.tui.widgets.walkthrough_base import Record
        from cio_tui.walkthrough.models import CutoverChoice, CutoverMethod
        from cio_tui.walkthrough.steps import step_by_key, step_ref

        method: CutoverMethod = "received_at_filters" if plan.method == "filters" else "one_step"
        when = plan.cutover_at if plan.method == "filters" else self.cio.services.clock()  # one-step: just now
        choice = CutoverChoice(method=method, cutover_at=when)
        before = self._current_overview.state.cutover.cutover_at
        if when is not None and before != when:  # the time verification starts from: never changed unsaid
            shown = f"{when:%Y-%m-%d %H:%M} UTC"
            was = f"; it replaces the {before:%Y-%m-%d %H:%M} UTC written before" if before is not None else ""
            self.notify(
                f"Cut-over time recorded: {shown}, the moment of the one-step switch{was}. Verification "
                f"({step_ref('verify')}) "
                "looks at what happened since then.",
                title=step_ref("cutover").capitalize(),
                timeout=12,
                markup=False,
            )
        self.post_message(Record(step_by_key("cutover").number, {"cutover": choice}))


__all__ = ["SegmentTasks"]
