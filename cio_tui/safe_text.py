"""Text from a file or a workspace, made safe to print on a terminal (CLI and TUI alike).

An email, id or attribute value can hold escape sequences (clear the screen, move the cursor, rewrite the review
printed right before "type the workspace name"), carriage returns, bidirectional overrides, or other control and
format characters. Every such code point is shown as a visible escape (``\\x1b``, ``\\u202e``): the sequence is
defused and the operator sees that the value is odd. Printable text, including non-Latin scripts, is left as is.
"""

from __future__ import annotations

from collections.abc import Iterable


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def safe(text: object) -> str:
    """One line: every control, format or non-space whitespace character (newline and tab too) made visible."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else _escape_char(ch) for ch in value)


def terminal_safe(text: str) -> str:
    """Like :func:`safe`, keeping newlines and tabs (for blocks the program itself laid out)."""
    return "\n".join("\t".join(safe(part) for part in line.split("\t")) for line in text.split("\n"))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A value for a CSV export that a spreadsheet will not run: text starting with ``= + - @`` (or a tab or
    carriage return) gets a leading apostrophe, as OWASP recommends for CSV injection. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[object]) -> list[object]:
    return [csv_cell(v) for v in values]


__all__ = ["FORMULA_STARTS", "csv_cell", "csv_row", "safe", "terminal_safe"]
