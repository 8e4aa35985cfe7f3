"""The Customer.io (Actions) destination with its Quick Setup presets and default mappings (reference sections 2-3).

``actions_for(call)`` returns what the destination sends for one Segment call: one request per matching preset,
shown unbatched (one ``POST /api/v2/entity`` body each; ``wire.batch_body`` gives the batched form), plus the
validation errors of presets whose required fields are missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cio_tui.segment.actions_payload import (
    Field,
    build_payload,
    if_exists,
    path,
    resolve_fields,
    resolve_identifiers,
    template,
)
from cio_tui.segment.models import SegmentCall
from cio_tui.segment.presets import RESERVED_EVENTS
from cio_tui.segment.timestamps import ConversionReport, convert_attribute_timestamps, convert_valid_timestamp
from cio_tui.segment.wire import TRACK_V1_METRICS, TRACK_V2_ENTITY, ActionError, ActionRequest

_CONVERT = Field("convert_timestamp", "boolean", default=True)
_TIMESTAMP = Field("timestamp", "string", path("timestamp"))
_USER_ID = Field("id", "string", path("userId"))
_ANON = Field("anonymous_id", "string", path("anonymousId"))
_EVENT_ID = Field("event_id", "string", path("messageId"))
_DATA = Field("data", "object", path("properties"))
_PERSON_ID = Field("person_id", "string", path("userId"), required=True)
_PROP_OBJECT_TYPE = Field("object_type_id", "string", if_exists("properties.object_type_id", "properties.objectTypeId"))

# Section 2, one row per action: the fields with their default sources (required ones marked).
FIELDS: dict[str, list[Field]] = {
    "createUpdatePerson": [
        Field("id", "string", if_exists("userId", "traits.email")),
        _ANON,
        Field("email", "string", template("traits.email")),
        Field("created_at", "string", if_exists("traits.created_at", "traits.createdAt")),
        Field("group_id", "string", path("traits.objectId")),
        Field("custom_attributes", "object", path("traits")),
        Field("relationship_attributes", "object", path("traits.relationshipAttributes")),
        _TIMESTAMP,
        _CONVERT,
        Field("object_type_id", "string", if_exists("traits.object_type_id", "traits.objectTypeId")),
    ],
    "trackEvent": [
        _USER_ID,
        _ANON,
        Field("name", "string", path("event"), required=True),
        _EVENT_ID,
        _TIMESTAMP,
        _DATA,
        _CONVERT,
    ],
    "trackPageView": [
        _USER_ID,
        _ANON,
        _EVENT_ID,
        Field("url", "string", path("properties.url"), required=True),
        _TIMESTAMP,
        _DATA,
        _CONVERT,
    ],
    "trackScreenView": [
        _USER_ID,
        _ANON,
        _EVENT_ID,
        Field("name", "string", path("name"), required=True),
        _TIMESTAMP,
        _DATA,
        _CONVERT,
    ],
    "createUpdateDevice": [
        _PERSON_ID,
        Field("device_id", "string", path("context.device.token"), required=True),
        Field("app_version", "string", path("context.app.version")),
        Field("platform", "string", path("context.device.type"), required=True),
        Field("last_used", "string", path("timestamp")),
        Field("attributes", "object", path("properties")),
        _CONVERT,
    ],
    "deleteDevice": [_PERSON_ID, Field("device_id", "string", path("context.device.token"), required=True)],
    "deletePerson": [_PERSON_ID],
    "suppressPerson": [_PERSON_ID],
    "unsuppressPerson": [_PERSON_ID],
    "mergePeople": [
        Field("primary", "string", path("userId"), required=True),
        Field("secondary", "string", path("previousId"), required=True),
    ],
    "createUpdateObject": [
        Field("id", "string", path("groupId"), required=True),
        Field("created_at", "string", if_exists("traits.created_at", "traits.createdAt")),
        Field("custom_attributes", "object", path("traits.objectAttributes")),
        Field("relationship_attributes", "object", path("traits.relationshipAttributes")),
        Field("user_id", "string", path("userId")),
        _ANON,
        Field("object_type_id", "string", if_exists("traits.object_type_id", "traits.objectTypeId")),
        _CONVERT,
    ],
    "deleteObject": [Field("object_id", "string", path("properties.objectId")), _PROP_OBJECT_TYPE],
    "deleteRelationship": [
        _PERSON_ID,
        _ANON,
        Field("object_id", "string", path("properties.objectId"), required=True),
        _PROP_OBJECT_TYPE,
    ],
    "reportDeliveryEvent": [
        Field("delivery_id", "string", path("properties.deliveryId"), required=True),
        Field("metric", "string", path("properties.metric"), required=True),
        Field("recipient", "string", path("properties.recipient")),
        Field("reason", "string", path("properties.reason")),
        Field("href", "string", path("properties.href")),
        Field("action_name", "string", path("properties.actionName")),
        Field("action_value", "string", path("properties.actionValue")),
        _TIMESTAMP,
    ],
    "reportContentEvent": [
        _ANON,
        Field("actionType", "string", path("properties.actionType"), required=True),
        _TIMESTAMP,
        _DATA,
        _CONVERT,
    ],
}

PRESETS: dict[str, str] = {  # Section 3: every automatic preset and its trigger
    "createUpdatePerson": 'type = "identify"',
    "trackEvent": 'type = "track" and event is not a reserved name',
    "trackPageView": 'type = "page"',
    "trackScreenView": 'type = "screen"',
    "createUpdateObject": 'type = "group"',
    "mergePeople": 'type = "alias"',
    **{
        slug: " or ".join(f'event = "{e}"' for e, s in RESERVED_EVENTS.items() if s == slug)
        for slug in dict.fromkeys(RESERVED_EVENTS.values())
    },
}


def preset_for(call: SegmentCall) -> str:
    """The preset whose trigger matches the call (exactly one per call with the default presets)."""
    if call.type == "track":
        return RESERVED_EVENTS.get(getattr(call, "event", None) or "", "trackEvent")
    return {
        "identify": "createUpdatePerson",
        "page": "trackPageView",
        "screen": "trackScreenView",
        "group": "createUpdateObject",
        "alias": "mergePeople",
    }[call.type]


@dataclass
class ActionsResult:
    requests: list[ActionRequest] = field(default_factory=list)
    errors: list[ActionError] = field(default_factory=list)
    preset: str = ""
    conversions: ConversionReport = field(default_factory=ConversionReport)


def actions_for(call: SegmentCall, *, single: bool = True, slug: str | None = None) -> ActionsResult:
    """What the Actions destination sends for ``call`` with the default presets (or with the default mapping of the
    action ``slug``, for a subscription whose trigger matched the call)."""
    slug = slug or preset_for(call)
    result = ActionsResult(preset=slug)
    payload, errors = resolve_fields(FIELDS[slug], call.to_message(), single=single)
    if errors:
        if not single:
            errors = [e + " (in batch mode the event is dropped without an error)" for e in errors]
        result.errors = [ActionError(action=slug, message=e) for e in errors]
        return result
    if slug == "reportDeliveryEvent":
        body = _delivery_metrics(payload)
        result.requests.append(ActionRequest(action=slug, method="POST", path=TRACK_V1_METRICS, body=body))
        return result
    type_, action, mapped = _MAPPERS[slug](payload, result.conversions)
    body = build_payload(type_, action, mapped, result.conversions)
    result.requests.append(ActionRequest(action=slug, method="POST", path=TRACK_V2_ENTITY, body=body))
    return result


# -- per-action mapPayload (section 2, "Body shape sent") ---------------------------------------------------

Mapped = tuple[str, str, dict[str, Any]]


def _person(payload: dict[str, Any], _: ConversionReport) -> Mapped:
    rest = dict(payload)
    person_id = rest.pop("id", None)
    attributes = rest.pop("custom_attributes", None) or {}
    relationship = rest.pop("relationship_attributes", None)
    created_at = rest.pop("created_at", None)
    group_id = rest.pop("group_id", None)
    object_type_id = rest.pop("object_type_id", None)
    for key in ("createdAt", "created_at", "object_type_id", "relationshipAttributes", "objectTypeId"):
        attributes.pop(key, None)
    if created_at:
        attributes["created_at"] = created_at
    if payload.get("email"):
        attributes["email"] = payload["email"]
    body: dict[str, Any] = {**rest, "person_id": person_id, "attributes": attributes}
    if group_id:
        rel: dict[str, Any] = {"identifiers": {"object_type_id": object_type_id or "1", "object_id": group_id}}
        if relationship:
            rel["relationship_attributes"] = relationship
        body["cio_relationships"] = [rel]
    return "person", "identify", body


def _event_like(action: str, name_field: str | None) -> Any:
    def mapper(payload: dict[str, Any], _: ConversionReport) -> Mapped:
        rest = dict(payload)
        person_id, event_id, data = rest.pop("id", None), rest.pop("event_id", None), rest.pop("data", None)
        if name_field == "url":
            rest["name"] = rest.pop("url", None)
        body: dict[str, Any] = {**rest, "person_id": person_id}
        if event_id:
            body["id"] = event_id
        body["attributes"] = data
        return "person", action, body

    return mapper


def _device(payload: dict[str, Any], _: ConversionReport) -> Mapped:
    rest = dict(payload)
    token, platform = rest.pop("device_id", None), rest.pop("platform", None)
    last_used, attributes = rest.pop("last_used", None), rest.pop("attributes", None) or {}
    version = rest.pop("app_version", None)
    device = {
        "token": token,
        "platform": platform,
        "last_used": last_used,
        "attributes": {**attributes, **({"app_version": version} if version else {})},
    }
    return "person", "add_device", {**rest, "device": {k: v for k, v in device.items() if v is not None}}


def _delete_device(payload: dict[str, Any], _: ConversionReport) -> Mapped:
    rest = dict(payload)
    token = rest.pop("device_id")
    return "person", "delete_device", {**rest, "device": {"token": token}}


def _person_only(action: str) -> Any:
    return lambda payload, _: ("person", action, dict(payload))


def _merge(payload: dict[str, Any], _: ConversionReport) -> Mapped:
    return (
        "person",
        "merge",
        {
            "primary": resolve_identifiers(person_id=payload["primary"]),
            "secondary": resolve_identifiers(person_id=payload["secondary"]),
        },
    )


def _object(payload: dict[str, Any], report: ConversionReport) -> Mapped:
    rest = dict(payload)
    object_id, convert = rest.pop("id"), rest.pop("convert_timestamp", True)
    attributes, relationship = rest.pop("custom_attributes", None), rest.pop("relationship_attributes", None)
    user_id, anonymous_id = rest.pop("user_id", None), rest.pop("anonymous_id", None)
    object_type_id = rest.pop("object_type_id", None)
    body: dict[str, Any] = {
        **rest,
        "anonymous_id": anonymous_id,
        "person_id": user_id,
        "attributes": attributes,
        "object_type_id": object_type_id or "1",
        "object_id": object_id,
    }
    if isinstance(attributes, dict):
        for key in ("object_type_id", "objectTypeId", "relationshipAttributes"):
            attributes.pop(key, None)
    if convert is not False:
        body = convert_attribute_timestamps(body, report)
        if relationship:
            relationship = convert_attribute_timestamps(relationship, report, "relationship_attributes.")
    action = "identify"
    rel: dict[str, Any] | None = None
    if user_id:
        rel = {"identifiers": resolve_identifiers(person_id=user_id)}
    elif anonymous_id:
        action, rel = "identify_anonymous", {"identifiers": {"anonymous_id": anonymous_id}}
    if rel is not None:
        if relationship:
            rel["relationship_attributes"] = relationship
        body["cio_relationships"] = [rel]
    return "object", action, {k: v for k, v in body.items() if v is not None}


def _delete_relationship(payload: dict[str, Any], _: ConversionReport) -> Mapped:
    ids = resolve_identifiers(anonymous_id=payload.get("anonymous_id"), person_id=payload.get("person_id"))
    return "object", "delete_relationships", {**payload, "cio_relationships": [{"identifiers": ids}]}


def _content(payload: dict[str, Any], _: ConversionReport) -> Mapped:
    rest = dict(payload)
    action_type, data = rest.pop("actionType"), rest.pop("data", None)
    if isinstance(data, dict):
        data.pop("actionType", None)
    return "person", action_type, {**rest, "name": action_type, "attributes": data}


def _delivery_metrics(payload: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"delivery_id": payload["delivery_id"], "metric": payload["metric"]}
    stamp = convert_valid_timestamp(payload.get("timestamp"))
    body["timestamp"] = stamp if isinstance(stamp, int | float) else "<now: unix seconds when sent>"
    for key in ("recipient", "reason", "href"):
        if payload.get(key):
            body[key] = payload[key]
    metadata = {k: payload[k] for k in ("action_name", "action_value") if payload.get(k)}
    if metadata:
        body["metadata"] = metadata
    return body


_MAPPERS = {
    "createUpdatePerson": _person,
    "trackEvent": _event_like("event", None),
    "trackPageView": _event_like("page", "url"),
    "trackScreenView": _event_like("screen", None),
    "createUpdateDevice": _device,
    "deleteDevice": _delete_device,
    "deletePerson": _person_only("delete"),
    "suppressPerson": _person_only("suppress"),
    "unsuppressPerson": _person_only("unsuppress"),
    "mergePeople": _merge,
    "createUpdateObject": _object,
    "deleteObject": lambda payload, _: ("object", "delete", dict(payload)),
    "deleteRelationship": _delete_relationship,
    "reportContentEvent": _content,
}
