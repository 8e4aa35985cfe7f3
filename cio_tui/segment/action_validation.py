"""What Segment's Actions framework does to a mapped payload before the action sees it, and its error wording.

From ``@segment/actions-core`` (https://github.com/segmentio/action-destinations, ``packages/core/src``):

1. ``removeEmptyValues``: ``null`` is dropped from typed fields, ``''`` from fields that are not strings, and at the
   root level every ``''`` on the single (unbatched) path.
2. ajv with ``coerceTypes: 'array'``: numbers and booleans into ``string`` fields become strings, a one-item array
   becomes its item, ``"true"``/``"false"`` into booleans, numeric strings into numbers.
3. Checks, all reported at once and worded as ``@segment/ajv-human-errors`` does with the field's *label*:
   required fields ("The root value is missing the required field 'metric'."), ``choices`` as an allowed set
   ("Metric must be one of: ..."), types ("Person Attributes must be an object but it was a string."),
   ``datetime`` fields date-like ("Timestamp must be a valid date-like string but it was not."), number limits.

A payload with any error is not sent: the single path fails the event with the message; in a batch that event gets
its own 400 (``PAYLOAD_VALIDATION_FAILED``) in the multi-status response and the others go on.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, cast

from cio_tui.segment.action_fields import Field

_SCHEMA_TYPES = {"string": ("string",), "object": ("object",), "number": ("number",), "boolean": ("boolean",),
                 "datetime": ("string", "number")}  # fmt: skip
_NUMERIC_RE = re.compile(r"^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")
_LOOSE_DATES = ("%Y/%m/%d", "%m/%d/%Y", "%Y/%m/%d %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%b %d %Y", "%d %b %Y",
                "%B %d %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y")  # fmt: skip


def _type_of(value: object) -> str:
    """``humanizeTypeOf``: the article and the JavaScript ``typeof`` of the value."""
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, int | float) else "a string"


def _is(value: object, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coerce(value: object, kinds: tuple[str, ...]) -> Any:
    """ajv's ``coerceTypes: 'array'`` into the first type that accepts the value; unchanged when none does."""
    if any(_is(value, k) for k in kinds):
        return value
    if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], dict | list):
        return _coerce(value[0], kinds)
    for kind in kinds:
        if kind == "string" and (isinstance(value, bool | int | float) or value is None):
            return "" if value is None else (json.dumps(value) if not isinstance(value, float) else _num(value))
        if kind == "number":
            if isinstance(value, bool):
                return int(value)
            if isinstance(value, str) and _NUMERIC_RE.match(value):
                number = float(value)
                return int(number) if number.is_integer() else number
        if kind == "boolean" and value in ("true", "false", 0, 1) and not isinstance(value, float):
            return value in ("true", 1)
    return value


def _num(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def is_date_like(value: str) -> bool:
    """The ``date-like`` format: unix seconds (or 13-digit milliseconds) or a string a JavaScript Date parses."""
    text = value.strip()
    if _NUMERIC_RE.match(text):
        return True
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
        return True
    except ValueError:
        pass
    try:
        parsedate_to_datetime(text)
        return True
    except (TypeError, ValueError, IndexError):
        pass
    for pattern in _LOOSE_DATES:
        try:
            datetime.strptime(text, pattern)
            return True
        except ValueError:
            continue
    return False


def _list(values: tuple[str, ...]) -> str:
    shown = [json.dumps(v) for v in values]
    if len(shown) <= 2:
        return " or ".join(shown)
    return ", ".join(shown[:-1]) + ", or " + shown[-1]


def _field_errors(field: Field, value: object) -> list[str]:
    label = field.label or f"The value at /{field.name}"
    kinds = _SCHEMA_TYPES.get(field.type, (field.type,))
    if not any(_is(value, k) for k in kinds):
        expected = " or ".join(kinds)
        article = "an" if expected[0] in "aeiou" else "a"
        return [f"{label} must be {article} {expected} but it was {_type_of(value)}."]
    errors: list[str] = []
    if field.choices and value not in field.choices:
        errors.append(f"{label} must be one of: {_list(field.choices)}.")
    if field.type == "datetime" and isinstance(value, str) and not is_date_like(value):
        errors.append(f"{label} must be a valid date-like string but it was not.")
    number = value if isinstance(value, int | float) else None  # "number" fields passed _is above
    if field.type == "number" and field.minimum is not None and number is not None and number < field.minimum:
        errors.append(f"{label} must be equal to or greater than {_num(float(field.minimum))}.")
    if field.type == "number" and field.maximum is not None and number is not None and number > field.maximum:
        errors.append(f"{label} must be equal to or less than {_num(float(field.maximum))}.")
    return errors


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "object": (dict,), "boolean": (bool,),
                                              "number": (int, float)}  # fmt: skip
_PLANS: dict[int, tuple[list[Field], dict[str, tuple[Field, tuple[str, ...], tuple[type, ...], bool]]]] = {}


def plan_of(fields: list[Field]) -> dict[str, tuple[Field, tuple[str, ...], tuple[type, ...], bool]]:
    """Per field: the field, its schema types, the Python types that need no coercion, whether it has checks."""
    cached = _PLANS.get(id(fields))
    if cached is None or cached[0] is not fields:
        plan = {}
        for f in fields:
            kinds = _SCHEMA_TYPES.get(f.type, (f.type,))
            plain = tuple(t for k in kinds for t in _PYTHON_TYPES.get(k, ()))
            checks = bool(f.choices) or f.type == "datetime" or f.minimum is not None or f.maximum is not None
            plan[f.name] = (f, kinds, plain, checks)
        cached = (fields, plan)
        _PLANS[id(fields)] = cached
    return cached[1]


_REQUIRED: dict[int, tuple[list[Field], list[str]]] = {}


def required_of(fields: list[Field]) -> list[str]:
    """The names of the required fields, in order (built once per action: this runs on every call of a replay)."""
    cached = _REQUIRED.get(id(fields))
    if cached is None or cached[0] is not fields:
        cached = (fields, [f.name for f in fields if f.required])
        _REQUIRED[id(fields)] = cached
    return cached[1]


def validate_payload(fields: list[Field], mapped: dict[str, Any], *, single: bool) -> tuple[dict[str, Any], list[str]]:
    """The payload the action receives (empty values removed, types coerced) and every validation error."""
    plan = plan_of(fields)
    payload: dict[str, Any] = {}
    errors: list[str] = []
    slow: list[str] = []
    for key, value in mapped.items():
        entry = plan.get(key)
        if entry is None:  # ajv removeAdditional: a setting that is not a field of the action is dropped
            continue
        field, kinds, plain, checks = entry
        if value is None or (value == "" and ("string" not in kinds or single)):
            continue
        payload[key] = value
        # bool is an int in Python: a boolean in a number field still goes through coercion
        if checks or not isinstance(value, plain) or (isinstance(value, bool) and bool not in plain):
            slow.append(key)
    for name in required_of(fields):
        if name not in payload:
            errors.append(f"The root value is missing the required field '{name}'.")
    for key in slow:
        field, kinds, _plain, _checks = plan[key]
        payload[key], found = checked_value(field, kinds, payload[key])
        errors += found
    return payload, errors


def checked_value(field: Field, kinds: tuple[str, ...], value: object) -> tuple[object, list[str]]:
    """The value coerced to the field's types and the field's errors for it (kept per scalar value)."""
    vtype = type(value)
    if vtype is int or vtype is bool or (vtype is str and len(cast(str, value)) <= _CHECKED_TEXT):
        memo = _CHECKED.get((id(field), vtype, value))
        if memo is None or memo[0] is not field:
            coerced = _coerce(value, kinds)
            memo = (field, coerced, _field_errors(field, coerced))
            if len(_CHECKED) >= _CHECKED_KEPT:
                _CHECKED.clear()
            _CHECKED[(id(field), vtype, value)] = memo
        return memo[1], memo[2]
    coerced = _coerce(value, kinds)
    return coerced, _field_errors(field, coerced)


# The same few values recur in fields with checks (a batch size, a metric, a boolean setting) on every call of a
# replay: coercion and checks are functions of the field and the value, so their answer is kept per scalar value.
_CHECKED: dict[tuple[int, type, object], tuple[Field, Any, list[str]]] = {}
_CHECKED_KEPT = 4096
_CHECKED_TEXT = 64
