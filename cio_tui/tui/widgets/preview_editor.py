"""The paste editor of the Preview screen: a TextArea with JavaScript/JSON highlighting.

Textual's built-in highlighting needs tree-sitter (not a dependency of cio-tui), so this editor fills the
TextArea's highlight map itself from a small tolerant scanner: strings, numbers, comments, literals, keys and the
``analytics.<call>`` names. The scanner never raises; the real parser (``cio_tui.segment.parser``) reports errors.
"""

from __future__ import annotations

import re
from collections import defaultdict

from textual.widgets import TextArea

Highlight = tuple[int, int | None, str]

_TOKEN = re.compile(
    r"""(?P<comment>//.*)"""
    r"""|(?P<block>/\*)"""
    r"""|(?P<string>"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|`(?:[^`\\]|\\.)*`?)"""
    r"""|(?P<number>-?(?:0[xX][0-9a-fA-F_]+|\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+))"""
    r"""|(?P<word>[A-Za-z_$][A-Za-z0-9_$]*)"""
)
_LITERALS = {"true", "false", "null", "undefined", "True", "False", "None"}
_CALLS = {"identify", "track", "page", "screen", "group", "alias"}


def _bytes_at(line: str, column: int) -> int:
    return len(line[:column].encode("utf-8"))


def highlight_lines(lines: list[str]) -> dict[int, list[Highlight]]:
    """Highlights per line as (start byte, end byte or None, name), the TextArea's own format."""
    out: dict[int, list[Highlight]] = defaultdict(list)
    in_block = False
    for row, line in enumerate(lines):
        pos = 0
        if in_block:
            end = line.find("*/")
            if end < 0:
                out[row].append((0, None, "comment"))
                continue
            out[row].append((0, _bytes_at(line, end + 2), "comment"))
            pos, in_block = end + 2, False
        while pos < len(line):
            m = _TOKEN.search(line, pos)
            if not m:
                break
            start, end = m.start(), m.end()
            kind = m.lastgroup
            if kind == "block":
                close = line.find("*/", end)
                if close < 0:
                    out[row].append((_bytes_at(line, start), None, "comment"))
                    in_block = True
                    break
                end = close + 2
                kind = "comment"
            elif kind == "word":
                word = m.group(0)
                rest = line[end:].lstrip()
                if word in _LITERALS:
                    kind = "boolean"
                elif word in _CALLS and rest.startswith("(") and line[:start].rstrip().endswith("."):
                    kind = "function.call"
                elif rest.startswith(":"):
                    kind = "json.label"
                else:
                    kind = None
            elif kind == "string" and line[end:].lstrip().startswith(":"):
                kind = "json.label"
            if kind:
                out[row].append((_bytes_at(line, start), _bytes_at(line, end), kind))
            pos = max(end, start + 1)
    return out


class CallEditor(TextArea):
    """Where the operator pastes Segment calls (JSON, JSON lines, or analytics.* code)."""

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(text, soft_wrap=False, show_line_numbers=True, id=id, classes=classes)

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        self._highlights.clear()
        self._highlights.update(highlight_lines(self.text.split("\n")))
