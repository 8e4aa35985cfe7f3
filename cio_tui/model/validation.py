"""Documented size limits and identifier parsing of the Track and App APIs (limits: the Track API's
description in https://docs.customer.io/files/journeys-track.json; see docs/reference/customerio-track.md)."""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

import orjson

APPLIES = ("size_limits",)  # the behaviour row these limits implement

MAX_ID_BYTES = 150
MAX_ATTR_NAME_BYTES = 150
MAX_ATTR_VALUE_BYTES = 1000
MAX_ATTRIBUTES = 300
MAX_EVENT_NAME_BYTES = 100
MAX_EVENT_DATA_BYTES = 100_000
MAX_ENTITY_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_BULK_IDS = 100
MAX_SEARCH_LIMIT = 1000

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CIO_RE = re.compile(r"^[A-Za-z0-9]+$")
E164_RE = re.compile(r"^\+[1-9][0-9]{1,14}$")
RESERVED = {"id", "email", "cio_id", "created_at", "_timestamp", "_update", "unsubscribed", "cio_relationships"}


class InvalidRequest(Exception):
    """A request Customer.io refuses with 400. ``field`` names the offending field when known."""

    def __init__(self, message: str, field: str | None = None, reason: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.reason = reason


class Ident(NamedTuple):
    """An identifier (immutable; a named tuple: several are made per operation, and a tuple is the cheapest)."""

    kind: str  # "id" | "email" | "cio_id" | "phone" | "anonymous_id"
    value: str


def looks_like_email(value: str) -> bool:
    return bool(EMAIL_RE.match(value.strip()))


def parse_path(raw: str, *, email_is_identifier: bool) -> Ident:
    """Track v1 path: the kind comes from the shape of the value (``cio_…``, email-shaped, else id)."""
    if not raw:
        raise InvalidRequest("the customer identifier in the path is empty", "identifier")
    if raw.startswith("cio_"):
        value = raw[4:]
        if not CIO_RE.match(value):
            raise InvalidRequest(f"invalid cio_id '{raw}'", "identifier")
        return Ident("cio_id", value)
    if email_is_identifier and looks_like_email(raw):
        return Ident("email", raw)
    check_id(raw)
    return Ident("id", raw)


def check_id(value: str, field: str = "id") -> None:
    if len(value.encode()) > MAX_ID_BYTES:
        raise InvalidRequest(f"{field} is {len(value.encode())} bytes; the limit is {MAX_ID_BYTES} bytes", field)


def one_identifier(
    obj: object, where: str, *, email_is_identifier: bool, phone_is_identifier: bool = False, anonymous_ok: bool = False
) -> Ident:
    """A typed body identifier ``{"id"|"email"|"cio_id"|"phone": value}`` with exactly one key (v2 and merge
    bodies). ``anonymous_ok``: v2 operations also take ``{"anonymous_id": value}`` (what Segment's Actions
    destination sends for anonymous calls)."""
    if not isinstance(obj, dict) or len(obj) != 1:
        raise InvalidRequest(f"{where} must have exactly one of id, email, phone or cio_id", where)
    ((kind, value),) = obj.items()
    if kind == "anonymous_id" and anonymous_ok:
        if not isinstance(value, str | int) or str(value) == "":
            raise InvalidRequest(f"{where}.anonymous_id must be a non-empty string", where)
        return Ident("anonymous_id", str(value))
    if kind == "phone":
        if not phone_is_identifier:
            raise InvalidRequest(f"{where}: phone is not enabled as an identifier in this workspace", where)
        if not isinstance(value, str) or not E164_RE.match(value):
            raise InvalidRequest(f"{where}.phone must be in E.164 format (+ and up to 15 digits)", where)
        return Ident("phone", value)
    if kind not in ("id", "email", "cio_id"):
        raise InvalidRequest(f"{where}: unknown identifier type '{kind}'", where)
    if kind == "email" and not email_is_identifier:
        raise InvalidRequest(f"{where}: in an id-only workspace email is not an identifier; use id or cio_id", where)
    if not isinstance(value, str | int) or str(value) == "":
        raise InvalidRequest(f"{where}.{kind} must be a non-empty string", where)
    value = str(value)
    if kind == "cio_id":
        value = value.removeprefix("cio_")
        if not CIO_RE.match(value):
            raise InvalidRequest(f"{where}: invalid cio_id", where)
    elif kind == "id":
        check_id(value, f"{where}.id")
    return Ident(kind, value)


# json.dumps(value, separators=(",", ":")) without building an encoder per call; its output is ASCII
# (ensure_ascii), so its length in characters is its length in bytes.
_COMPACT = json.JSONEncoder(separators=(",", ":")).encode


def json_size(value: object) -> int:
    """Bytes of ``value`` as compact JSON (how the size limits measure a body or an operation)."""
    return len(_COMPACT(value))


def _size(value: object) -> int:
    if isinstance(value, str):
        return len(value.encode())
    return json_size(value)


_SMALL_INT = 10**18  # at most 19 characters as JSON


def _bound(value: object, depth: int = 0) -> int:
    """An upper bound of ``_size(value)`` without serialising; -1 when only ``_size`` can tell (an unusual type,
    a deep structure). A JSON string is at most 12 bytes per character (a character outside the BMP is escaped as
    two \\uXXXX), a float at most 24, an int below 10**18 at most 20, and a key costs its string plus ``:`` and
    ``,``. Plain strings and numbers inside a structure are counted in the loop (no call each: this runs on every
    body of a replay). Exact types (``type(x) is``), not isinstance: a subclass may serialise differently."""
    if type(value) is str:
        return 12 * len(value) + 2
    if value is None or value is True or value is False:
        return 5
    if type(value) is float:
        return 24
    if type(value) is int:
        return 20 if -_SMALL_INT < value < _SMALL_INT else -1
    if depth > 4:
        return -1
    total = 2
    if type(value) is dict:
        for key, item in value.items():
            if type(key) is not str:
                return -1
            inner = type(item)
            if inner is str:
                total += 12 * (len(key) + len(item)) + 6
            elif inner is float or item is None or inner is bool:
                total += 12 * len(key) + 28
            elif inner is int and -_SMALL_INT < item < _SMALL_INT:
                total += 12 * len(key) + 24
            else:
                size = _bound(item, depth + 1)
                if size < 0:
                    return -1
                total += 12 * len(key) + 4 + size
        return total
    if type(value) is list or type(value) is tuple:
        for item in value:
            size = 12 * len(item) + 2 if type(item) is str else _bound(item, depth + 1)
            if size < 0:
                return -1
            total += size + 1
        return total
    return -1  # another type, or a subclass: only json.dumps knows what it makes of it


# orjson writes JSON in C: its length, tripled, bounds json.dumps' (ASCII output, where each character beyond ASCII
# is a \\uXXXX escape or two: at most 3 bytes per UTF-8 byte; numbers, literals and ASCII escapes are no longer than
# 3 times orjson's). Subclasses, dataclasses and dates are not serialised by it (they may serialise differently),
# nor integers beyond 64 bits: those take ``_bound``.
_EXACT_TYPES_ONLY = orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def _fast_bound(value: object) -> int:
    """An upper bound of ``json_size(value)``; -1 when only ``json_size`` can tell."""
    try:
        return 3 * len(orjson.dumps(value, option=_EXACT_TYPES_ONLY))
    except TypeError:  # orjson.JSONEncodeError is one
        return _bound(value)


def json_exceeds(value: object, limit: int) -> bool:
    """``json_size(value) > limit``, serialising with ``json`` only when the cheap bound cannot rule it out."""
    bound = _fast_bound(value)
    return not 0 <= bound <= limit and json_size(value) > limit


def _over(value: object, limit: int) -> bool:
    """``_size(value) > limit``, measured only when the cheap bound cannot rule it out (most values are small)."""
    if isinstance(value, str):
        return len(value) > limit // 4 and len(value.encode()) > limit  # UTF-8: at most 4 bytes a character
    if limit >= 24 and (
        type(value) is float or type(value) is bool or (type(value) is int and -_SMALL_INT < value < _SMALL_INT)
    ):
        return False  # at most 24 bytes (what _bound says of them), without the call
    bound = _fast_bound(value)
    return not 0 <= bound <= limit and _size(value) > limit


def check_attributes(attrs: dict[str, Any]) -> None:
    """Attribute name/value sizes and the per-call attribute count; raise InvalidRequest (400)."""
    if len(attrs) > MAX_ATTRIBUTES:  # else the custom ones cannot be too many
        custom = [k for k in attrs if k not in RESERVED]
        if len(custom) > MAX_ATTRIBUTES:
            raise InvalidRequest(f"{len(custom)} attributes in one call; the limit is {MAX_ATTRIBUTES}", "attributes")
    for key, value in attrs.items():
        # an ASCII name is one byte a character: a short one is within the limit without encoding it; any other name
        # is encoded, exactly as before the shortcut
        if (len(key) > MAX_ATTR_NAME_BYTES or not key.isascii()) and len(key.encode()) > MAX_ATTR_NAME_BYTES:
            raise InvalidRequest(f"attribute name is longer than {MAX_ATTR_NAME_BYTES} bytes", key[:40])
        if key == "cio_subscription_preferences" or value is None:
            continue
        kind = type(value)  # the common values decided here, as ``_over`` decides them, without the call
        if kind is str and len(value) <= MAX_ATTR_VALUE_BYTES // 4:
            continue
        if kind is float or kind is bool or (kind is int and -_SMALL_INT < value < _SMALL_INT):
            continue
        if _over(value, MAX_ATTR_VALUE_BYTES):
            raise InvalidRequest(f"value of '{key[:40]}' is longer than {MAX_ATTR_VALUE_BYTES} bytes", key[:40])
    for key in ("id", "email"):
        if isinstance(attrs.get(key), str):
            check_id(attrs[key], key)


def check_event(name: object, data: object, *, within: int = 0) -> str:
    """The event's name, once name and data are within the limits. ``within``: the JSON size the whole operation
    is already known to be within (0: not measured); the data, a part of it, then needs no measuring below it."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidRequest("event name is required", "name")
    if len(name.encode()) > MAX_EVENT_NAME_BYTES:
        raise InvalidRequest(f"event name is longer than {MAX_EVENT_NAME_BYTES} bytes", "name")
    if data is not None and not 0 < within <= MAX_EVENT_DATA_BYTES and _over(data, MAX_EVENT_DATA_BYTES):
        raise InvalidRequest(f"event data is larger than {MAX_EVENT_DATA_BYTES} bytes", "data")
    return name


def as_string(value: object) -> str:
    """App API attribute values are strings on the wire."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)
