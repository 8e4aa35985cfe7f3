"""The default presets' ``mapPayload`` and ``buildPayload`` as one step, for a replay (no conversion notes).

A replay sends millions of calls through the same few presets. Their payload comes from the preset's default
mapping and the framework's validation, so its shape is known: the same keys in the same order (a key missing only
when its value is), every string field a string, every object field a dict, ``convert_timestamp`` true. For such a
payload each function here gives exactly ``build_payload(*mapper(payload, quiet), quiet)`` (``actions``), body key
order included, without the intermediate dicts: the keys ``buildPayload`` strips are never copied, the attribute
timestamps are converted in the one copy the body keeps. Only ``actions._preset_sender`` uses them, on what the
preset's own validated mapping made; ``tests/unit/test_preset_bodies.py`` compares both on generated payloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from cio_tui.segment.actions_payload import resolve_identifiers
from cio_tui.segment.timestamps import convert_quietly, convert_valid_timestamp, parse_strict_iso

Body = dict[str, Any]
Builder = Callable[[dict[str, Any]], Body]


def _text(value: str) -> object:
    """A string as ``convert_quietly`` leaves it or converts it (strict ISO-8601 -> unix seconds)."""
    if len(value) >= 10 and value[4] == "-":
        parsed = parse_strict_iso(value)
        if parsed is not None:
            return parsed[0]
    return value


def _identified(body: Body, person_id: object, email: object, anonymous_id: object) -> Body:
    """``buildPayload``'s end: the identifiers (no object), the anonymous id in the attributes unless it is the
    identifier, and no ``None`` value."""
    identifiers = resolve_identifiers(person_id=person_id, email=email, anonymous_id=anonymous_id)
    if identifiers is not None:
        body["identifiers"] = identifiers
        if "anonymous_id" in identifiers:
            attributes = body.get("attributes")
            if isinstance(attributes, dict):
                attributes.pop("anonymous_id", None)
    if body.get("attributes", 0) is None:
        del body["attributes"]
    return body


def _event_body(action: str, name: object, event_id: object, data: object, timestamp: object,
                anonymous_id: object, person_id: object) -> Body:  # fmt: skip
    """The body of Track Event, Track Page View or Track Screen View from its payload's values."""
    body: Body = {"type": "person", "action": action}
    if name is not None:
        body["name"] = _text(cast(str, name))
    if event_id:
        body["id"] = _text(cast(str, event_id))
    attributes = convert_quietly(cast("dict[str, Any]", data)) if data is not None else None
    body["attributes"] = attributes
    if timestamp:
        body["timestamp"] = convert_valid_timestamp(timestamp)
    if anonymous_id:
        attributes = {} if attributes is None else attributes
        attributes["anonymous_id"] = anonymous_id
        body["attributes"] = attributes
    return _identified(body, person_id, None, anonymous_id)


def _event_like(action: str, name_key: str) -> Builder:
    """Track Event, Track Page View, Track Screen View: ``name_key`` is the payload key sent as ``name``."""

    def build(payload: dict[str, Any]) -> Body:
        get = payload.get
        return _event_body(action, get(name_key), get("event_id"), get("data"), get("timestamp"),
                           get("anonymous_id"), get("id"))  # fmt: skip

    return build


_NOT_ATTRIBUTES = ("createdAt", "created_at", "object_type_id", "relationshipAttributes", "objectTypeId")


def _person(payload: dict[str, Any]) -> Body:
    """Create or Update Person."""
    get = payload.get
    custom = get("custom_attributes")
    attributes = convert_quietly(custom) if custom else {}
    for key in _NOT_ATTRIBUTES:
        attributes.pop(key, None)
    created_at = get("created_at")
    if created_at:
        attributes["created_at"] = _text(created_at)
    email = get("email")
    if email:
        attributes["email"] = _text(email)
    body: Body = {"type": "person", "action": "identify", "attributes": attributes}
    group_id = get("group_id")
    if group_id:
        relation: dict[str, Any] = {"identifiers": {"object_type_id": get("object_type_id") or "1",
                                                    "object_id": group_id}}  # fmt: skip
        relationship = get("relationship_attributes")
        if relationship:
            relation["relationship_attributes"] = relationship
        body["cio_relationships"] = [relation]
    timestamp = get("timestamp")
    if timestamp:
        body["timestamp"] = convert_valid_timestamp(timestamp)
    anonymous_id = get("anonymous_id")
    if anonymous_id:
        attributes["anonymous_id"] = anonymous_id
    return _identified(body, get("id"), email, anonymous_id)


BUILDERS: dict[str, Builder] = {
    "trackEvent": _event_like("event", "name"),
    "trackPageView": _event_like("page", "url"),
    "trackScreenView": _event_like("screen", "name"),
    "createUpdatePerson": _person,
}
"""Per preset: its payload (as its default mapping and validation give it) to the body it sends."""
