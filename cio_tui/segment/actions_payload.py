"""The Actions framework steps between a Segment message and a Customer.io body (reference sections 1 and 2).

- Field defaults (mapping-kit): ``@path`` (missing -> undefined), ``@if exists`` (only undefined/null are missing),
  ``@template "{{traits.email}}"`` (missing renders ``''``).
- ``removeEmptyValues``: ``null`` dropped from typed fields; root-level ``''`` removed on the single path only.
- ajv ``coerceTypes``: numbers and booleans mapped into ``string`` fields become strings.
- Required fields: "The root value is missing the required field 'X'." (single path); batch drops the event.
- ``buildPayload`` and ``resolveIdentifiers`` exactly as section 1 lists them.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cio_tui.segment.models import get_path
from cio_tui.segment.timestamps import ConversionReport, convert_attribute_timestamps, convert_valid_timestamp

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()

# ajv-formats "full" email format, used by resolveIdentifiers (section 1) to tell an email-shaped person_id.
AJV_EMAIL_RE = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    re.I,
)

Source = Callable[[dict[str, Any]], Any]


def path(dotted: str) -> Source:
    def read(message: dict[str, Any]) -> Any:
        node: Any = message
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return MISSING
            node = node[part]
        return copy.deepcopy(node)

    return read


def if_exists(first: str, second: str) -> Source:
    a, b = path(first), path(second)

    def read(message: dict[str, Any]) -> Any:
        value = a(message)
        return value if value is not MISSING and value is not None else b(message)

    return read


def template(dotted: str) -> Source:
    def read(message: dict[str, Any]) -> Any:
        value = get_path(message, dotted)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict):
            return "[object Object]"
        if isinstance(value, list):
            return ",".join("" if v is None else str(v) for v in value)
        return str(value)

    return read


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "string", "object", "number", "boolean"
    source: Source | None = None
    required: bool = False
    default: Any = MISSING


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return type(value).__name__


def _coerce(field: Field, value: Any) -> tuple[Any, str | None]:
    """ajv with ``coerceTypes: 'array'``: scalars into strings; wrong shapes are validation errors."""
    if field.type == "string":
        if isinstance(value, bool):
            return ("true" if value else "false"), None
        if isinstance(value, int | float):
            return json.dumps(value), None
        if isinstance(value, list) and len(value) == 1 and not isinstance(value[0], dict | list):
            return _coerce(field, value[0])
        if isinstance(value, dict | list):
            return value, f"The value at /{field.name} must be a string but it was {_kind(value)}."
    if field.type == "object" and not isinstance(value, dict):
        return value, f"The value at /{field.name} must be an object but it was {_kind(value)}."
    return value, None


def resolve_fields(fields: list[Field], message: dict[str, Any], *, single: bool = True) -> tuple[dict, list[str]]:
    """The action's payload from the message with its default mapping, and the validation errors."""
    payload: dict[str, Any] = {}
    errors: list[str] = []
    for field in fields:
        value = field.source(message) if field.source else field.default
        if value is MISSING or value is None:  # removeEmptyValues drops null from typed fields
            value = field.default
        if value is MISSING:
            continue
        if value == "" and single:  # root-level '' removed on the single path only
            continue
        value, error = _coerce(field, value)
        if error:
            errors.append(error)
            continue
        payload[field.name] = value
    for field in fields:
        if field.required and field.name not in payload:
            errors.append(f"The root value is missing the required field '{field.name}'.")
    return payload, errors


def is_email(value: Any) -> bool:
    return isinstance(value, str) and bool(AJV_EMAIL_RE.match(value))


def resolve_identifiers(
    *,
    person_id: Any = None,
    email: Any = None,
    anonymous_id: Any = None,
    object_id: Any = None,
    object_type_id: Any = "1",
) -> dict[str, str] | None:
    """``resolveIdentifiers`` precedence (section 1): object, ``cio_`` person_id, email-shaped person_id, person_id,
    email, anonymous_id; None when nothing matches (the body then has no ``identifiers``)."""
    if object_type_id is None:
        object_type_id = "1"
    if object_id and object_type_id:
        return {"object_id": object_id, "object_type_id": object_type_id}
    if isinstance(person_id, str) and person_id.startswith("cio_"):
        return {"cio_id": person_id[4:]}
    if is_email(person_id):
        return {"email": person_id}
    if person_id:
        return {"id": person_id}
    if email:
        return {"email": email}
    if anonymous_id:
        return {"anonymous_id": anonymous_id}
    return None


_EXTRACTED = ("convert_timestamp", "person_id", "anonymous_id", "email", "object_id", "object_type_id", "timestamp")


def build_payload(
    type_: str, action: str, payload: dict[str, Any], report: ConversionReport | None = None
) -> dict[str, Any]:
    """``buildPayload({type, action, payload})`` (section 1, steps 1-5)."""
    pulled = {key: payload.get(key) for key in _EXTRACTED}
    rest = {k: v for k, v in payload.items() if k not in _EXTRACTED and k not in ("enable_batching", "batch_size")}
    if "convert_timestamp" in payload and payload["convert_timestamp"] is not False:
        rest = convert_attribute_timestamps(rest, report)
    if pulled["timestamp"]:
        rest["timestamp"] = convert_valid_timestamp(pulled["timestamp"])
    body: dict[str, Any] = {"type": type_, "action": action, **rest}
    if pulled["anonymous_id"]:
        body["attributes"] = {**(body.get("attributes") or {}), "anonymous_id": pulled["anonymous_id"]}
    if action != "merge":
        identifiers = resolve_identifiers(
            person_id=pulled["person_id"],
            email=pulled["email"],
            anonymous_id=pulled["anonymous_id"],
            object_id=pulled["object_id"],
            object_type_id=pulled["object_type_id"] if "object_type_id" in payload else "1",
        )
        if identifiers is not None:
            body["identifiers"] = identifiers
        if identifiers and "anonymous_id" in identifiers and isinstance(body.get("attributes"), dict):
            body["attributes"].pop("anonymous_id", None)
    return {k: v for k, v in body.items() if v is not None}
