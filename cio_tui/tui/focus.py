"""One focus model for every screen (area screens and the forms inside them).

The rule for letter keys (a-z, A-Z without ctrl/alt; digits, ``?`` and ``/`` stay navigation keys outside fields):

- focus in a text field: a letter is text (escape leaves the field);
- focus on a widget that is not a text field (a table, a list, a button, tabs): a letter is that screen's action;
- nothing focused: a letter goes to the screen's main field (``TYPING_TARGET``), focused and the letter typed
  there; a screen without one focuses its home widget and says to press the key again (the letter does nothing).
  Only a screen with neither (nothing to focus but secondary fields such as a filter) takes the letter as its
  action;
- a screen that waits for typing (``waiting_for_typing()``: an empty lookup screen, an empty calls editor) sends
  letters to its main field as well while focus is where the screen put it (arrival, escape): letters are actions
  again once the operator moves focus themselves (tab, a click) or the screen has something to act on.

The footer says which it is: "▸ changes table" (letters are actions) or "▸ person: typing" (letters are text, in
that field). So focus must never be somewhere the operator does not expect:
- a screen never arrives with a text field focused (pressing an area key twice must not type the digit), it
  focuses its *home* widget (``HOME_FOCUS``, else the first focusable widget that is not a text field);
- focus is never left on nothing: escape from a field, a closed prompt, a modal closed, all come back to a widget
  (the one focused before, else home), so the next key goes where the footer says;
- a field that opens on a key takes focus *at once* (``focus_now``), not after the next refresh, and printable keys
  of the same burst that were already on their way to the screen (a fast typist, tmux) are handed to the field
  (``on_key``) instead of running as commands;
- a paste that arrives while focus is outside every text field goes to the screen's ``PASTE_TARGET`` field, never
  nowhere.

The footer names the focused widget (``focus_words``) and styles/app.tcss draws a clear border around it.
"""

from __future__ import annotations

import re
import sys
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard, cast

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.widgets import TextArea

# Area prefixes of widget ids, left out of the footer's name (the area bar already says where you are).
AREA_PREFIXES = {"wt", "ids", "dup", "leads", "plan", "preview", "journal", "lookup", "connect"}


def is_text_area(widget: object) -> TypeGuard[TextArea]:
    """True for a ``TextArea``. Its module (and its document and syntax machinery) is imported only by the screens
    that have one, not at start: while it is not imported, no widget can be one. A warm-up thread may be importing
    it right now: until the module has defined the class (``getattr`` below), no widget can be one either."""
    module = sys.modules.get("textual.widgets._text_area")
    text_area = getattr(module, "TextArea", None)
    return isinstance(text_area, type) and isinstance(widget, text_area)


def is_text_field(widget: Widget | None) -> TypeGuard[Input | TextArea]:
    return isinstance(widget, Input) or is_text_area(widget)


def _words(name: str) -> str:
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)
    return " ".join(p if p.isupper() and len(p) > 1 else p.lower() for p in parts)


def focus_name(widget: Widget) -> str:
    """A short name of a widget for the footer: its ``FOCUS_NAME`` or ``name``, border title, placeholder, or class
    in words."""
    explicit = getattr(widget, "FOCUS_NAME", "")
    if explicit:
        return str(explicit)
    if isinstance(widget, Button):  # its label is what the operator reads; its ``name`` is an internal id
        label = str(widget.label).strip().rstrip("…").strip()
        if label:
            return label
    if widget.name:
        return str(widget.name).replace("_", " ")
    title = widget.border_title
    if title:
        return str(title).strip()
    placeholder = getattr(widget, "placeholder", "")
    if isinstance(widget, Input) and placeholder:
        return str(placeholder).split(" (")[0]
    if widget.id:
        words = widget.id.replace("_", "-").split("-")
        if len(words) > 1 and words[0] in AREA_PREFIXES:
            words = words[1:]
        return " ".join(words)
    return _words(type(widget).__name__)


def focus_words(widget: Widget | None, limit: int = 40) -> str:
    """Where the keys go, for the footer, in at most ``limit`` columns: "▸ new id: typing" or "▸ changes table"
    (a long name is cut, never the word "typing": it says that letters are text here, not actions)."""
    if widget is None:
        return "▸ no focus: tab"[:limit]
    suffix = ": typing" if is_text_field(widget) else ""
    name = focus_name(widget)
    room = max(1, limit - 2 - len(suffix))
    if len(name) > room:
        name = name[: room - 1] + "…"
    return f"▸ {name}{suffix}"


def is_letter(event: events.Key) -> bool:
    """A letter key without ctrl or alt (shift is a capital): text in a field, an action outside one."""
    char = event.character
    if not char or len(char) != 1 or not char.isalpha():
        return False
    return event.key in (char, f"shift+{char.lower()}")


def where_keys_go(screen: Screen[Any], limit: int = 40) -> str:
    """The footer's words for ``screen``: the field letters type into when they are text (even while focus is on
    a list, on a screen waiting for typing), else the focused widget."""
    letters = screen.letters_go_to() if isinstance(screen, FocusModel) else None
    return focus_words(letters if letters is not None else screen.focused, limit)


def queue_field_key(app: App[Any], event: events.Event) -> bool:
    """For the app's ``on_event``: a key that is not text (ctrl+u, backspace, Enter...) for the focused one-line
    field runs its binding in that field's queue, in its place among the letters sent after it. Forwarded as usual,
    it would run only once it has bubbled up to the app, after those letters were typed: ctrl+u then abc sent
    together left the field empty. True when the key was queued so (the app must not forward it)."""
    if not isinstance(event, events.Key) or event.is_forwarded or event.is_printable:
        return False
    field = app.focused
    if not isinstance(field, Input):
        return False
    event._set_forwarded()  # Textual is pinned exactly
    field.call_later(_run_key, app, event.key)
    return True


async def _run_key(app: App[Any], key: str) -> None:
    if not await app._check_bindings(key, priority=True):  # Textual is pinned exactly
        await app._check_bindings(key)


class FocusModel:
    """Mixin for ``Screen`` subclasses (see the module docstring)."""

    AUTO_FOCUS: ClassVar[str | None] = ""  # Textual's auto-focus would pick the first field: home does it instead
    HOME_FOCUS: ClassVar[str] = ""
    """Selector of the widget the screen focuses on arrival and when a field is left (default: the first focusable
    widget that is not a text field)."""
    PASTE_TARGET: ClassVar[str] = ""
    """Selector of the text field a paste goes to when no text field has focus (empty: the paste is refused in
    words, never dropped silently)."""
    TYPING_TARGET: ClassVar[str] = ""
    """Selector of the screen's main text field: letters typed while nothing has focus, or while the screen waits
    for typing, go there (empty: the screen has none; such a letter only brings focus home)."""

    _placed: Widget | None = None  # the widget the screen focused itself (home); None once the operator moves focus

    def waiting_for_typing(self) -> bool:
        """True while the screen's purpose right now is typing into ``TYPING_TARGET`` (nothing to act on yet)."""
        return False

    _typing_field: Widget | None = None  # the TYPING_TARGET widget last found (while it stays mounted)

    def typing_target(self) -> Widget | None:
        if not self.TYPING_TARGET:
            return None
        # Asked for every letter binding each time the footer's keys are worked out (dozens of times on a first
        # visit): a selector query walks the whole screen, so the widget found is kept while it stays mounted.
        field = self._typing_field
        if field is None or not field.is_attached or field.screen is not self._screen():
            field = self._typing_field = next(iter(self._screen().query(self.TYPING_TARGET)), None)
        if field is not None and (field.focusable or not field.display):  # a hidden main field is shown on a letter
            return field
        return None

    _letters_were_text: bool | None = None

    def waiting_changed(self) -> None:
        """Call when ``waiting_for_typing()`` may have changed: the footer is redrawn only when it did (a screen may
        call this on every keystroke)."""
        now = self.letters_are_text()
        if now != self._letters_were_text:
            self._letters_were_text = now
            self._screen().refresh_bindings()

    def letters_are_text(self) -> bool:
        """True while a letter typed now is text for ``TYPING_TARGET`` although focus is outside it: the screen's
        letter actions are shown disabled (``AreaScreen.check_action``)."""
        focused = self._screen().focused
        return not is_text_field(focused) and self.letters_go_to() is not None

    def letters_go_to(self) -> Widget | None:
        """The text field a letter typed now goes to; ``None`` when letters are the focused widget's actions."""
        focused = self._screen().focused
        if is_text_field(focused):
            return focused
        if focused is not None and not (focused is self._placed and self.waiting_for_typing()):
            return None
        return self.typing_target()

    def home_widget(self) -> Widget | None:
        screen = self._screen()
        if self.HOME_FOCUS:
            for widget in screen.query(self.HOME_FOCUS):
                if widget.focusable and widget.display:
                    return widget
        for widget in screen.focus_chain:
            if not is_text_field(widget):
                return widget
        return None

    def focus_home(self) -> None:
        home = self.home_widget()
        self._screen().set_focus(home)
        self._placed = home

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self._placed is not None and event.widget is not self._placed:
            self._placed = None  # the operator (or a field opening) moved focus: letters follow the new place
            self._screen().refresh_bindings()  # the footer's keys are enabled again

    def focus_now(self, widget: Widget) -> None:
        """Focus ``widget`` before the next key is handled (``Widget.focus()`` waits for the next idle moment)."""
        widget.display = True
        if isinstance(widget, Input) and widget.select_on_focus and widget is not self._screen().focused:
            # Select now what its Focus event would select later: letters typed into it before that event is
            # handled (a burst, ``_type_into``) must not be selected and replaced by the next letter.
            widget.select_on_focus = False
            self._screen().set_focus(widget)
            widget.select_all()
            widget.call_later(setattr, widget, "select_on_focus", True)  # after its Focus event
            return
        self._screen().set_focus(widget)

    def _screen(self) -> Screen[Any]:
        return cast("Screen[Any]", self)  # the mixin is only ever mixed into a Screen

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        """Arrival (first visit, area switch, a modal closed): keep the focus the screen had, or go home."""
        screen = self._screen()
        focused = screen.focused
        if focused is None or not focused.focusable or not focused.display:
            self.focus_home()

    async def on_key(self, event: events.Key) -> None:
        """Letters that are text, not actions (the module docstring's rule), go to their field.

        A printable key that reaches the screen while a text field has focus was sent before the field took focus
        (the terminal delivers a burst of keys at once): it belongs in the field too. A letter that is an action
        runs here, before the screen reads the next key of the burst: a prompt it opens takes those keys."""
        screen = self._screen()
        top = screen.app.screen
        if top is not screen:  # a dialog a key of this burst opened: the rest of the burst was meant for it
            event.stop()
            event.prevent_default()
            top.post_message(events.Key(event.key, event.character))
            return
        focused = screen.focused
        if is_text_field(focused):
            if event.is_printable or (event.key == "enter" and is_text_area(focused)):
                await self._type_into(event, focused)  # an Enter of the burst is a new line of the text, too
            elif await screen.app._check_bindings(event.key):  # Textual is pinned exactly
                # Now, not once the key has bubbled to the app: a ctrl+u, backspace or Enter sent before the field
                # took focus keeps its place among the letters of the burst typed into it here.
                event.stop()
                event.prevent_default()
            return
        if not is_letter(event):
            return
        target = self.letters_go_to()
        if target is not None:
            await self._type_into(event, target)
            return
        home = self.home_widget() if focused is None else None
        if home is not None:  # focus comes home first: the letter was typed without knowing where it would go
            event.stop()
            event.prevent_default()
            self.focus_home()
            screen.notify(
                f"Nothing had focus, so {event.character!r} did nothing. Focus is on the {focus_name(home)} now: "
                "press it again.",
                severity="warning",
                markup=False,
            )
        elif await screen.app._check_bindings(event.key):  # Textual is pinned exactly
            # Also with nothing focused (a screen with nothing to act on but its keys, e.g. Plan/Apply with no
            # plan): a prompt the letter opens has focus before this screen reads the next key of the burst.
            event.stop()
            event.prevent_default()

    async def _type_into(self, event: events.Key, field: Widget) -> None:
        """Type ``event`` into ``field`` now, in this screen's order of keys (posted to the field, it could come
        after a later key of the burst that this screen handles itself, such as an Enter)."""
        event.stop()
        event.prevent_default()
        if field is not self._screen().focused:
            self.focus_now(field)
        key = events.Key(event.key, event.character)
        if is_text_field(field):
            await field._on_key(key)  # Textual is pinned exactly
        else:
            field.post_message(key)

    def on_paste(self, event: events.Paste) -> None:
        screen = self._screen()
        if is_text_field(screen.focused) or not event.text:
            return
        event.stop()
        if not self.PASTE_TARGET:
            screen.notify("Nothing here takes text: move to a text field first (tab), then paste.", severity="warning")
            return
        target = screen.query_one(self.PASTE_TARGET)
        self.focus_now(target)
        if is_text_area(target):
            target.insert(event.text)
        elif isinstance(target, Input):
            target.insert_text_at_cursor(event.text.splitlines()[0])


__all__ = ["FocusModel", "focus_name", "focus_words", "is_letter", "is_text_area", "is_text_field", "where_keys_go"]
