"""The footer of the area screens: whole keys only, the screen's main actions and ``? Help`` always visible.

Textual's footer cuts its last keys off mid-word when the terminal is narrow (80 columns over SSH is common), and
the keys cut first are the app's (help, quit) and each screen's last ones, often its main action ("Make plan").
This footer is compact below ``COMPACT_BELOW`` columns and, when the keys still do not fit, leaves out whole keys:
``? Help`` and the screen's ``FOOTER_FIRST`` bindings are kept first, then the others in their order while they fit.
A key left out still works and is listed by ``?`` and the command palette.

On the left it says where the keys go: the focused widget's name, and ": typing" when letters are text there, not
actions (a text field, or the main field of a screen waiting for typing: ``cio_tui.tui.focus``).
Textual recomposes the footer whenever focus moves (the active bindings change); a screen whose waiting for typing
ends calls ``refresh_bindings()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel  # Textual is pinned exactly (pyproject.toml)

from cio_tui.tui.focus import where_keys_go

COMPACT_BELOW = 100  # columns
HELP_ACTION = "help"
PALETTE_WIDTH = 12  # "▏^p palette " docked on the right
WHERE_MAX = 24  # columns at most for "▸ <focused widget>" on the left (WHERE_MAX_COMPACT below COMPACT_BELOW)
WHERE_MAX_COMPACT = 16


def key_width(key: FooterKey, *, compact: bool) -> int:
    """Columns one key takes: " k Label " (normal: padding around) or "k Label" and the gap to the next (compact)."""
    text = len(key.key_display) + (1 + len(key.description) if key.description else 0)
    return text + (1 if compact else 2)


def choose_keys(
    keys: list[FooterKey], width: int, *, compact: bool, first: Iterable[str] = (), ids: dict[str, str] | None = None
) -> list[FooterKey]:
    """The keys to show, in their order: help first, then those whose binding id is in ``first``, then the rest,
    while they fit in ``width`` columns."""
    ids = ids or {}
    wanted = list(first)
    rank = {key: 0 if key.action == HELP_ACTION else 1 if ids.get(key.key) in wanted else 2 for key in keys}
    budget = width
    kept: set[int] = set()
    for key in sorted(keys, key=lambda k: rank[k]):  # sorted() is stable: the screen's order within a rank
        need = key_width(key, compact=compact)
        if need <= budget:
            kept.add(id(key))
            budget -= need
        elif rank[key] == 2:
            break  # keep the remaining keys in order: no later, shorter key jumps ahead
    return [key for key in keys if id(key) in kept]


def where_width(where: str) -> int:
    return len(where) + 2  # its padding


class AreaFooter(Footer):
    """See the module docstring. The screen may list binding ids in ``FOOTER_FIRST`` (its main actions)."""

    DEFAULT_CSS = """
    AreaFooter .footer-where { dock: left; width: auto; padding: 0 1; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        dialog = self._dialog()
        # a dialog open over this screen: its keys, not the screen's (they do not reach the screen under it)
        widgets: list[Widget] = list(self._keys_of(dialog) if dialog is not None else super().compose())
        if not widgets:  # bindings not ready yet
            return
        compact = self.app.size.width < COMPACT_BELOW
        where = where_keys_go(self._focus_screen(), WHERE_MAX_COMPACT if compact else WHERE_MAX)
        yield FooterLabel(where, classes="footer-where", markup=False)
        width = self.app.size.width - where_width(where)
        keys = [w for w in widgets if isinstance(w, FooterKey) and not w.has_class("-command-palette")]
        rest = [w for w in widgets if not (isinstance(w, FooterKey) and w in keys)]
        ids = {key: binding.id or "" for key, (_node, binding, _on, _tip) in self._key_bindings().items()}
        first = getattr(dialog or self.screen, "FOOTER_FIRST", ())
        shown = choose_keys(keys, width - (PALETTE_WIDTH if rest else 0), compact=compact, first=first, ids=ids)
        self.styles.grid_size_columns = len(shown)
        for key in shown:
            # A FooterKey starts compact (its own default) and the footer's binding then sets it: two restyles of
            # every key on every recompose. Given its final value before it mounts, it is styled once.
            key.set_reactive(FooterKey.compact, compact)
            key.set_class(compact, "-compact", update=False)
        for other in rest:
            if isinstance(other, FooterKey):  # the palette's key stays compact (its default): classed so before it
                other.set_class(True, "-compact", update=False)  # mounts, not restyled by its watcher once mounted
        yield from shown
        yield from rest

    def _focus_screen(self) -> Screen[Any]:
        """The screen the keys go to: a dialog open over this footer's screen, else that screen."""
        return self._dialog() or self.screen

    def _dialog(self) -> Screen[Any] | None:
        """The dialog open over this footer's screen, if any."""
        top = self.app.screen
        if top is not self.screen and isinstance(top, ModalScreen) and self.screen in self.app.screen_stack:
            return top
        return None

    def _key_bindings(self) -> dict[str, ActiveBinding]:
        return (self._dialog() or self.screen).active_bindings

    def _keys_of(self, dialog: Screen[Any]) -> Iterable[FooterKey]:
        """The dialog's shown keys, one per action, as Textual's footer makes them for a screen (Textual's reads
        the footer's own screen only), the palette's last."""
        if not self._bindings_ready:
            return
        bindings = dialog.active_bindings
        seen: set[str] = set()
        palette = (
            self.app.COMMAND_PALETTE_BINDING if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE else ""
        )
        for key, (_node, binding, enabled, tooltip) in bindings.items():
            if not binding.show or binding.action in seen or key == palette:
                continue
            seen.add(binding.action)
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            )
        if palette and palette in bindings:
            _node, binding, enabled, tooltip = bindings[palette]
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def _screen_changed(self, screen: Screen[Any]) -> None:
        """A dialog opened or closed over this screen: the footer follows focus inside the dialog too."""
        if not self.is_attached:
            return
        if screen is not self.screen and isinstance(screen, ModalScreen) and self.screen in self.app.screen_stack:
            screen.bindings_updated_signal.subscribe(self, lambda _screen: self.recompose_soon())
        self.recompose_soon()

    def on_mount(self) -> None:
        self.compact = self.app.size.width < COMPACT_BELOW
        self._width = self.app.size.width
        self.app.screen_change_signal.subscribe(self, self._screen_changed)
        # the first keys once the screen has mounted (and focused its first widget): in the screen's first frame
        self.call_later(self._first_keys)

    def _first_keys(self) -> None:
        screen = self.screen
        if not screen.is_mounted:
            # The screen's own on_mount (which places the focus) has not run yet: keys composed now would say
            # "no focus" and be composed, mounted and styled again a moment later. Asked again from the screen's
            # queue, this runs after its mount, still before its first frame.
            screen.call_later(self._first_keys)
            return
        self._bindings_ready = True
        self.recompose_soon()

    def on_resize(self, event: events.Resize) -> None:
        width = self.app.size.width
        if width != getattr(self, "_width", None):
            self._width = width
            self.compact = width < COMPACT_BELOW
            self.recompose_soon()

    _recompose_pending = False
    _composed: tuple[object, ...] | None = None  # what the keys were last composed from (``_inputs``)

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """Textual's handler, with the recompose shared: it recomposes on every change of the screen's bindings, and at
        start three changes (the stack, the focus, ...) came before the first recompose ran, so the keys were
        composed, mounted and styled three times over."""
        self._bindings_ready = True
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self.recompose_soon()

    def recompose_soon(self) -> None:
        """Recompose after the next refresh, once however many times it is asked for before then, and only when what
        the keys show changed (Textual asks again after every focus change, whatever changed). The very first keys
        are composed at once, so the first frame has them (not a second frame, with the whole screen redrawn)."""
        if not self._recompose_pending:
            self._recompose_pending = True
            if self._composed is None:
                self.call_next(self._recompose_now)
            else:
                self.call_after_refresh(self._recompose_now)

    async def _recompose_now(self) -> None:
        self._recompose_pending = False
        inputs = self._inputs()
        if inputs == self._composed:
            return
        self._composed = inputs
        # run as this footer whoever called it: the first keys are composed from a callback of the screen (a
        # first visit opened by another area), and Textual's Footer binds its keys' data to the active node
        with self._context():  # (Textual is pinned exactly)
            await self.recompose()

    def _inputs(self) -> tuple[object, ...]:
        """Everything ``compose`` reads: the width, where keys go, and each active binding as the footer shows it."""
        compact = self.app.size.width < COMPACT_BELOW
        where = where_keys_go(self._focus_screen(), WHERE_MAX_COMPACT if compact else WHERE_MAX)
        bindings = tuple(
            (key, binding.key, binding.description, binding.show, binding.id, binding.group, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in self._key_bindings().items()
        )
        return (self.app.size.width, where, self.show_command_palette, self._bindings_ready, bindings)


__all__ = ["AreaFooter", "choose_keys", "key_width"]
