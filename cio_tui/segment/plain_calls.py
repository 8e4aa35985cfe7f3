"""A Segment message as ``call_from_message(m).to_message()`` gives it, without pydantic, for the plain messages.

A replay turns every call of a traffic file into the message the destinations map; validating a pydantic model and
dumping it again costs more than the rest of the reading. For a *plain* message the result is known without either:
every declared field holds exactly the type the model keeps as it is (a string, a whole number where an id is
stringified, an object), nothing deep is a non-finite float (a JSON dump writes those as ``null``) or a type JSON
does not have. Then the dump is the declared fields in the model's order, ``None`` left out, followed by the other
keys in the message's order; the values are the message's own (nothing downstream edits a message in place).

``plain_message`` returns None for anything else, and the caller goes through the model (same answer, or the same
``MessageError``). ``tests/unit/test_plain_calls.py`` checks both give the same dicts, key order included.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, cast

import orjson

from cio_tui.segment.models import CALL_TYPES, MessageError, call_from_message

_COMMON = ("type", "messageId", "timestamp", "originalTimestamp", "sentAt", "receivedAt", "userId", "anonymousId",
           "integrations", "context", "version")  # fmt: skip
FIELDS: dict[str, tuple[str, ...]] = {
    "identify": (*_COMMON, "traits"),
    "track": (*_COMMON, "event", "properties"),
    "page": (*_COMMON, "name", "category", "properties"),
    "screen": (*_COMMON, "name", "category", "properties"),
    "group": (*_COMMON, "groupId", "traits"),
    "alias": (*_COMMON, "previousId"),
}
_DECLARED = {kind: frozenset(names) for kind, names in FIELDS.items()}
_ID_FIELDS = frozenset(("messageId", "userId", "anonymousId", "event", "groupId", "previousId"))  # int -> str
_TEXT_FIELDS = frozenset(("originalTimestamp", "sentAt", "receivedAt", "name", "category"))
_OBJECT_FIELDS = frozenset(("integrations", "context", "traits", "properties"))

# -- JSON parsing that notices non-finite numbers -----------------------------------------------------------------
_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_seen_non_finite = [0]  # how many non-finite numbers this process has parsed (never reset: only grows)


def _constant(name: str) -> float:
    _seen_non_finite[0] += 1
    return _NON_FINITE[name]


def _float(text: str) -> float:
    """``float(text)``, counting a number too big for a double (``1e999`` is ``inf``, not a NaN/Infinity literal)."""
    value = float(text)
    if value in (math.inf, -math.inf):
        _seen_non_finite[0] += 1
    return value


DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_float)
"""``json.loads`` as the traffic readers use it: the same values, and it counts the non-finite numbers it makes
(NaN / Infinity literals and numbers that overflow), so a replay knows it need not look for them in every message
when none was ever parsed. orjson refuses both (``loads`` then falls back to this decoder), so it never makes one."""


# orjson parses a line several times faster than json.loads and gives the same values, except that it makes a float
# of an integer beyond 64 bits: a line with 19 digits in a row (found fast: digits to "0", the rest to " ") is left
# to json.loads, as is every line orjson refuses (NaN, Infinity, a lone surrogate escape, huge exponents, bad JSON:
# json.loads then gives its own value or its own error).
_DIGITS = bytes(48 if 48 <= b <= 57 else 32 for b in range(256))
_LONG_NUMBER = b"0" * 19


def loads(text: str) -> Any:
    """``json.loads(text)`` (the same values and errors) through ``DECODER``, or orjson where that is the same."""
    if text.startswith("\ufeff"):  # json.loads refuses a BOM with its own message
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    try:
        data = text.encode()
    except UnicodeEncodeError:  # a lone surrogate: only json.loads reads it
        return DECODER.decode(text)
    if _LONG_NUMBER not in data.translate(_DIGITS):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return DECODER.decode(text)


def non_finite_seen() -> int:
    return _seen_non_finite[0]


def as_json_sends(value: Any) -> Any:
    """``value`` as JSON carries it: a NaN or an infinite number becomes null, as ``JSON.stringify`` writes it in the
    destination's request (a message read from NaN, Infinity or ``1e999``, or from a warehouse column)."""
    if type(value) is float:
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: as_json_sends(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [as_json_sends(item) for item in value]
    return value


def _json_native(value: object, depth: int = 0) -> bool:
    """Only what ``json.loads`` makes, finite floats, string keys: the JSON dump of it is itself."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is float:
        return math.isfinite(cast(float, value))
    if depth > 60:
        return False
    if kind is dict:
        return all(
            type(k) is str and _json_native(v, depth + 1) for k, v in cast("dict[object, object]", value).items()
        )
    if kind is list:  # exact types above (a subclass may dump differently): the casts only say what was checked
        return all(_json_native(v, depth + 1) for v in cast("list[object]", value))
    return False


# per declared field, how its value is checked: 0 an id (a whole number becomes a string), 1 an object, 2 text,
# 3 the timestamp (text or a finite number), 4 the version (a whole number or text)
_CHECK = {**dict.fromkeys(_ID_FIELDS, 0), **dict.fromkeys(_OBJECT_FIELDS, 1), **dict.fromkeys(_TEXT_FIELDS, 2),
          "type": 2, "timestamp": 3, "version": 4}  # fmt: skip
_PLAN = {kind: tuple((name, _CHECK[name]) for name in names) for kind, names in FIELDS.items()}


_TESTS = {  # per check (above): the lines that take ``value`` or give up (the message is not plain)
    0: ["    kind = type(value)", "    if kind is int:", "        value = str(value)", "    elif kind is not str:",
        "        return None"],
    1: ["    if type(value) is not dict or (deep and not _json_native(value)):", "        return None"],
    2: ["    if type(value) is not str:", "        return None"],
    3: ["    kind = type(value)", "    if not (kind is str or kind is int or (kind is float and isfinite(value))):",
        "        return None"],
    4: ["    kind = type(value)", "    if kind is not int and kind is not str:", "        return None"],
}  # fmt: skip


def _plain_of(kind: str) -> Callable[[dict[str, Any], bool], dict[str, Any] | None]:
    """``plain_message`` for the messages of one ``kind``, written out as straight-line code: one block per declared
    field (in the model's order), then the other keys."""
    lines = ["def plain(message, deep):", "    get = message.get", "    out = {}"]
    for name, check in _PLAN[kind]:
        lines += [f"    value = get({name!r})", "    if value is not None:"]
        lines += ["    " + line for line in _TESTS[check]]
        lines.append(f"        out[{name!r}] = value")
    lines += ["    if len(out) == len(message):", "        return out", "    for key, value in message.items():",
              "        if key in declared or value is None:", "            continue",
              "        if type(key) is not str or (deep and not _json_native(value)):", "            return None",
              "        out[key] = value", "    return out"]  # fmt: skip
    space: dict[str, Any] = {"declared": _DECLARED[kind], "_json_native": _json_native, "isfinite": math.isfinite}
    exec(compile("\n".join(lines), f"<plain {kind} message>", "exec"), space)  # noqa: S102
    return cast("Callable[[dict[str, Any], bool], dict[str, Any] | None]", space["plain"])


_PLAIN = {kind: _plain_of(kind) for kind in FIELDS}


def plain_message(message: dict[str, Any], *, deep: bool) -> dict[str, Any] | None:
    """``call_from_message(message).to_message()`` for a plain ``message``; None when only the model can tell.

    ``deep``: check every nested value too (the message may hold non-finite floats or non-JSON types: a Parquet
    row, or NaN was parsed somewhere); without it the nested values are taken to be what ``json.loads`` makes.
    Every declared field holds the type the model keeps as it is (a whole number id becomes a string); then the
    declared fields in the model's order, ``None`` left out, then the other keys in the message's order."""
    kind = message.get("type")
    if type(kind) is not str:
        return None
    plain = _PLAIN.get(kind)
    return None if plain is None else plain(message, deep)


def message_of(message: dict[str, Any], *, deep: bool) -> dict[str, Any]:
    """The call's message (``to_message``), through the model only when the message is not plain; raises
    ``MessageError`` exactly as ``call_from_message`` does."""
    plain = plain_message(message, deep=deep)
    if plain is not None:
        return plain
    return call_from_message(message).to_message()


__all__ = [
    "CALL_TYPES",
    "DECODER",
    "FIELDS",
    "MessageError",
    "as_json_sends",
    "loads",
    "message_of",
    "non_finite_seen",
    "plain_message",
]
