"""One focus model for every screen (area screens and the forms inside them).

- Single-letter keys are actions only while focus is outside text fields; inside one, typing goes to the field and
  escape leaves it. So focus must never be somewhere the operator does not expect:
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
from typing import Any, ClassVar, cast

from textual import events
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, TextArea

TEXT_FIELDS = (Input, TextArea)
# Area prefixes of widget ids, left out of the footer's name (the area bar already says where you are).
AREA_PREFIXES = {"wt", "ids", "dup", "leads", "plan", "preview", "journal", "lookup", "connect"}


def is_text_field(widget: Widget | None) -> bool:
    return isinstance(widget, TEXT_FIELDS)


def _words(name: str) -> str:
    parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", name)
    return " ".join(p if p.isupper() and len(p) > 1 else p.lower() for p in parts)


def focus_name(widget: Widget) -> str:
    """A short name of a widget for the footer: its ``FOCUS_NAME``, border title, placeholder, or class in words."""
    explicit = getattr(widget, "FOCUS_NAME", "")
    if explicit:
        return str(explicit)
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
        return "▸ nothing focused (tab)"[:limit]
    suffix = ": typing" if is_text_field(widget) else ""
    name = focus_name(widget)
    room = max(1, limit - 2 - len(suffix))
    if len(name) > room:
        name = name[: room - 1] + "…"
    return f"▸ {name}{suffix}"


class FocusModel:
    """Mixin for ``Screen`` subclasses (see the module docstring)."""

    AUTO_FOCUS: ClassVar[str | None] = ""  # Textual's auto-focus would pick the first field: home does it instead
    HOME_FOCUS: ClassVar[str] = ""
    """Selector of the widget the screen focuses on arrival and when a field is left (default: the first focusable
    widget that is not a text field)."""
    PASTE_TARGET: ClassVar[str] = ""
    """Selector of the text field a paste goes to when no text field has focus (empty: the paste is refused in
    words, never dropped silently)."""

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
        self._screen().set_focus(self.home_widget())

    def focus_now(self, widget: Widget) -> None:
        """Focus ``widget`` before the next key is handled (``Widget.focus()`` waits for the next idle moment)."""
        widget.display = True
        self._screen().set_focus(widget)

    def _screen(self) -> Screen[Any]:
        return cast("Screen[Any]", self)  # the mixin is only ever mixed into a Screen

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        """Arrival (first visit, area switch, a modal closed): keep the focus the screen had, or go home."""
        screen = self._screen()
        focused = screen.focused
        if focused is None or not focused.focusable or not focused.display:
            self.focus_home()

    def on_key(self, event: events.Key) -> None:
        """A printable key that reaches the screen while a text field has focus was sent before the field took
        focus (the terminal delivers a burst of keys at once): it belongs in the field, not to an action."""
        focused = self._screen().focused
        if focused is None or not is_text_field(focused) or not event.is_printable:
            return
        event.stop()
        event.prevent_default()
        focused.post_message(events.Key(event.key, event.character))

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
        if isinstance(target, TextArea):
            target.insert(event.text)
        elif isinstance(target, Input):
            target.insert_text_at_cursor(event.text.splitlines()[0])


__all__ = ["TEXT_FIELDS", "FocusModel", "focus_name", "focus_words", "is_text_field"]
