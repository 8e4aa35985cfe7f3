"""``CioApp``: a thin Textual app. Areas are modes (see ``areas.py``); services come in through the constructor.

Start-up and the open workspace are ``workspace_app.WorkspaceApp``'s; this module has the keys, the navigation API,
help, the palette and quitting. Screens reach each other only through the navigation API below (or the messages in
``messages.py``).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from cio_tui.tui.areas import AREAS, AREAS_BY_MODE
from cio_tui.tui.commands import AreaCommands
from cio_tui.tui.errors import describe_error
from cio_tui.tui.focus import queue_field_key
from cio_tui.tui.messages import OpenArea, OpenPerson, OpenPlan, OpenPreview
from cio_tui.tui.services import AppServices
from cio_tui.tui.workspace_app import SeedingProgress, WorkspaceApp, app_styles, base_screen_factory

if TYPE_CHECKING:
    from cio_tui.customerio.identifiers import Identifier
    from cio_tui.identity.plan import Plan


OPERATOR_INPUT = (
    events.Key,
    events.Paste,
    events.MouseDown,
    events.MouseUp,
    events.MouseScrollDown,
    events.MouseScrollUp,
)  # what the operator does (not a mere mouse move): worker threads hold off until it is answered
QUIET_GROUPS = {"navigation"}  # workers that never block quitting
NOTICES_KEPT = 200  # notifications remembered in ``CioApp.notices``
# How long a toast stays, at most, by severity (seconds): "done" news must not cover the screen it reports on
# (the screen itself keeps the outcome); a warning gets time to be read; an error stays as long as it asks.
TOAST_LONGEST: dict[str, float] = {"information": 6.0, "warning": 12.0}


def toast_timeout(severity: str, asked: float | None) -> float | None:
    """The timeout a toast gets: what was asked, capped for information and warnings (``None``: Textual's own)."""
    longest = TOAST_LONGEST.get(severity)
    if longest is None or asked is None:
        return asked
    return min(asked, longest)


@dataclass(frozen=True)
class Notice:
    """One notification the app showed, as it was asked for (``CioApp.notices``)."""

    message: str
    title: str
    severity: str
    timeout: float | None
    """Seconds the toast stays up, as given to Textual (after ``toast_timeout``; None: Textual's default)."""
    markup: bool


class CioApp(WorkspaceApp):
    TITLE = "cio-tui"
    CSS_PATH = app_styles()
    MODES = {area.mode: base_screen_factory(area) for area in AREAS}
    COMMANDS = App.COMMANDS | {AreaCommands}
    inherit_bindings = False
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", id="app.help", tooltip="Every key of this screen"),
        Binding("g", "goto", "Go to", id="app.goto", tooltip="Pick an area by name"),
        *(
            Binding(
                a.key,
                f"switch_area('{a.mode}')",
                a.title,
                show=False,
                id=f"app.area.{a.mode}",
                tooltip=f"Go to {a.title}: {a.summary}",
            )
            for a in AREAS
        ),
        Binding(
            "q",
            "request_quit",
            "Quit",
            id="app.quit",
            tooltip=(
                "Outside text fields (inside one, q is a letter); asks first if work is running, unsaved or a plan "
                "is not applied"
            ),
        ),
        Binding(
            "ctrl+q",
            "quit_anywhere",
            "Quit anywhere",
            show=False,
            priority=True,
            id="app.quit_anywhere",
            tooltip=(
                "Quit even from inside a text field; asks first if work is running, unsaved or a plan is not applied"
            ),
        ),
        Binding(
            "ctrl+c",
            "copy_or_explain",
            "Copy",
            show=False,
            priority=True,
            id="app.copy",
            tooltip=(
                "Copy the selected text or the highlighted row, and say what was copied (it never quits: q outside "
                "a text field, or ctrl+q, does)"
            ),
        ),
    ]

    def __init__(self, services: AppServices, *, initial_area: str | None = None) -> None:
        super().__init__(services, initial_area=initial_area)
        from cio_tui.tui.terminal_filter import ControlCharFilter

        # Textual's own hook for transforming every drawn line (it keeps NO_COLOR there): workspace data with
        # escape sequences never reaches the terminal raw, whatever widget shows it
        self._filters.append(ControlCharFilter())
        self.notices: deque[Notice] = deque(maxlen=NOTICES_KEPT)
        """The latest notifications shown (newest last): the public way to observe them (tests, a log pane);
        Textual's own list is private and drops a notice when its toast times out."""
        self.applies_ended = 0
        """How many applies ended this session: screens holding lists read before one (Leads, Duplicates) compare
        it with the count they saw when they read them, and say the list is stale."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, OPERATOR_INPUT) and not event.is_forwarded:
            self.input_arrived()
        if not queue_field_key(self, event):  # ctrl+u, backspace, Enter in a field keep their place among its letters
            await super().on_event(event)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notification, also remembered in ``notices`` (screens and widgets notify through here)."""
        timeout = toast_timeout(severity, timeout)
        self.notices.append(Notice(message, title, severity, timeout, markup))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def toasts_on_screen(self) -> int:
        """How many notifications are still drawn (Textual's own list, read here only: Textual is pinned exactly)."""
        return len(self._notifications)

    # -- navigation API (screens call these, or post the messages in messages.py) -------------------
    def action_switch_area(self, mode: str) -> None:
        self.switch_area(mode)

    def area_screen(self, mode: str) -> Any:
        """The base screen of an area (after ``switch_area(mode)`` has been awaited)."""
        return self._screen_stacks[mode][0]

    async def _goto(self, mode: str, method: str, *args: object) -> None:
        await self.switch_mode(mode)
        getattr(self.area_screen(mode), method)(*args)

    def open_person(self, who: Identifier | str) -> None:
        """Show a person in People (``who``: an ``Identifier`` or text to auto-detect)."""
        self.call_later(self._goto, "people", "lookup", who)

    def open_preview(self, text: str) -> None:
        """Open Preview with a Segment call prefilled."""
        self.call_later(self._goto, "preview", "prefill", text)

    def open_plan(self, plan: Plan) -> None:
        """Open Plan/Apply on a plan for review."""
        self.call_later(self._goto, "plan", "show_plan", plan)

    def open_identifiers(self, who: Identifier | str) -> None:
        """Open Identifiers with a person picked (``who``: an ``Identifier`` or cio_id text) to change id/email."""
        self.call_later(self._goto, "identifiers", "pick", who)

    async def run_area_action(self, mode: str, action: str) -> None:
        """Switch to an area and run one of its screen's actions (used by the command palette)."""
        await self.switch_mode(mode)
        await self.area_screen(mode).run_action(action)

    @on(OpenArea)
    def _on_open_area(self, message: OpenArea) -> None:
        self.switch_area(message.mode)

    @on(OpenPerson)
    def _on_open_person(self, message: OpenPerson) -> None:
        self.open_person(message.who)

    @on(OpenPreview)
    def _on_open_preview(self, message: OpenPreview) -> None:
        self.open_preview(message.text)

    @on(OpenPlan)
    def _on_open_plan(self, message: OpenPlan) -> None:
        self.open_plan(message.plan)

    def get_system_commands(self, screen: Screen[Any]) -> Any:
        """Textual's own palette commands, but not its Quit and Keys: the palette has each action once (App: quit,
        App: help for this screen)."""
        for command in super().get_system_commands(screen):
            if command.title not in ("Quit", "Keys"):
                yield command

    def action_copy_or_explain(self) -> None:
        from cio_tui.tui.clipboard import copy_or_explain

        copy_or_explain(self)

    # -- help, go to, quit ---------------------------------------------------------------------------
    def action_help(self) -> None:
        from cio_tui.tui.help import help_rows
        from cio_tui.tui.modals.help import HelpModal

        screen = self.screen
        if screen.is_modal:
            return
        title = getattr(screen, "AREA_TITLE", "") or "cio-tui"
        self.push_screen(HelpModal(title, getattr(screen, "HELP", ""), help_rows(self, screen)))

    def action_goto(self) -> None:
        from cio_tui.tui.modals.goto import GoToModal

        def chosen(mode: str | None) -> None:
            if mode:
                self.switch_area(mode)

        self.push_screen(GoToModal(self.current_mode), chosen)

    def running_work(self) -> list[Worker[Any]]:
        return [w for w in self.workers if w.is_running and w.group not in QUIET_GROUPS]

    async def action_quit(self) -> None:
        """Textual's own "Quit" (command palette) asks first too, exactly like q and ctrl+q."""
        self.action_request_quit()

    def unsaved_texts(self) -> list[str]:
        """What the operator typed or pasted in any area that quitting would lose (each area says, in words)."""
        found = []
        for mode in AREAS_BY_MODE:
            stack = self._screen_stacks.get(mode)
            unsaved = getattr(stack[0], "unsaved_text", None) if stack else None
            text = unsaved() if callable(unsaved) else None
            if text:
                found.append(text)
        return found

    def unapplied_work(self) -> list[str]:
        """Work made this session and not carried out (a plan never applied), each area's in words."""
        found = []
        for mode in AREAS_BY_MODE:
            stack = self._screen_stacks.get(mode)
            unapplied = getattr(stack[0], "unapplied_work", None) if stack else None
            text = unapplied() if callable(unapplied) else None
            if text:
                found.append(text)
        return found

    def action_quit_anywhere(self) -> None:
        self.action_request_quit()

    def action_request_quit(self) -> None:
        running = self.running_work()
        unsaved = self.unsaved_texts()
        unapplied = self.unapplied_work()
        if not running and not unsaved and not unapplied:
            self.exit()
            return
        from cio_tui.tui.modals.confirm import ConfirmModal

        parts = []
        if running:
            names = ", ".join(sorted({w.group if w.group != "default" else w.name for w in running}))
            parts.append(
                f"Work is still running ({names}). Quitting stops it; anything unfinished is left as it is. "
                "An interrupted apply loses nothing: resume it from the Journal (u) or by applying the same plan "
                "again."
            )
        if unsaved:
            parts.append("Quitting loses what you typed or pasted: " + "; ".join(unsaved) + ".")
        parts += [text[0].upper() + text[1:] + "." for text in unapplied]
        body = "\n\n".join(parts)

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(ConfirmModal("Quit cio-tui?", body, yes="Quit", no="Stay"), answered)

    # -- a notification, never a crash -------------------------------------------------------------
    @on(Worker.StateChanged)
    def _on_worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe_error(event.worker.error), title="Something failed", severity="error", timeout=12)


__all__ = ["CioApp", "SeedingProgress"]
