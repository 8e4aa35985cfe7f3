"""The Actions framework steps between a Segment message and a Customer.io body (the destination's ``utils.ts``).

- Field values: mapping-kit (``mapping_kit.resolve``) over the field defaults or a subscription's settings.
- Empty values, type coercion and validation: ``action_validation.validate_payload``.
- ``buildPayload`` and ``resolveIdentifiers`` as the destination's ``utils.ts`` has them.
"""

from __future__ import annotations

import re
from typing import Any

from cio_tui.segment.action_compiled import validated_payload
from cio_tui.segment.action_fields import NO_DEFAULT, Field
from cio_tui.segment.timestamps import (
    ConversionReport,
    convert_attribute_timestamps,
    convert_quietly,
    convert_valid_timestamp,
)

# ajv-formats "full" email format, used by resolveIdentifiers to tell an email-shaped person_id.
AJV_EMAIL_RE = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    re.I,
)


def resolve_fields(
    fields: list[Field], message: dict[str, Any], *, single: bool = True, mapping: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The action's payload from the message and the validation errors.

    ``mapping`` is a subscription's ``settings`` (a field it leaves out is not sent); without it every field's
    default mapping applies, as a Quick Setup preset does. Raises ``MappingError`` for a mapping mapping-kit refuses.
    """
    if mapping is None:
        mapping = default_mappings(fields)
    return validated_payload(fields, mapping, single=single)(message)


_DEFAULTS: dict[int, tuple[list[Field], dict[str, Any]]] = {}


def default_mappings(fields: list[Field]) -> dict[str, Any]:
    """Every field's default mapping, built once per action (the same object each call: the fast check of the
    compiled-mapping cache)."""
    cached = _DEFAULTS.get(id(fields))
    if cached is None or cached[0] is not fields:
        cached = (fields, {f.name: f.default for f in fields if f.default is not NO_DEFAULT})
        _DEFAULTS[id(fields)] = cached
    return cached[1]


def is_email(value: object) -> bool:
    return isinstance(value, str) and "@" in value and bool(AJV_EMAIL_RE.match(value))  # the pattern needs an @


def resolve_identifiers(
    *,
    person_id: object = None,
    email: object = None,
    anonymous_id: object = None,
    object_id: object = None,
    object_type_id: object = "1",
) -> dict[str, object] | None:
    """``resolveIdentifiers`` precedence: object, ``cio_`` person_id, email-shaped person_id, person_id,
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
_NOT_SENT = frozenset((*_EXTRACTED, "enable_batching", "batch_size"))


def build_payload(
    type_: str, action: str, payload: dict[str, Any], report: ConversionReport | None = None
) -> dict[str, Any]:
    """``buildPayload({type, action, payload})`` ."""
    get = payload.get
    not_sent = _NOT_SENT
    if "convert_timestamp" in payload and payload["convert_timestamp"] is not False:
        if report is not None and report.quiet:
            rest = convert_quietly(payload, not_sent)
        else:
            rest = convert_attribute_timestamps({k: v for k, v in payload.items() if k not in not_sent}, report)
    else:
        rest = {k: v for k, v in payload.items() if k not in not_sent}
    timestamp, anonymous_id = get("timestamp"), get("anonymous_id")
    if timestamp:
        rest["timestamp"] = convert_valid_timestamp(timestamp)
    body: dict[str, Any] = {"type": type_, "action": action, **rest}
    if anonymous_id:
        body["attributes"] = {**(body.get("attributes") or {}), "anonymous_id": anonymous_id}
    if action != "merge":
        identifiers = resolve_identifiers(
            person_id=get("person_id"),
            email=get("email"),
            anonymous_id=anonymous_id,
            object_id=get("object_id"),
            object_type_id=get("object_type_id") if "object_type_id" in payload else "1",
        )
        if identifiers is not None:
            body["identifiers"] = identifiers
        if identifiers and "anonymous_id" in identifiers and isinstance(body.get("attributes"), dict):
            body["attributes"].pop("anonymous_id", None)
    return {k: v for k, v in body.items() if v is not None}
