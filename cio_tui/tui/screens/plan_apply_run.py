"""The Plan/Apply screen's apply: the typed confirmation, the apply engine in an async worker (its events become
messages: operation states, progress counts, the lease notices), pause, resume and cancel, and the run's outcome.
The engine decides what is sent and journals it; this module only starts it and shows what it reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message

from cio_tui.identity.apply_events import NoticeEvent
from cio_tui.identity.plan import Plan
from cio_tui.identity.plan_checks import OpCheck, check_summary
from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.viewmodels.plan_confirm import NothingToApply, apply_request, starting_stats
from cio_tui.tui.viewmodels.plan_phase import RUNNING, Phase, end_state, phase_after
from cio_tui.tui.viewmodels.plan_text import apply_outcome, paused_note, stats_from_progress
from cio_tui.tui.widgets.apply_progress import ApplyProgress
from cio_tui.tui.widgets.plan_table import PlanTable

if TYPE_CHECKING:
    from cio_tui.identity.apply import ApplyEngine
    from cio_tui.identity.apply_events import ApplyResult
    from cio_tui.identity.apply_events import EngineEvent as ApplyEvent


class PlanRun(AreaScreen):
    """Applying the open plan; the screen's ``_show_phase``, ``_status``, ``_show_detail`` and
    ``_refused_while_loading`` show the rest."""

    plan: Plan | None
    checks: list[OpCheck]
    prior_states: dict[str, str]
    phase: Phase
    engine: ApplyEngine | None
    result: ApplyResult | None
    _started: datetime | None

    @dataclass
    class EngineEvent(Message):
        event: ApplyEvent

        def can_replace(self, message: Message) -> bool:
            """A newer progress count replaces a queued one (per-operation events are never dropped)."""
            return (
                isinstance(message, PlanRun.EngineEvent)
                and not hasattr(message.event, "op_id")
                and not hasattr(self.event, "op_id")
            )

    @dataclass
    class ApplyEnded(Message):
        result: ApplyResult | None
        error: str = ""
        states: dict[str, str] = field(default_factory=dict)  # every operation's state as the run left it

    def _show_phase(self) -> None:
        """Show what the phase shows (the screen's)."""
        raise NotImplementedError

    def _status(self, text: str) -> None:
        """Put ``text`` on the status line (the screen's)."""
        raise NotImplementedError

    def _show_detail(self) -> None:
        """Show the highlighted operation's detail (the screen's)."""
        raise NotImplementedError

    def _refused_while_loading(self) -> bool:
        """True (and said) while the plan is not all in the table (the screen's)."""
        raise NotImplementedError

    def action_apply(self) -> None:
        plan = self.plan
        if plan is None or self.phase in RUNNING or self._refused_while_loading():
            return
        checked = check_summary(self.checks) if self.checks else ""
        try:
            request = apply_request(plan, self.cio.workspace, self.prior_states, checked)
        except NothingToApply as why:
            self.notify(str(why), title="Nothing to apply", severity="warning", timeout=12)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._start_apply(plan)
            else:
                self.notify("Nothing was sent.", title="Apply cancelled")

        self.app.push_screen(ConfirmTypedModal(request), confirmed)

    def _start_apply(self, plan: Plan) -> None:
        if self.plan is not plan or not self.query_one(PlanTable).complete:  # what is sent is what was all shown
            self.notify("The plan on screen changed or is not all shown: nothing was sent.", severity="warning")
            return
        self.phase = "applying"
        self._started = self.cio.services.clock()
        self.query_one(ApplyProgress).update_stats(starting_stats(plan, self.prior_states))
        self.query_one(PlanTable).queue_unfinished("queued for this run; checked again just before sending")
        self._show_detail()
        self._status("Applying… p pauses, x cancels. Done operations are never sent twice.")
        self._show_phase()
        self._run_apply(plan)

    @work(exclusive=True, group="apply", exit_on_error=False, description="Applying a plan")
    async def _run_apply(self, plan: Plan) -> None:
        from cio_tui.identity.apply import ApplyEngine

        engine = ApplyEngine.for_workspace(
            self.cio.require_workspace(), plan, on_event=lambda event: self.post_message(self.EngineEvent(event))
        )
        self.engine = engine
        try:
            result = await engine.run()
        except Exception as exc:  # noqa: BLE001 - shown in words; the journal has what happened
            from cio_tui.tui.errors import describe_error

            self.post_message(self.ApplyEnded(None, describe_error(exc), self._left_states(engine)))
            return
        finally:
            engine.journal.close()
            self.engine = None
        self.post_message(self.ApplyEnded(result, states=self._left_states(engine)))

    @staticmethod
    def _left_states(engine: ApplyEngine) -> dict[str, str]:
        """The states the run left, taken before the engine is let go: the last progress counts may be handled
        after that, and an operation held back (never sent) must not stay "sent" on screen or in the resume note."""
        return {op_id: str(state) for op_id, state in engine.tracker.states.items()}

    def _elapsed(self) -> float:
        if self._started is None:
            return 0.0
        return max((self.cio.services.clock() - self._started).total_seconds(), 0.0)

    @on(EngineEvent)
    def _engine_event(self, message: EngineEvent) -> None:
        event = message.event
        if isinstance(event, NoticeEvent):  # the workspace lease taken, taken over or lost: said once
            from cio_tui.safe_text import safe

            self.notify(safe(event.text), title="Workspace lease", timeout=8)
            return
        table = self.query_one(PlanTable)
        from cio_tui.identity.apply_events import ProgressEvent

        if not isinstance(event, ProgressEvent):  # an operation's new state
            table.set_state(event.op_id, event.state, event.detail or "")
            self._show_detail()
            return
        if self.engine is not None:  # states the engine reports only as counts (checked, sending, back to pending)
            table.sync_states({op_id: str(state) for op_id, state in self.engine.tracker.states.items()})
            self._show_detail()
        self.phase = phase_after(event, self.phase)
        progress = self.query_one(ApplyProgress)
        progress.update_stats(stats_from_progress(event, self._elapsed(), self.phase, previous=progress.stats))
        if self.phase == "paused":  # the answers still due arrive during the pause: say how many are left
            self._status(paused_note(event.in_flight, event.by_state))
        self.refresh_bindings()

    @on(ApplyEnded)
    def _apply_ended(self, message: ApplyEnded) -> None:
        self.phase = "finished"
        self.result = message.result
        self.cio.applies_ended += 1
        self.query_one(PlanTable).sync_states(message.states)
        # What this run left is what a next apply resumes from (the engine reads the journal; this is the summary).
        self.prior_states = self.query_one(PlanTable).progressed()
        self._show_detail()
        self._show_phase()
        title, text, severity = apply_outcome(message.result, message.error)
        progress = self.query_one(ApplyProgress)
        ended = end_state(message.result, message.error)
        progress.update_stats(stats_from_progress(None, self._elapsed(), ended, previous=progress.stats))
        self._status(text)
        self.notify(text, title=title, severity=severity, timeout=15)

    def action_pause(self) -> None:
        if self.engine is None:
            return
        if self.engine.paused:
            self.engine.resume()
            self._status("Applying… p pauses, x cancels.")
        else:
            self.engine.pause()
            self._status(paused_note(self.engine.tracker.in_flight, self.engine.tracker.counts()))

    def action_cancel_apply(self) -> None:
        if self.engine is not None:
            self.engine.cancel()
            self._status("Cancelling: in-flight requests finish and are journaled; the rest stays pending.")


__all__ = ["PlanRun"]
