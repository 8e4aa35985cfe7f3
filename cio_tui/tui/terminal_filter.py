"""The last line of defence between workspace data and the terminal: every frame the TUI draws passes here.

Textual writes a widget's text to the terminal as it is, escape sequences included (an email holding
``ESC[2J`` would clear the screen, an OSC sequence retitle the window, a bidirectional override reorder the row).
This line filter replaces, in every text segment of every frame, C0/C1 control characters and DEL by their
visible Unicode "control pictures" (``␛``, ``␇``) or ``�``, and bidirectional overrides by ``�``: one cell each,
so columns stay aligned and the operator sees that a value is odd. It runs on what widgets render, so no screen
can forget it.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
_TABLE = {c: chr(0x2400 + c) for c in range(0x20)} | {0x7F: "\u2421"}
_TABLE |= dict.fromkeys(range(0x80, 0xA0), "\ufffd") | dict.fromkeys(_BIDI, "\ufffd")


def defuse(text: str) -> str:
    """``text`` with every control character made a visible one-cell picture."""
    return text.translate(_TABLE)


def _clean(text: str) -> bool:
    return text.isprintable() or all(ord(ch) not in _TABLE for ch in text)


class ControlCharFilter(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [
            seg if seg.control or _clean(seg.text) else Segment(defuse(seg.text), seg.style, seg.control)
            for seg in segments
        ]


__all__ = ["ControlCharFilter", "defuse"]
