"""A small tokenizer and value reader for JavaScript object literals (a superset of JSON).

Accepts what application code passes to ``analytics.*`` calls: unquoted keys, single, double or back-quoted
strings (no ``${}``), trailing commas, numbers (decimal, hex, exponents, ``_`` separators), booleans, ``null``,
``undefined``, nested objects and arrays, and ``//`` / ``/* */`` comments. Every error is a ``ParseError``
with a 1-based line and column.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from cio_tui.errors import UserError

MAX_DEPTH = 100
UNDEFINED = object()  # JavaScript ``undefined``: left out of objects, ``null`` in arrays (as JSON.stringify does)


class ParseError(UserError, ValueError):
    """Input that cannot be read. ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"line {line}, column {column}: {message}")
        self.reason = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Token:
    kind: str  # "punct", "string", "number", "ident", "eof"
    value: object
    line: int
    column: int
    text: str = ""


_PUNCT = set("{}[](),:;.=")
_NUMBER_RE = re.compile(
    r"0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?"
)
_IDENT_RE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.col = 1

    def _advance(self, n: int) -> None:
        for ch in self.text[self.pos : self.pos + n]:
            if ch == "\n":
                self.line += 1
                self.col = 1
            else:
                self.col += 1
        self.pos += n

    def error(self, message: str) -> ParseError:
        return ParseError(message, self.line, self.col)

    def _skip_space_and_comments(self) -> None:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch.isspace() or ch == "\ufeff":
                self._advance(1)
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self._advance((len(text) if end < 0 else end) - self.pos)
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.error("this /* comment is never closed; add */")
                self._advance(end + 2 - self.pos)
            else:
                return

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            self._skip_space_and_comments()
            line, col = self.line, self.col
            if self.pos >= len(self.text):
                out.append(Token("eof", None, line, col))
                return out
            ch = self.text[self.pos]
            if ch in "'\"`":
                out.append(Token("string", self._string(ch), line, col))
            elif ch.isdigit() or (ch == "." and self.text[self.pos + 1 : self.pos + 2].isdigit()):
                out.append(self._number(line, col))
            elif self.text.startswith("=>", self.pos):
                self._advance(2)
                out.append(Token("punct", "=>", line, col, "=>"))
            elif ch in _PUNCT:
                self._advance(1)
                out.append(Token("punct", ch, line, col, ch))
            elif ch in "+-" and self._number_follows():
                self._advance(1)
                num = self._number(line, col)
                value = -num.value if ch == "-" and isinstance(num.value, int | float) else num.value
                out.append(Token("number", value, line, col, ch + num.text))
            else:
                m = _IDENT_RE.match(self.text, self.pos)
                if not m:
                    raise self.error(f"unexpected character {ch!r}")
                self._advance(m.end() - m.start())
                out.append(Token("ident", m.group(0), line, col, m.group(0)))

    def _number_follows(self) -> bool:
        nxt = self.text[self.pos + 1 : self.pos + 3]
        return bool(nxt) and (nxt[0].isdigit() or (nxt[0] == "." and nxt[1:2].isdigit()))

    def _number(self, line: int, col: int) -> Token:
        m = _NUMBER_RE.match(self.text, self.pos)
        if not m:  # pragma: no cover - guarded by the caller
            raise self.error("expected a number")
        raw = m.group(0)
        end = m.end()
        if end < len(self.text) and (self.text[end].isalnum() or self.text[end] in "_$"):
            self._advance(end - self.pos)
            raise self.error(f"'{raw}{self.text[end]}' is not a number; quote it if it is text")
        self._advance(len(raw))
        clean = raw.replace("_", "")
        try:
            if clean[:2].lower() in ("0x", "0o", "0b"):
                value: int | float = int(clean, 0)
            elif re.fullmatch(r"\d+", clean):
                value = int(clean)
            else:
                value = float(clean)
        except ValueError:
            raise ParseError(f"'{raw}' is not a valid number", line, col) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ParseError(f"'{raw}' is too large for a JSON number", line, col)
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
            value = int(value)  # JavaScript has one number type: 1.0 and 1e3 serialise as 1 and 1000
        return Token("number", value, line, col, raw)

    def _string(self, quote: str) -> str:
        start_line, start_col = self.line, self.col
        self._advance(1)
        parts: list[str] = []
        text = self.text
        while True:
            if self.pos >= len(text):
                raise ParseError(f"this string is never closed; add the closing {quote}", start_line, start_col)
            ch = text[self.pos]
            if ch == quote:
                self._advance(1)
                return _fix_surrogates("".join(parts))
            if ch == "\n" and quote != "`":
                raise self.error(f"line break inside a string; close it with {quote} first")
            if quote == "`" and text.startswith("${", self.pos):
                raise self.error("template placeholders ${...} are not supported; write the value itself")
            if ch == "\\":
                parts.append(self._escape())
                continue
            parts.append(ch)
            self._advance(1)

    def _escape(self) -> str:
        text = self.text
        nxt = text[self.pos + 1 : self.pos + 2]
        if not nxt:
            raise self.error("a backslash ends the input")
        if nxt in _ESCAPES:
            self._advance(2)
            return _ESCAPES[nxt]
        if nxt == "\n":
            self._advance(2)
            return ""
        if nxt == "x":
            return self._hex_escape(2, 2)
        if nxt == "u":
            if text[self.pos + 2 : self.pos + 3] == "{":
                end = text.find("}", self.pos + 3)
                digits = text[self.pos + 3 : end] if end > 0 else ""
                if end < 0 or not re.fullmatch(r"[0-9a-fA-F]{1,6}", digits) or int(digits, 16) > 0x10FFFF:
                    raise self.error("bad \\u{...} escape; use 1 to 6 hex digits up to 10FFFF")
                self._advance(end + 1 - self.pos)
                return chr(int(digits, 16))
            return self._hex_escape(2, 4)
        self._advance(2)
        return nxt

    def _hex_escape(self, skip: int, count: int) -> str:
        digits = self.text[self.pos + skip : self.pos + skip + count]
        if not re.fullmatch(f"[0-9a-fA-F]{{{count}}}", digits):
            raise self.error(f"bad escape; \\{self.text[self.pos + 1]} needs {count} hex digits")
        self._advance(skip + count)
        return chr(int(digits, 16))


def _fix_surrogates(value: str) -> str:
    """Join surrogate pairs from ``\\uD83D\\uDE00`` escapes; lone halves become U+FFFD."""
    if not any("\ud800" <= c <= "\udfff" for c in value):
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class ValueReader:
    """Reads values from a token list; ``pos`` is shared with the caller (the call parser)."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def next(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "eof":
            self.pos += 1
        return tok

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def is_punct(self, value: str, tok: Token | None = None) -> bool:
        tok = tok or self.current
        return tok.kind == "punct" and tok.value == value

    def expect(self, value: str, what: str) -> Token:
        tok = self.current
        if not self.is_punct(value):
            raise ParseError(f"expected {what}, found {describe(tok)}", tok.line, tok.column)
        return self.next()

    def value(self, depth: int = 0) -> Any:
        tok = self.current
        if depth > MAX_DEPTH:
            raise ParseError(f"nested deeper than {MAX_DEPTH} levels", tok.line, tok.column)
        if tok.kind in ("string", "number"):
            self.next()
            return tok.value
        if tok.kind == "ident":
            return self._keyword()
        if self.is_punct("{"):
            return self._object(depth)
        if self.is_punct("["):
            return self._array(depth)
        raise ParseError(f"expected a value, found {describe(tok)}", tok.line, tok.column)

    def _keyword(self) -> Any:
        tok = self.next()
        literals = {"true": True, "false": False, "null": None, "undefined": UNDEFINED}
        literals |= {"True": True, "False": False, "None": None}
        if tok.value in literals:
            return literals[tok.value]
        if tok.value in ("NaN", "Infinity"):
            raise ParseError(f"{tok.value} cannot be sent as JSON; use a number or null", tok.line, tok.column)
        if tok.value == "new" and self.current.kind == "ident" and self.current.value == "Date":
            raise ParseError(
                "new Date(...) is evaluated by the browser; paste the ISO string it produces instead "
                "(e.g. '2024-01-31T12:00:00Z')",
                tok.line,
                tok.column,
            )
        raise ParseError(
            f"'{tok.value}' is a variable, not a value; replace it with the value it holds", tok.line, tok.column
        )

    def _object(self, depth: int) -> dict[str, Any]:
        self.next()  # {
        out: dict[str, Any] = {}
        while not self.is_punct("}"):
            key_tok = self.next()
            if key_tok.kind in ("string", "ident"):
                key = str(key_tok.value)
            elif key_tok.kind == "number":
                key = key_tok.text if isinstance(key_tok.value, float) else str(key_tok.value)
            elif key_tok.kind == "punct" and key_tok.value == "[":
                raise ParseError("computed keys [..] are not supported; write the key", key_tok.line, key_tok.column)
            elif key_tok.kind == "punct" and key_tok.value == ".":
                raise ParseError("spread (...) is not supported; write the fields", key_tok.line, key_tok.column)
            else:
                raise ParseError(
                    f"expected a key or '}}' to close the object, found {describe(key_tok)}",
                    key_tok.line,
                    key_tok.column,
                )
            if self.is_punct(",") or self.is_punct("}"):
                raise ParseError(
                    f"shorthand '{key}' refers to a variable; write '{key}: <value>'", key_tok.line, key_tok.column
                )
            self.expect(":", f"':' after the key '{key}'")
            value = self.value(depth + 1)
            if value is not UNDEFINED:
                out[key] = value
            if not self.is_punct("}"):
                self.expect(",", "',' or '}' after the value")
        self.next()  # }
        return out

    def _array(self, depth: int) -> list[Any]:
        self.next()  # [
        out: list[Any] = []
        while not self.is_punct("]"):
            value = self.value(depth + 1)
            out.append(None if value is UNDEFINED else value)
            if not self.is_punct("]"):
                self.expect(",", "',' or ']' after the value")
        self.next()  # ]
        return out


def describe(tok: Token) -> str:
    if tok.kind == "eof":
        return "the end of the input"
    if tok.kind == "string":
        text = str(tok.value)
        shown = text if len(text) <= 20 else text[:20] + "…"
        return f"the string {shown!r}"
    return f"'{tok.text or tok.value}'"
