"""A list of items ticked on and off, with the state in text (``[x]`` / ``[ ]``), not colour alone."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class TickList(OptionList):
    """Enter or space ticks the highlighted item; posts ``TickList.Toggled``."""

    BINDINGS = [
        Binding(
            "space", "select", "Tick", show=False, id="walkthrough.tick", tooltip="Tick or untick the highlighted item"
        )
    ]

    @dataclass
    class Toggled(Message):
        tick_list: TickList
        key: str
        ticked: bool

        @property
        def control(self) -> TickList:
            return self.tick_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self._items: list[tuple[str, str]] = []
        self.ticked: set[str] = set()

    def watch_show_vertical_scrollbar(self) -> None:
        """The scrollbar appearing narrows the text: lines measured before it (a long item wrapping onto a second
        line, "Set Account Region to" / "US") must be measured again, or the second line is never drawn."""
        self._clear_caches()  # OptionList's own reset (Textual is pinned exactly)

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self._items]

    def set_items(self, items: list[tuple[str, str]], ticked: set[str]) -> None:
        """(key, label) rows; keeps the highlighted row when the list only changes its ticks."""
        self.ticked = set(ticked)
        if items != self._items:
            highlighted = self.highlighted
            self._items = list(items)
            self.clear_options()
            self.add_options(Option(self._line(key, label), id=key) for key, label in items)
            if items:
                self.highlighted = min(highlighted or 0, len(items) - 1)
        else:
            for key, label in items:
                self.replace_option_prompt(key, self._line(key, label))

    def _line(self, key: str, label: str) -> Text:
        return Text(f"[{'x' if key in self.ticked else ' '}] {label}")

    @on(OptionList.OptionSelected)
    def _toggle(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id or ""
        now = key not in self.ticked
        (self.ticked.add if now else self.ticked.discard)(key)
        label = dict(self._items)[key]
        self.replace_option_prompt(key, self._line(key, label))
        self.post_message(self.Toggled(self, key, now))

    def toggle(self, key: str) -> None:
        """Tick or untick ``key`` as if the operator pressed enter on it."""
        self.highlighted = self.keys.index(key)
        self.action_select()


__all__ = ["TickList"]
