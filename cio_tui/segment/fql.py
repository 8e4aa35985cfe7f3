"""Segment's Filter Query Language (FQL), as the Actions destination's subscription triggers use it.

A trigger such as ``type = "track" and !contains(event, "test")`` decides which calls a subscription fires on
(https://segment.com/docs/api/public-api/fql/). Modelled: field paths (dot-separated, ``\\`` escapes a character
outside ``a-z A-Z 0-9 _ - $``), string literals in single or double quotes, numbers, ``true``/``false``/``null``,
``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``and``, ``or``, ``!``, ``in`` (a value in a list), parentheses, and the
functions ``contains(str, sub)``, ``match(str, glob)`` (``*``, ``?``, ``[...]``), ``lowercase(str)``,
``length(x)`` and ``typeof(x)``. A field that does not exist is ``null``.

``compile_trigger(text)`` parses once and returns a predicate over a Segment message dict; a trigger that does not
parse raises ``FqlError`` naming the position.
"""

from __future__ import annotations

import fnmatch
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cio_tui.errors import UserError

Predicate = Callable[[dict[str, Any]], bool]
_Value = Callable[[dict[str, Any]], Any]

_KEYWORDS = {"and", "or", "in", "true", "false", "null"}
_FUNCTIONS = {"contains", "match", "lowercase", "length", "typeof"}
_OPERATORS = ("!=", "<=", ">=", "=", "<", ">", "!", "(", ")", ",")
_NUMBER_RE = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_PATH_CHAR_RE = re.compile(r"[A-Za-z0-9_\-$.]")


class FqlError(UserError, ValueError):
    def __init__(self, reason: str, position: int) -> None:
        super().__init__(f"{reason} (at character {position + 1})")
        self.reason = reason
        self.position = position


@dataclass(frozen=True)
class _Token:
    kind: str  # "string", "number", "path", "keyword", "op", "end"
    text: str
    value: object
    position: int


def _tokens(source: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "'\"":
            j, chars = i + 1, []
            while j < len(source) and source[j] != ch:
                if source[j] == "\\" and j + 1 < len(source):
                    j += 1
                chars.append(source[j])
                j += 1
            if j >= len(source):
                raise FqlError(f"the string that starts with {ch} is not closed", i)
            out.append(_Token("string", source[i : j + 1], "".join(chars), i))
            i = j + 1
            continue
        number = _NUMBER_RE.match(source, i)
        if number and (ch != "-" or not out or out[-1].kind in ("op", "keyword")):
            text = number.group()
            value: object = float(text) if any(c in text for c in ".eE") else int(text)
            out.append(_Token("number", text, value, i))
            i = number.end()
            continue
        op = next((o for o in _OPERATORS if source.startswith(o, i)), None)
        if op:
            out.append(_Token("op", op, op, i))
            i += len(op)
            continue
        if _PATH_CHAR_RE.match(ch) or ch == "\\":
            j, chars = i, []
            while j < len(source) and (_PATH_CHAR_RE.match(source[j]) or source[j] == "\\"):
                if source[j] == "\\":
                    if j + 1 >= len(source):
                        raise FqlError("a \\ at the end of the trigger escapes nothing", j)
                    chars.append("\\" + source[j + 1])
                    j += 2
                    continue
                chars.append(source[j])
                j += 1
            raw = "".join(chars)
            if raw in _KEYWORDS:
                out.append(_Token("keyword", raw, raw, i))
            else:
                out.append(_Token("path", source[i:j], _split_path(raw), i))
            i = j
            continue
        raise FqlError(f"unexpected character {ch!r}", i)
    out.append(_Token("end", "", None, len(source)))
    return out


def _split_path(raw: str) -> tuple[str, ...]:
    parts, current, k = [], "", 0
    while k < len(raw):
        if raw[k] == "\\":
            current += raw[k + 1]
            k += 2
            continue
        if raw[k] == ".":
            parts.append(current)
            current = ""
        else:
            current += raw[k]
        k += 1
    parts.append(current)
    return tuple(parts)


def _lookup(path: tuple[str, ...]) -> _Value:
    def read(message: dict[str, Any]) -> Any:
        node: object = message
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    return read


def _same(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and bool(a == b)
    return bool(a == b)


def _ordered(op: str, a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return bool(_COMPARE[op](a, b))
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return bool(_COMPARE[op](a, b))
    return False


_COMPARE = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def _glob(value: object, pattern: object) -> bool:
    if not isinstance(value, str) or not isinstance(pattern, str):
        return False
    return re.fullmatch(fnmatch.translate(pattern), value, re.S) is not None


def _typeof(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "list" if isinstance(value, list) else "object"


_CALLS: dict[str, tuple[int, Callable[..., Any]]] = {
    "contains": (2, lambda s, sub: isinstance(s, str) and isinstance(sub, str) and sub in s),
    "match": (2, _glob),
    "lowercase": (1, lambda s: s.lower() if isinstance(s, str) else s),
    "length": (1, lambda v: len(v) if isinstance(v, str | list | dict) else 0),
    "typeof": (1, _typeof),
}


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.i = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        token = self.take()
        if token.text != text:
            shown = repr(token.text) if token.text else "the end of the trigger"
            raise FqlError(f"expected {text!r} but found {shown}", token.position)

    def parse(self) -> _Value:
        if self.peek().kind == "end":
            raise FqlError("the trigger is empty", 0)
        value = self.disjunction()
        token = self.peek()
        if token.kind != "end":
            raise FqlError(f"unexpected {token.text!r}: expected 'and', 'or' or the end of the trigger", token.position)
        return value

    def disjunction(self) -> _Value:
        left = self.conjunction()
        while self.peek().text == "or":
            self.take()
            left = (lambda a, b: lambda m: bool(a(m)) or bool(b(m)))(left, self.conjunction())
        return left

    def conjunction(self) -> _Value:
        left = self.negation()
        while self.peek().text == "and":
            self.take()
            left = (lambda a, b: lambda m: bool(a(m)) and bool(b(m)))(left, self.negation())
        return left

    def negation(self) -> _Value:
        if self.peek().text == "!":
            self.take()
            inner = self.negation()
            return lambda m: not inner(m)
        return self.comparison()

    def comparison(self) -> _Value:
        left = self.operand()
        token = self.peek()
        if token.text in ("=", "!=", "<", "<=", ">", ">="):
            self.take()
            right = self.operand()
            if token.text == "=":
                return lambda m: _same(left(m), right(m))
            if token.text == "!=":
                return lambda m: not _same(left(m), right(m))
            op = token.text
            return lambda m: _ordered(op, left(m), right(m))
        if token.text == "in":
            self.take()
            right = self.operand()
            return lambda m: isinstance(right(m), list) and any(_same(left(m), x) for x in right(m))
        return left

    def operand(self) -> _Value:
        token = self.take()
        if token.text == "(":
            inner = self.disjunction()
            self.expect(")")
            return inner
        if token.kind in ("string", "number"):
            constant = token.value
            return lambda _m: constant
        if token.kind == "keyword" and token.text in ("true", "false", "null"):
            constant = {"true": True, "false": False, "null": None}[token.text]
            return lambda _m: constant
        if token.kind == "path":
            name = token.text
            if self.peek().text == "(":
                return self.call(name, token.position)
            assert isinstance(token.value, tuple)  # a path token's value is its parts
            return _lookup(token.value)
        shown = repr(token.text) if token.text else "the end of the trigger"
        raise FqlError(f"expected a field, a value or '(' but found {shown}", token.position)

    def call(self, name: str, position: int) -> _Value:
        if name not in _CALLS:
            known = ", ".join(sorted(_FUNCTIONS))
            raise FqlError(f"unknown function {name}(): FQL functions are {known}", position)
        arity, fn = _CALLS[name]
        self.expect("(")
        args: list[_Value] = []
        if self.peek().text != ")":
            args.append(self.disjunction())
            while self.peek().text == ",":
                self.take()
                args.append(self.disjunction())
        self.expect(")")
        if len(args) != arity:
            raise FqlError(f"{name}() takes {arity} argument{'s' if arity > 1 else ''}, not {len(args)}", position)
        return lambda m: fn(*(a(m) for a in args))


def compile_trigger(source: str) -> Predicate:
    """A predicate over Segment message dicts; raises ``FqlError`` when ``source`` does not parse."""
    value = _Parser(source).parse()
    return lambda message: bool(value(message))
