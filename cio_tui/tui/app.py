"""``CioApp``: a thin Textual app. Areas are modes (see ``areas.py``); services come in through the constructor.

The first frame is drawn before any network or keyring call: the workspace is opened by a worker started on
``Ready``. Screens reach each other only through the navigation API below (or the messages in ``messages.py``).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual._context import active_app
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from cio_tui.tui.areas import AREAS, AREAS_BY_MODE, Area
from cio_tui.tui.commands import AreaCommands
from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenArea, OpenPerson, OpenPlan, OpenPreview
from cio_tui.tui.services import AppServices, StartChoice

if TYPE_CHECKING:
    from cio_tui.customerio.identifiers import Identifier
    from cio_tui.identity.plan import Plan
    from cio_tui.workspace import Workspace


STYLES = Path(__file__).parent / "styles"
QUIET_GROUPS = {"navigation"}  # workers that never block quitting
WARM_UP_AFTER = 0.5  # seconds after the first area is drawn and usable before the other areas are prepared
WARM_UP_FALLBACK = 3.0  # seconds after the first frame, for a first area that never says it is drawn
NOTICES_KEPT = 200  # notifications remembered in ``CioApp.notices``
WARM_UP_PAUSE = 0.05  # seconds the warm-up thread sleeps between modules, so keys are never kept waiting


def app_styles() -> list[str | PurePath]:
    """app.tcss (the chrome) then every area's ``styles/*.tcss``, all read once at start.

    Reading an area's file when its screen first opens made Textual re-parse every stylesheet (its own and every
    widget's defaults) and restyle every widget on screen, on each first visit; parsed once up front it costs a
    few milliseconds."""
    return [STYLES / "app.tcss", *sorted(p for p in STYLES.glob("*.tcss") if p.name != "app.tcss")]


def _base_screen_factory(area: Area) -> Any:
    def make() -> Screen[Any]:
        screen = area.screen_class()()
        # A new mode's screen starts with a stale CSS generation (-1), so Textual's switch_mode refreshed the whole
        # app's CSS for it, twice: every stylesheet re-parsed and every widget of every screen restyled, on each
        # first visit of an area. A screen that is not composed yet has nothing stale: its widgets get the current
        # styles when they mount. (Textual is pinned exactly; tests/tui/test_app.py guards this.)
        screen._css_update_count = active_app.get()._css_update_count
        return screen

    return make


@dataclass(frozen=True)
class Notice:
    """One notification the app showed, as it was asked for (``CioApp.notices``)."""

    message: str
    title: str
    severity: str


class CioApp(App[None]):
    TITLE = "cio-tui"
    CSS_PATH = app_styles()
    MODES = {area.mode: _base_screen_factory(area) for area in AREAS}
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
            tooltip="Outside text fields (inside one, q is a letter); asks first if work is running or unsaved",
        ),
        Binding(
            "ctrl+q",
            "quit_anywhere",
            "Quit anywhere",
            show=False,
            priority=True,
            id="app.quit_anywhere",
            tooltip="Quit even from inside a text field; asks first if work is running or unsaved",
        ),
        Binding(
            "ctrl+c",
            "copy_or_explain",
            "Copy",
            show=False,
            priority=True,
            id="app.copy",
            tooltip="Copy the selected text or the highlighted row, and say what was copied (q quits)",
        ),
    ]

    workspace: reactive[Workspace | None] = reactive(None, init=False, always_update=True)
    """The open ``cio_tui.workspace.Workspace`` (``None`` until one is open). Screens ``watch`` it."""
    workspace_status: reactive[str] = reactive("", init=False)
    """Words for the banner while no workspace is open ("Opening the sandbox workspace…")."""

    def __init__(self, services: AppServices, *, initial_area: str | None = None) -> None:
        super().__init__()
        from cio_tui.tui.terminal_filter import ControlCharFilter

        # Textual's own hook for transforming every drawn line (it keeps NO_COLOR there): workspace data with
        # escape sequences never reaches the terminal raw, whatever widget shows it
        self._filters.append(ControlCharFilter())
        self.services = services
        self.set_reactive(CioApp.workspace, services.workspace)
        self.notices: deque[Notice] = deque(maxlen=NOTICES_KEPT)
        """The latest notifications shown (newest last): the public way to observe them (tests, a log pane);
        Textual's own list is private and drops a notice when its toast times out."""
        self._initial_area = initial_area
        self._warmed_up = False
        self._warm_up_timer: Timer | None = None
        self.opening_workspace = services.workspace is None and services.start_known and services.start.opens_workspace
        """True from start until the workspace the app opens by itself is open (or failed to open)."""
        if self.workspace is None and services.start_known:  # the banner's words from the very first frame
            self.set_reactive(CioApp.workspace_status, _status_text(services.start))

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
        self.notices.append(Notice(message, title, severity))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    # -- start-up: a light first frame, then the area screen and the workspace ----------------------
    def get_default_screen(self) -> Screen[Any]:
        """The first frame: the chrome and a status line, drawn while the first area loads."""
        from cio_tui.tui.screens.start import StartScreen

        return StartScreen(id="_default")

    def on_mount(self) -> None:
        if self.workspace is None:
            start = self.services.start if self.services.start_known else None
            self.set_reactive(CioApp.workspace_status, _status_text(start))

    def on_ready(self) -> None:
        """After the first frame: load the settings (if the start needs them), start opening the workspace (its
        imports and any sandbox seeding run in a thread while the first area composes), compose the first area."""
        try:
            start = self.services.start
            self.services.settings  # noqa: B018 - load now (every area needs them), not inside a screen
        except Exception as exc:  # a config file that cannot be read: leave with the message, like the CLI does
            self.exit(return_code=2, message=f"error: {describe_error(exc)}")
            return
        if self.workspace is None:
            self.workspace_status = _status_text(start)
        default = "walkthrough" if (self.workspace is not None or start.opens_workspace) else "connect"
        if self.workspace is None and start.opens_workspace:
            self.open_workspace(start)
        self.switch_mode(self._initial_area or default)
        self._warm_up_timer = self.set_timer(WARM_UP_FALLBACK, self._start_warm_up)

    def area_ready(self) -> None:
        """An area screen says its first content is drawn and usable: the other areas may be prepared now."""
        if not self._warmed_up:
            if self._warm_up_timer is not None:
                self._warm_up_timer.stop()
            self._warm_up_timer = self.set_timer(WARM_UP_AFTER, self._start_warm_up)

    def _start_warm_up(self) -> None:
        if not self._warmed_up:
            self._warmed_up = True
            self.warm_up_areas([a for a in AREAS if a.mode not in self._screen_stacks])

    @work(thread=True, group="navigation", exit_on_error=False)
    def warm_up_areas(self, areas: list[Area]) -> None:
        """Import the other areas' screen modules in the background, one at a time with a pause between them, so a
        first visit does not wait for them and keys are never kept waiting for the warm-up (it only starts once
        the first area is usable)."""
        build = getattr(getattr(self.workspace, "transport", None), "build", None)
        if build is not None:  # the embedded sandbox's app and model, before the first lookup needs them
            build()
        for area in areas:
            time.sleep(WARM_UP_PAUSE)
            area.screen_class()

    @work(exclusive=True, group="workspace", exit_on_error=False)
    async def open_workspace(self, choice: StartChoice, then: str | None = None) -> Any:
        """Open (and switch to) a workspace, then go to area ``then``; on failure say why and what to do next,
        and go to Connect. The keyring is probed in a thread first so the event loop never waits on it."""
        self.workspace_status = f"Opening {choice.describe()}…"
        try:
            if choice.sandbox:  # first run: 2,000 people are generated, in a thread, with progress in the banner
                if await asyncio.to_thread(self.services.prepare_sandbox, SeedingProgress(self)):
                    self.workspace_status = f"Opening {choice.describe()}…"
            if not choice.sandbox and not choice.env_profile:
                credentials = self.services.credentials
                assert credentials is not None, "the app was started without a credential store"
                await asyncio.to_thread(lambda: credentials.status)
            opener = self.services.open_workspace
            assert opener is not None, "the app was started without a way to open workspaces"
            workspace = await opener(profile_name=choice.profile_name, sandbox=choice.sandbox)
        except Exception as exc:  # every failure becomes words, never a crash
            self.opening_workspace = False
            self.workspace_status = f"Could not open {choice.describe()}"
            self.notify(
                f"Could not open {choice.describe()}: {describe_error(exc)}",
                title="Workspace",
                severity="error",
                timeout=12,
            )
            self.switch_area("connect")
            return None
        await self.set_workspace(workspace)
        if then:  # opened on request (Connect): say so, then go on
            self.notify(f"Opened {getattr(workspace, 'name', 'the workspace')}.", title="Workspace", timeout=4)
            self.switch_area(then)
        return workspace

    def require_workspace(self) -> Workspace:
        """The open workspace, for work that cannot start without one (its keys are only reachable when open)."""
        workspace = self.workspace
        if workspace is None:
            from cio_tui.errors import NextStep, UserError

            message = "No workspace is open: open one in Connect (press 9) first."
            raise UserError(message, next_step=NextStep.FIX_PROFILE)
        return workspace

    async def set_workspace(self, workspace: Workspace) -> None:
        previous = self.workspace
        self.opening_workspace = False
        self.services.workspace = workspace
        self.workspace = workspace
        self.workspace_status = ""
        if previous is not None and previous is not workspace:
            await _close(previous)

    async def on_unmount(self) -> None:
        if self.workspace is not None:
            await _close(self.workspace)

    # -- navigation API (screens call these, or post the messages in messages.py) -------------------
    def switch_area(self, mode: str) -> None:
        if mode not in AREAS_BY_MODE:
            self.notify(f"There is no area called {mode!r}.", severity="warning")
            return
        self.switch_mode(mode)

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

    def action_quit_anywhere(self) -> None:
        self.action_request_quit()

    def action_request_quit(self) -> None:
        running = self.running_work()
        unsaved = self.unsaved_texts()
        if not running and not unsaved:
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


class SeedingProgress:
    """``progress(done, total)`` for the sandbox seeding thread: the banner says how far it is and about how long is
    left."""

    def __init__(self, app: CioApp) -> None:
        self.app = app
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done) if done else 0.0
        eta = f", about {left:.0f} s left" if done < total and left >= 1 else ""
        text = f"Opening the sandbox workspace: first run, creating {done:,} of {total:,} people{eta}…"
        self.app.call_from_thread(setattr, self.app, "workspace_status", text)


def _status_text(start: StartChoice | None) -> str:
    if start is None:
        return "Starting…"
    if not start.opens_workspace:
        return "No workspace: add or pick one here, or open the sandbox"
    return f"Opening {start.describe()}…"


async def _close(workspace: Workspace) -> None:
    client = getattr(workspace, "client", None)
    if client is not None and hasattr(client, "aclose"):
        try:
            await client.aclose()
        except Exception:  # closing must never block leaving
            pass


__all__ = ["CioApp"]
