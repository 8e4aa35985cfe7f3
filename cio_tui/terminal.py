"""Workspace and file data made safe to print on a terminal (CLI and TUI alike).

An email, id or attribute value can hold escape sequences (clear the screen, move the cursor, rewrite the review
printed right before "type the workspace name"), bidirectional overrides, or bare control characters. Every such
code point is shown as a visible escape (``\\x1b``, ``\\u202e``) instead: the sequence is defused and the operator
sees that the value is odd. Printable text, including non-Latin scripts, is left as is.
"""

from __future__ import annotations


def safe(text: object) -> str:
    """One line of text with every control, format or non-space whitespace character made visible."""
    value = str(text)
    if value.isprintable():
        return value
    return "".join(ch if ch.isprintable() else _escape_char(ch) for ch in value)


def safe_lines(text: object) -> str:
    """Like :func:`safe`, keeping line breaks (for multi-line blocks the program itself composed)."""
    return "\n".join(safe(line) for line in str(text).split("\n"))


def _escape_char(ch: str) -> str:
    code = ord(ch)
    if ch == " ":
        return ch
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


__all__ = ["safe", "safe_lines"]
