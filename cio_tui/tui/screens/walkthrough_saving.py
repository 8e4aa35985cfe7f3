"""The Walkthrough's state on disk: read in a worker (the overview), saved in a worker after each change, each
change shown once saved unless a newer one is being saved. Mixed into ``WalkthroughScreen``, which handles the
messages (Textual registers decorated handlers only on the screen's own class) and shows the overview (``_show``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Input, Static

from cio_tui.tui.screens.walkthrough_host import WalkthroughHost
from cio_tui.tui.widgets.walkthrough_base import panel_class

if TYPE_CHECKING:
    from cio_tui.walkthrough.service import Overview, WalkthroughService
    from cio_tui.walkthrough.state import WalkthroughState
    from cio_tui.workspace import Workspace


class WalkthroughSaving(WalkthroughHost):
    """Reading and saving the Walkthrough's state for ``WalkthroughScreen``."""

    # set by the screen's __init__
    _lock: threading.Lock  # one read or save at a time
    _version: int  # of the in-memory state: each change adds one
    _saved_version: int  # the latest version written
    _notes_step: int  # the step whose notes the notes field holds (0: none yet)
    _notes_shown: str  # what the field was filled with (the operator typed when it differs)

    if TYPE_CHECKING:  # the screen's (a stub here would shadow it at run time)

        def _show(self, overview: Overview) -> None: ...

        @property
        def step_number(self) -> int: ...

    @work(thread=True, group="walkthrough-state", exit_on_error=False)
    def _load(self, workspace: Workspace | None = None) -> None:
        """Read the overview (building the service first for a newly opened ``workspace``) and show it; the
        shown step's form is imported here too, so the event loop only composes it."""
        from cio_tui.walkthrough.state import WalkthroughStateError

        if workspace is not None:
            from cio_tui.walkthrough.service import WalkthroughService

            self.service = WalkthroughService(workspace, now=self.cio.services.clock)
        try:
            with self._lock:
                version = self._saved_version
                overview = self._current_service.overview()
            panel_class(self.step_number)
        except WalkthroughStateError as exc:
            self.app.call_from_thread(self._unreadable, str(exc))
            return
        self.app.call_from_thread(self._show_if_current, overview, version)

    def _unreadable(self, message: str) -> None:
        self.query_one("#wt-progress", Static).update(message)
        if not self.usable:
            self.drawn_and_usable()  # the message is this screen's content: it is drawn and takes keys
        self.notify(message, title="Walkthrough", severity="error", timeout=15, markup=False)

    def _show_if_current(self, overview: Overview, version: int) -> None:
        """Show a worker's overview unless a newer change is still being saved (its own worker will show it)."""
        if version == self._version:
            self._show(overview)

    def _changed(self) -> None:
        """The in-memory state changed: save it (in a worker) and show the refreshed overview."""
        self._version += 1
        self._persist(self._current_service, self._current_overview.state.model_copy(deep=True), self._version)

    @work(thread=True, group="walkthrough-state", exit_on_error=False, description="Saving the walkthrough")
    def _persist(self, service: WalkthroughService, state: WalkthroughState, version: int) -> None:
        # the service of the workspace the state belongs to: a workspace opened meanwhile must not get the
        # previous one's state written into its file (nor shown)
        with self._lock:
            if version < self._saved_version:
                return
            service.refresh(state)
            self._saved_version = version
            if service is not self.service:
                return
            overview = service.overview(state)
        self.app.call_from_thread(self._show_if_current, overview, version)

    def _set_status(self, status: str, reason: str | None = None) -> None:
        self._current_overview.state.set_status(self.step_number, status, reason=reason, now=self.cio.services.clock())
        self._changed()
        self.notify(f"Step {self.step_number}: {self._current_overview.state.step(self.step_number).status_words}.")

    def _save_notes(self) -> None:
        """Save the notes field into the step it was filled for (the step list may have moved on already)."""
        step = self._notes_step
        if self.overview is None or not step:
            return
        text = self.query_one("#wt-notes", Input).value
        if text != self._notes_shown and text != self.overview.state.step(step).notes:
            self._notes_shown = text
            self.overview.state.set_notes(step, text, now=self.cio.services.clock())
            self._changed()


__all__ = ["WalkthroughSaving"]
