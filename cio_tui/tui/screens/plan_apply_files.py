"""The Plan/Apply screen's plan files: open a plan saved as JSON (read and checked in a thread, with progress), save
the open plan (signed with the workspace's plan key when it has one), and, with no plan open, offer the file last
saved for the workspace (a restart keeps no open plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.message import Message
from textual.widgets import Label, Static

from cio_tui.identity.plan import Plan, save_plan
from cio_tui.tui.progress import Busy
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.viewmodels.plan_text import EMPTY_TEXT
from cio_tui.tui.widgets.csv_path import PathPrompt


class PlanFiles(AreaScreen):
    """Plan files for the screen; ``show_plan`` and ``_show_phase`` (the screen's) show what was opened."""

    plan: Plan | None
    last_saved: Path | None
    saved_to: Path | None
    _opening: Path | None

    @dataclass
    class PlanRead(Message):
        plan: Plan | None
        error: str = ""

    def show_plan(self, plan: Plan) -> None:
        """Show ``plan`` for review (the screen's)."""
        raise NotImplementedError

    def _show_phase(self) -> None:
        """Show what the phase shows (the screen's)."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="plan-last", exit_on_error=False)
    def _offer_last_saved(self) -> None:
        """With no plan open, offer the plan file last saved for this workspace (a restart keeps no open plan)."""
        from cio_tui.tui.viewmodels.last_plan import last_saved

        workspace = self.cio.workspace
        try:
            found = last_saved(Path(workspace.data_dir)) if workspace is not None else None
        except (OSError, TypeError, ValueError):  # a workspace with no folder of its own: nothing to offer
            found = None
        if found is not None or self.last_saved is not None:
            self.app.call_from_thread(self._show_last_saved, found)

    def _show_last_saved(self, found: Path | None) -> None:
        from cio_tui.tui.viewmodels.last_plan import offer_text

        self.last_saved = found
        self.query_one("#plan-empty", Static).update(EMPTY_TEXT + (f"\n\n{offer_text(found)}" if found else ""))

    def action_open_file(self) -> None:
        self._ask_path("open", "Plan file to open:", str(self.last_saved or ""))

    def action_save_file(self) -> None:
        if self.plan is not None:
            self._ask_path("save", "Save the plan as:", f"plan-{self.plan.plan_id}.json")

    def _ask_path(self, purpose: str, label: str, value: str) -> None:
        self.query_one("#plan-empty").display = False
        self.query_one("#plan-review").display = True
        self.query_one(PathPrompt).ask(purpose, label, value)

    @on(PathPrompt.Given, "#plan-path")
    def _path_given(self, message: PathPrompt.Given) -> None:
        self._show_phase()
        if message.purpose == "save" and self.plan is not None:
            self._save(self.plan, message.path)
        else:
            label = self.query_one("#plan-status", Label)
            busy = Busy(label, f"Opening {message.path.name}: reading and checking its operations…")
            self._opening = message.path
            self._load(message.path, busy)

    @work(thread=True, exclusive=True, group="plan-file", exit_on_error=False)
    def _load(self, path: Path, busy: Busy) -> None:
        from cio_tui.identity.signing import open_for_review

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(busy.progress, done, total)

        try:
            self.post_message(self.PlanRead(open_for_review(path, self.cio.workspace, progress)))
        except Exception as exc:  # noqa: BLE001 - PlanError and anything else become words
            self.post_message(self.PlanRead(None, str(exc)))

    @work(thread=True, exclusive=True, group="plan-file", exit_on_error=False, description="Saving a plan")
    def _save(self, plan: Plan, path: Path) -> None:
        try:
            ws = self.cio.workspace
            written = save_plan(plan, path, key=ws.plan_key() if ws is not None else None)
        except Exception as exc:  # noqa: BLE001 - a missing folder, a keyring fault: words, not a traceback
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.app.call_from_thread(self.notify, f"Could not save the plan to {path}: {why}. Choose another folder.",
                                      severity="error")  # fmt: skip
            return
        if ws is not None:
            from cio_tui.tui.viewmodels.last_plan import remember_saved

            try:
                remember_saved(ws.data_dir, written)
            except OSError:  # only the offer after a restart is lost; the plan file itself is written
                pass
        self.app.call_from_thread(self._saved, plan, written)
        self.app.call_from_thread(self.notify, f"Plan saved to {written}. Apply it later here (o) or with "
                                  f"`cio-tui apply {written}`.", title="Plan saved")  # fmt: skip

    def _saved(self, plan: Plan, path: Path) -> None:
        if self.plan is plan:
            self.saved_to = path

    @on(PlanRead)
    def _plan_read(self, message: PlanRead) -> None:
        if message.plan is None:
            # plain text: a file name or a plan's words must not be read as markup
            self.notify(message.error, title="Could not open the plan", severity="error", timeout=15, markup=False)
            self._opening = None
            self._show_phase()
            return
        self.show_plan(message.plan)


__all__ = ["PlanFiles"]
