"""``AreaScreen``: the base of every top-level area screen (one Textual mode each).

It composes the chrome every area shares (workspace banner, area bar, footer) around ``compose_body()``, gives the
screen its help text, and tells the screen when the app's workspace changes. See ``docs/tui-conventions.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from cio_tui.tui import heap
from cio_tui.tui.areas import area
from cio_tui.tui.errors import describe_error
from cio_tui.tui.focus import FocusModel, is_text_field
from cio_tui.tui.widgets.banner import AreaBar, Banner
from cio_tui.tui.widgets.footer import COMPACT_BELOW, AreaFooter

if TYPE_CHECKING:
    from textual.widgets import TextArea

    from cio_tui.tui.app import CioApp
    from cio_tui.workspace import Workspace


_LETTER_ACTIONS: dict[type[Screen[None]], frozenset[str]] = {}  # per screen class (its bindings never change)


class AreaScreen(FocusModel, Screen[None]):
    AREA: ClassVar[str] = ""
    """Mode name of this area (a key of ``cio_tui.tui.areas.AREAS_BY_MODE``)."""
    HELP: ClassVar[str] = ""
    """What the screen is for, shown at the top of its ``?`` help (the keys are listed automatically)."""
    FOOTER_FIRST: ClassVar[tuple[str, ...]] = ()
    """Binding ids of the screen's main actions: a narrow footer keeps them (and ``? Help``) before other keys."""
    READY_WHEN_DRAWN: ClassVar[bool] = True
    """The screen is usable once drawn. False: it calls ``self.drawn_and_usable()`` itself once its first data is
    shown (the app prepares the other areas only after that, so their warm-up never delays the first area)."""

    BINDINGS = [
        Binding(
            "escape",
            "leave_field",
            "Leave field",
            id="area.leave_field",
            tooltip="Take focus out of a text field so single-letter keys work",
        ),
    ]

    @property
    def AREA_TITLE(self) -> str:  # noqa: N802 - reads like the class constants it complements
        return area(self.AREA).title

    @property
    def cio(self) -> CioApp:
        """The app, typed: ``self.cio.services``, ``self.cio.workspace``, ``self.cio.open_person(...)``."""
        return cast("CioApp", self.app)

    def compose(self) -> ComposeResult:
        yield Banner(id="banner")
        yield AreaBar(self.AREA, id="area-bar")
        with Vertical(id="area-body"):
            yield from self.compose_body()
        yield AreaFooter(compact=self.app.size.width < COMPACT_BELOW)  # compact from the start: no restyle

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets (between the area bar and the footer)."""
        yield from ()

    def on_mount(self) -> None:
        # Textual calls on_mount of every class in the MRO; a subclass calling super().on_mount() as well must not
        # register the watch twice (workspace_changed would then run twice).
        if not getattr(self, "_watching_workspace", False):
            self._watching_workspace = True
            self.watch(self.app, "workspace", self.workspace_changed, init=False)
            if self.READY_WHEN_DRAWN:
                self.drawn_and_usable()

    usable: bool = False
    """True once the screen's first content is drawn and it takes keys (``drawn_and_usable``)."""

    def drawn_and_usable(self) -> None:
        """Say (after the next refresh) that this screen's first content is on screen and usable."""
        self.call_after_refresh(self._now_usable)

    _usable_when_written = False

    def _now_usable(self) -> None:
        if self.app._batch_count:  # (Textual is pinned exactly)
            # Updates are batched (the app's start mounts its first screen inside one): the frame this refresh made
            # was not written to the terminal, the first one made after the batch is. The screen is usable once
            # that one is written, and only then come the app's next steps (the workspace opening and its threads,
            # which hold the interpreter lock: the first frame waited behind them) and the settle.
            self._usable_when_written = True
            # and makes sure such a frame comes: a batch that leaves nothing dirty would otherwise keep the screen
            # unusable until some unrelated repaint (at start the whole screen is drawn anyway)
            self.refresh()
            return
        self.usable = True
        heap.settle()  # this area's widgets stay for the session: later collections need not walk them
        ready = getattr(self.app, "area_ready", None)
        if ready is not None:
            ready()

    def _compositor_refresh(self) -> None:
        app = self.app
        if app._batch_count and self is app.screen and not app.is_inline:
            # Textual renders the frame and then does not write it (updates are batched); its dirty widgets and
            # regions stay, so the first refresh after the batch renders the frame it writes, once.
            return
        super()._compositor_refresh()
        if self._usable_when_written and not self.app._batch_count:  # this frame was written (see _now_usable)
            self._usable_when_written = False
            self.call_next(self._now_usable)

    def on_unmount(self) -> None:
        heap.release()  # the app is leaving (screens of a mode are only unmounted then)

    _suspended_once = False

    async def _on_resize(self, event: events.Resize) -> None:
        # Runs before Textual's own handler. The driver reports the terminal's size again and again at start (three
        # times), the size this screen was just laid out and drawn for, and each time Textual laid out and drew the
        # whole screen again for nothing, while the first key waited. A report that changes nothing is skipped (when
        # no size breakpoints are to be set either); every real resize is Textual's.
        app = self.app
        breakpoints = (self.HORIZONTAL_BREAKPOINTS, self.VERTICAL_BREAKPOINTS)
        if any(breakpoints) or (None in breakpoints and (app.HORIZONTAL_BREAKPOINTS or app.VERTICAL_BREAKPOINTS)):
            return
        if self.is_attached and event.size == self._compositor.size:
            event.stop()
            event.prevent_default()

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (handlers run down the class hierarchy). Textual restyles every widget of
        # a resumed screen, and a new area gets two resumes: on its first visit its widgets were styled a moment ago
        # as they mounted, so both restyles are skipped. After the screen was left once, Textual's rule applies.
        if not self._suspended_once:
            event.refresh_styles = False

    def _on_screen_suspend(self) -> None:
        self._suspended_once = True

    def workspace_changed(self, workspace: Workspace | None) -> None:
        """Called when the app's current workspace changes (``None`` while none is open). Override to reload."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_field":  # shown (and useful) only while a text field has focus
            return is_text_field(self.focused)
        if action in self._letter_actions() and self.letters_are_text():
            return None  # shown disabled: a letter typed now goes to the screen's main field (the footer says so)
        return True

    def _letter_actions(self) -> frozenset[str]:
        """The screen's actions bound to a bare letter key (only these wait while letters are text)."""
        found = _LETTER_ACTIONS.get(type(self))
        if found is None:
            found = _LETTER_ACTIONS[type(self)] = frozenset(
                binding.action.split("(")[0]
                for key, bindings in self._bindings.key_to_bindings.items()
                if len(key) == 1 and key.isalpha()
                for binding in bindings
            )
        return found

    def action_leave_field(self) -> None:
        self.focus_home()

    def unsaved_text(self) -> str | None:
        """What the operator typed or pasted here that quitting would lose, in words (``None``: nothing)."""
        return None

    def unapplied_work(self) -> str | None:
        """Work made here and not carried out (a plan not applied) that quitting would drop, in words."""
        return None

    def replace_text(
        self,
        editor: TextArea,
        text: str,
        *,
        came_from: str,
        then: Callable[[], None],
        kept: str = "",
        on_kept: Callable[[], None] | None = None,
    ) -> None:
        """Put ``text`` in ``editor`` and run ``then``, but first ask when the editor holds other text the
        operator typed or pasted (``kept``: the text last loaded or saved, which may be replaced freely).
        ``on_kept`` says that the new text was not loaded (default: a notification)."""
        current = editor.text
        if not current.strip() or current == text or current == kept:
            editor.load_text(text)
            then()
            return
        from cio_tui.tui.modals.confirm import ConfirmModal

        lines = len(current.splitlines())
        body = (
            f"The editor holds {lines} line(s) you typed or pasted. Replace them with {came_from}? "
            "Keep leaves your text as it is and does not load the new one."
        )

        def answered(replace: bool | None) -> None:
            if replace:
                editor.load_text(text)
                then()
            elif on_kept is not None:
                on_kept()
            else:
                self.notify(f"Kept your text; {came_from} was not loaded.", title="Nothing replaced")

        self.app.push_screen(ConfirmModal("Replace your text?", body, yes="Replace", no="Keep mine"), answered)

    @on(Worker.StateChanged)
    def _on_worker_failed(self, event: Worker.StateChanged) -> None:
        """Safety net: a worker that raised becomes a notification (handle expected errors in the worker)."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(describe_error(event.worker.error), title="Something failed", severity="error", timeout=12)


__all__ = ["AreaScreen"]
