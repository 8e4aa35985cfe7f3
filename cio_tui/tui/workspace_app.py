"""``WorkspaceApp``: the base of ``CioApp`` that starts the app and keeps its workspace (open, switch, close).

Start-up order, so that the first area is drawn as early as possible: when the first area is known without the
settings (``--sandbox``, ``--profile``) it is the very first screen (no placeholder screen, no mode switch); the
workspace is opened by a worker started on ``Ready`` (no network, keyring or HTTP import before it: the client is
built on first use, by the warm-up thread once the first area is usable); then the other areas are prepared.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual._context import active_app
from textual.app import App
from textual.dom import DOMNode
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer

from cio_tui.tui import heap
from cio_tui.tui.areas import AREAS, AREAS_BY_MODE, Area
from cio_tui.tui.css_cache import load_stylesheet, save_stylesheet
from cio_tui.tui.errors import describe_error
from cio_tui.tui.input_first import HoldImports, InputGate
from cio_tui.tui.services import AppServices, StartChoice

if TYPE_CHECKING:
    from cio_tui.workspace import Workspace
    from cio_tui.workspace_glance import WorkspaceGlance

_T = TypeVar("_T")
STYLES = Path(__file__).parent / "styles"
WARM_UP_AFTER = 0.5  # seconds after the first area is drawn and usable before the other areas are prepared
WARM_UP_FALLBACK = 3.0  # seconds after the first frame, for a first area that never says it is drawn
OPEN_FALLBACK = 1.0  # seconds after the first frame, for a first area that never says it drew the glance
WARM_UP_PAUSE = 0.05  # seconds the warm-up thread sleeps between modules, so keys are never kept waiting


def app_styles() -> list[str | PurePath]:
    """app.tcss (the chrome) then every area's ``styles/*.tcss``, all read once at start.

    Reading an area's file when its screen first opens made Textual re-parse every stylesheet (its own and every
    widget's defaults) and restyle every widget on screen, on each first visit; parsed once up front it costs a
    few milliseconds."""
    return [STYLES / "app.tcss", *sorted(p for p in STYLES.glob("*.tcss") if p.name != "app.tcss")]


def base_screen_factory(area: Area) -> Any:
    def make() -> Screen[Any]:
        screen = area.screen_class()()
        # A new mode's screen starts with a stale CSS generation (-1), so Textual's switch_mode refreshed the whole
        # app's CSS for it, twice: every stylesheet re-parsed and every widget of every screen restyled, on each
        # first visit of an area. A screen that is not composed yet has nothing stale: its widgets get the current
        # styles when they mount. (Textual is pinned exactly; tests/tui/test_app.py guards this.)
        screen._css_update_count = active_app.get()._css_update_count
        return screen

    return make


class WorkspaceApp(App[None]):
    """Start-up and the open workspace. ``CioApp`` adds the keys, navigation, help and quitting."""

    workspace: reactive[Workspace | None] = reactive(None, init=False, always_update=True)
    """The open ``cio_tui.workspace.Workspace`` (``None`` until one is open). Screens ``watch`` it."""
    workspace_status: reactive[str] = reactive("", init=False)
    """Words for the banner while no workspace is open ("Opening the sandbox workspace…")."""
    glance: reactive[WorkspaceGlance | None] = reactive(None, init=False)
    """The workspace being opened, named before it is open (``AppServices.glance``): the banner names it and the
    first area draws its saved state while it opens. None once it is open, or when opening it failed."""

    def __init__(self, services: AppServices, *, initial_area: str | None = None) -> None:
        self.services = services
        self._initial_area = initial_area
        super().__init__()
        first = self._first_area()
        if first is not None:
            # The first area is known without the settings: it is Textual's first screen (the mode it composes at
            # start, DEFAULT_MODE's for the instance), so nothing is drawn, styled or switched before it.
            self._current_mode = first
        self.set_reactive(WorkspaceApp.workspace, services.workspace)
        variables = self.get_css_variables()
        self._start_css_variables: dict[str, str] | None = variables  # what the stylesheet starts with
        # Textual's stylesheet (still empty), with the rules a previous run parsed: parsing takes ~30 ms of the start
        self._css_cache_dir = services.cache_dir()
        self.stylesheet = load_stylesheet(self._css_cache_dir, variables)
        self._warmed_up = False
        self._event_loop: asyncio.AbstractEventLoop | None = None  # the app's, for the warm-up thread's last step
        self._warm_up_timer: Timer | None = None
        self.opening_workspace = services.workspace is None and services.start_known and services.start.opens_workspace
        """True from start until the workspace the app opens by itself is open (or failed to open)."""
        if self.workspace is None and services.start_known:  # the banner's words from the very first frame
            self.set_reactive(WorkspaceApp.workspace_status, _status_text(services.start))
        if self.opening_workspace:
            self.set_reactive(WorkspaceApp.glance, services.glance())
        self._start_later = False
        self.input_gate = InputGate()
        """Closed from an input event until it is answered: the worker threads (the opening, the first area's
        reads, the warm-up) hold off meanwhile (see tui/input_first.py)."""
        self._hold_imports = HoldImports(self.input_gate)

    def _first_area(self) -> str | None:
        """The area the app opens on when it is known before the settings load (``--sandbox``, ``--profile``, or a
        workspace handed in); None: the settings decide, behind the start screen."""
        services = self.services
        if not services.start_known or not (services.workspace is not None or services.start.opens_workspace):
            return None
        area = self._initial_area or "walkthrough"
        # Only the Walkthrough (the default first area): another area composed as the very first screen, before
        # the app itself is styled, drew some widgets with stale colours (the Journal's status and empty text).
        return area if area == "walkthrough" else None

    # -- start-up ----------------------------------------------------------------------------------------------
    def refresh_css(self, animate: bool = True) -> None:
        """Textual's whole-app restyle, except the one it runs once started, for the theme the app started with:
        every widget was styled with that theme's variables as it mounted (the dark/light classes are set at init),
        so re-parsing every stylesheet and restyling every widget of the first area would change nothing
        (tests/tui/test_start.py compares). Any later refresh (another theme, a changed variable) is Textual's."""
        variables, self._start_css_variables = self._start_css_variables, None
        if variables is not None and variables == self.get_css_variables():
            for stack in self._screen_stacks.values():
                for screen in stack:
                    screen._css_update_count = self._css_update_count  # as Textual's refresh would: not stale
            return
        super().refresh_css(animate)

    def update_styles(self, node: DOMNode, animate: bool = True) -> None:
        """Textual's restyle of a node whose classes changed, except for a widget not in the DOM yet: it is styled
        as it mounts, with the classes it has then. Textual styled it at once, without its parents, each time a
        class was set while it was made (a Button's variant, flat and compact: three times each) and threw that
        away at the mount."""
        if node is not self and node._parent is None:
            return
        super().update_styles(node, animate)

    def get_default_screen(self) -> Screen[Any]:
        """The first frame when the settings decide the first area: the chrome and a status line."""
        from cio_tui.tui.screens.start import StartScreen

        return StartScreen(id="_default")

    def input_arrived(self) -> None:
        """An input event came (``CioApp.on_event``): worker threads hold off until it is answered."""
        self.input_gate.input_arrived()

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        """Textual's writing of a frame (Textual is pinned exactly). A frame written once no message is left on the
        way from the app to the focused widget (the input read, its handlers run, what they posted bubbled up) is
        the input's answer: worker threads go on."""
        super()._display(screen, renderable)
        gate = self.input_gate
        if renderable is None or self._batch_count or gate.is_open:
            return
        focused = self.screen.focused
        on_the_way = [self, *(focused.ancestors_with_self if focused is not None else [self.screen])]
        if not any(node._message_queue.qsize() for node in on_the_way):
            gate.answered()

    def on_mount(self) -> None:
        self._event_loop = asyncio.get_running_loop()
        self._hold_imports.install()
        # The first area is Textual's first screen: its widgets mounted inside the app's compose, before Textual
        # styled the app node, and keep a style computed without the app's colours (text in the background colour)
        # until their own styles change. Dropping those computed styles now, before the first frame, gives them
        # what the mode switch used to.
        for node in self.screen.walk_children(with_self=True):
            node.notify_style_update()
        if self.workspace is None:
            start = self.services.start if self.services.start_known else None
            self.set_reactive(WorkspaceApp.workspace_status, _status_text(start))

    def on_ready(self) -> None:
        """After the first frame: load the settings (if the start needs them), start opening the workspace (any
        sandbox seeding runs in a thread), and go to the first area if it is not on screen yet. When the first area
        draws the workspace's glance, all of that waits until it is drawn (``area_ready``)."""
        # Collection resumes when the first area says it is drawn, and at the latest now + RESUME_AFTER: the
        # Walkthrough with no workspace open, or a failed or slow open, never says so (see tui/heap.py).
        self.set_timer(heap.RESUME_AFTER, heap.resume_collection)
        first_drawn = bool(getattr(self.screen, "usable", False))  # it may say so before Ready
        if self.glance is not None and self.workspace is None and self._first_area() is not None and not first_drawn:
            self._start_later = True
            self.set_timer(OPEN_FALLBACK, self._start_now)
            return
        self._start()

    def _start_now(self) -> None:
        if self._start_later:
            self._start_later = False
            self._start()

    def _start(self) -> None:
        try:
            start = self.services.start
            if self.glance is None:  # behind the start screen; else in the opening worker, off the event loop
                self.services.settings  # noqa: B018 - load now (every area needs them), not inside a screen
        except Exception as exc:  # a config file that cannot be read: leave with the message, like the CLI does
            self._unusable_settings(exc)
            return
        if self.workspace is None:
            self.workspace_status = _status_text(start)
        default = "walkthrough" if (self.workspace is not None or start.opens_workspace) else "connect"
        if self.workspace is None and start.opens_workspace:
            self.open_workspace(start)
        self.switch_mode(self._initial_area or default)  # nothing to do when it is the first screen already
        self._warm_up_timer = self.set_timer(WARM_UP_FALLBACK, self._start_warm_up)

    def area_ready(self) -> None:
        """An area screen says its first content is drawn and usable: the workspace opens now if it waited for
        that, and the other areas may be prepared."""
        self._start_now()
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
        """Build the workspace's client and import the other areas' screen modules in the background, one at a time
        with a pause between them, so a first visit or lookup does not wait for them and keys are never kept
        waiting for the warm-up (it only starts once the first area is usable)."""
        transport = getattr(self.workspace, "transport", None)  # builds the client (and the HTTP stack) first
        build = getattr(transport, "build", None)
        if build is not None:  # the embedded sandbox's app and model, before the first lookup needs them
            build()
        for area in areas:
            time.sleep(WARM_UP_PAUSE)
            area.screen_class()
        # What the warm-up built (the sandbox's model, the modules imported) stays for the session: full collections
        # walked it on every pass (15 ms idle, over 50 ms on a busy machine, now and then during a lookup). Not once
        # the app is leaving: its screens hand everything back to the collector then (heap.release). Settled on the
        # event loop, where the leaving and the release happen: checked here, the app could start leaving between
        # the check and the freeze, and keep its objects frozen after the release.
        loop = self._event_loop
        if loop is not None:
            try:
                loop.call_soon_threadsafe(self._settle_warm_up)
            except RuntimeError:  # the loop is closed: the app has left
                pass

    def _settle_warm_up(self) -> None:
        if self.is_running:
            heap.settle()

    # -- the workspace -----------------------------------------------------------------------------------------
    def switch_area(self, mode: str) -> None:
        if mode not in AREAS_BY_MODE:
            self.notify(f"There is no area called {mode!r}.", severity="warning")
            return
        self.switch_mode(mode)

    @work(exclusive=True, group="workspace", exit_on_error=False)
    async def open_workspace(self, choice: StartChoice, then: str | None = None) -> Workspace | None:
        """Open (and switch to) a workspace, then go to area ``then``; on failure say why and what to do next,
        and go to Connect. The keyring is probed in a thread first so the event loop never waits on it."""
        self.workspace_status = f"Opening {choice.describe()}…"
        try:  # the settings (pydantic-settings) in a thread: keys on the first area stay answered meanwhile
            await asyncio.to_thread(self._quietly, lambda: self.services.settings)
        except Exception as exc:
            self._unusable_settings(exc)
            return None
        try:
            if choice.sandbox:  # first run: 2,000 people are generated, in a thread, with progress in the banner
                if await asyncio.to_thread(self._quietly, self.services.prepare_sandbox, SeedingProgress(self)):
                    self.workspace_status = f"Opening {choice.describe()}…"
            if not choice.sandbox and not choice.env_profile:
                credentials = self.services.credentials
                assert credentials is not None, "the app was started without a credential store"
                await asyncio.to_thread(self._quietly, lambda: credentials.status)
            opener = self.services.open_workspace
            assert opener is not None, "the app was started without a way to open workspaces"
            workspace = await opener(profile_name=choice.profile_name, sandbox=choice.sandbox)
        except Exception as exc:  # every failure becomes words, never a crash
            self.opening_workspace = False
            self.glance = None  # the banner stops naming it
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

    def _quietly(self, step: Callable[..., _T], *args: Any) -> _T:
        """In a worker thread: ``step(*args)`` once no input waits to be answered."""
        self.input_gate.wait()
        return step(*args)

    def _unusable_settings(self, exc: Exception) -> None:
        """A config file that cannot be read: leave with the message, like the CLI does."""
        self.exit(return_code=2, message=f"error: {describe_error(exc)}")

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
        self.glance = None
        self.workspace = workspace
        self.workspace_status = ""
        if previous is not None and previous is not workspace:
            await _close(previous)

    async def on_unmount(self) -> None:
        self._hold_imports.remove()
        save_stylesheet(self.stylesheet, self._css_cache_dir)  # the rules of this run, for the next start
        if self.workspace is not None:
            await _close(self.workspace)


class SeedingProgress:
    """``progress(done, total)`` for the sandbox seeding thread: the banner says how far it is and about how long is
    left."""

    def __init__(self, app: WorkspaceApp) -> None:
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
    close = getattr(workspace, "aclose", None)  # a stand-in workspace (tests) may only have a client
    if close is None:
        close = getattr(getattr(workspace, "client", None), "aclose", None)
    if close is None:
        return
    try:
        await close()
    except Exception:  # closing must never block leaving
        pass


__all__ = ["SeedingProgress", "WorkspaceApp", "app_styles", "base_screen_factory"]
