"""The part of Segment's Filter Query Language (FQL) the emulated workspace evaluates: subscription triggers and
destination filter conditions (https://segment.com/docs/api/public-api/fql/).

Supported: paths (``type``, ``event``, ``userId``, ``properties.plan``, ``receivedAt``...), string/number/boolean/
``null`` literals, ``= != < <= > >=``, ``and``, ``or``, ``!``/``not``, parentheses, ``match(path, "glob*")``,
``contains(path, "text")`` and the literal ``all``. Anything else raises ``FqlError`` (the emulator then treats the
condition as not matching and says so), never a silent guess. Comparisons of strings are lexical: two ISO-8601 UTC
timestamps of the same format compare in time order.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any

_TOKEN = re.compile(
    r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?)|(?P<op><=|>=|!=|=|<|>|\(|\)|,|!)'
    r"|(?P<word>[A-Za-z_$][\w.$-]*))"
)
_MISSING = object()


class FqlError(ValueError):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FqlError(f"cannot read the condition at character {pos + 1}: {text[pos:pos + 20]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return out


class _Parser:
    def __init__(self, text: str, message: dict[str, Any]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.msg = message

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None or (value is not None and tok[1] != value):
            raise FqlError(f"expected {value or 'more'} in the condition")
        self.i += 1
        return tok

    def run(self) -> bool:
        if len(self.toks) == 1 and self.toks[0] == ("word", "all"):
            return True
        result = self.disjunction()
        if self.peek() is not None:
            raise FqlError(f"unexpected {self.peek()[1]!r} in the condition")  # type: ignore[index]
        return result

    def disjunction(self) -> bool:
        value = self.conjunction()
        while self.peek() == ("word", "or"):
            self.take()
            right = self.conjunction()
            value = value or right
        return value

    def conjunction(self) -> bool:
        value = self.unary()
        while self.peek() == ("word", "and"):
            self.take()
            right = self.unary()
            value = value and right
        return value

    def unary(self) -> bool:
        if self.peek() in (("op", "!"), ("word", "not")):
            self.take()
            return not self.unary()
        if self.peek() == ("op", "("):
            self.take("(")
            value = self.disjunction()
            self.take(")")
            return value
        return self.comparison()

    def comparison(self) -> bool:
        kind, word = self.take()
        if kind == "word" and word in ("match", "contains") and self.peek() == ("op", "("):
            self.take("(")
            left = self.value(self.take())
            self.take(",")
            right = self.value(self.take())
            self.take(")")
            if not isinstance(left, str) or not isinstance(right, str):
                return False
            return fnmatch.fnmatchcase(left, right) if word == "match" else right in left
        left = self.value((kind, word))
        tok = self.peek()
        if tok is None or tok[0] != "op" or tok[1] in ("(", ")", ",", "!"):
            return left is not _MISSING and left is not None and left is not False
        op = self.take()[1]
        right = self.value(self.take())
        return _compare(left, op, right)

    def value(self, tok: tuple[str, str]) -> Any:
        kind, text = tok
        if kind == "str":
            return bytes(text[1:-1], "utf-8").decode("unicode_escape") if "\\" in text else text[1:-1]
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "word":
            if text in ("true", "false"):
                return text == "true"
            if text == "null":
                return None
            node: Any = self.msg
            for part in text.lstrip("$.").split("."):
                if not isinstance(node, dict) or part not in node:
                    return _MISSING
                node = node[part]
            return node
        raise FqlError(f"unexpected {text!r} in the condition")


def _compare(left: Any, op: str, right: Any) -> bool:
    if left is _MISSING:
        left = None
    if op == "=":
        return left == right
    if op == "!=":
        return left != right
    if left is None or right is None or isinstance(left, bool) != isinstance(right, bool):
        return False
    if isinstance(left, str) != isinstance(right, str):
        return False
    try:
        return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
    except TypeError:
        return False


def matches(condition: str, message: dict[str, Any]) -> bool:
    """Whether ``message`` satisfies the FQL ``condition``. Raises ``FqlError`` for what is not modelled."""
    return _Parser(condition, message).run()


__all__ = ["FqlError", "matches"]
