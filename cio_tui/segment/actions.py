"""The Customer.io (Actions) destination: what it sends for one Segment call.

``actions_for(call)`` runs the Quick Setup presets with their default mappings (one preset per call);
``actions_for(call, subscriptions=...)`` runs the operator's own subscriptions instead: every enabled subscription
whose trigger matches fires, each with its own settings as the mapping. Each request is shown unbatched (one
``POST /api/v2/entity`` body each; ``batching.batches`` groups them as production does), and every subscription
whose payload does not validate gives an error instead of a request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cio_tui.segment.action_compiled import validated_payload
from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, FIELDS, TITLES, Field
from cio_tui.segment.actions_payload import build_payload, default_mappings, resolve_fields, resolve_identifiers
from cio_tui.segment.mapping_kit import MappingError
from cio_tui.segment.models import SegmentCall
from cio_tui.segment.preset_bodies import BUILDERS
from cio_tui.segment.preset_direct import direct_sender
from cio_tui.segment.presets import RESERVED_EVENTS
from cio_tui.segment.subscriptions import Subscription, SubscriptionSet
from cio_tui.segment.timestamps import ConversionReport, convert_attribute_timestamps, convert_valid_timestamp
from cio_tui.segment.wire import TRACK_V1_METRICS, TRACK_V2_ENTITY, ActionError, ActionRequest

PRESETS: dict[str, str] = DEFAULT_TRIGGERS  # every automatic preset and its trigger
BATCH_NOTE = " (in a batch this event gets its own 400, PAYLOAD_VALIDATION_FAILED)"
__all__ = [
    "FIELDS",
    "PRESETS",
    "RESERVED_EVENTS",
    "TITLES",
    "ActionsResult",
    "actions_for",
    "actions_for_message",
    "preset_for",
    "replay_requests",
]


def preset_for(call: SegmentCall) -> str:
    """The preset whose trigger matches the call (exactly one per call with the default presets)."""
    return preset_for_message({"type": call.type, "event": getattr(call, "event", None)})


def preset_for_message(message: dict[str, Any]) -> str:
    """``preset_for`` of a call's message (its ``type`` and ``event``)."""
    kind = message["type"]
    if kind == "track":
        return RESERVED_EVENTS.get(message.get("event") or "", "trackEvent")
    return _PRESET_OF_TYPE[kind]


_PRESET_OF_TYPE = {
    "identify": "createUpdatePerson",
    "page": "trackPageView",
    "screen": "trackScreenView",
    "group": "createUpdateObject",
    "alias": "mergePeople",
}


@dataclass
class ActionsResult:
    requests: list[ActionRequest] = field(default_factory=list)
    errors: list[ActionError] = field(default_factory=list)
    preset: str = ""
    conversions: ConversionReport = field(default_factory=ConversionReport)
    fired: list[str] = field(default_factory=list)  # the subscriptions whose trigger matched (own mappings only)


def actions_for(
    call: SegmentCall, *, single: bool = True, subscriptions: SubscriptionSet | None = None, notes: bool = True
) -> ActionsResult:
    """What the Actions destination sends for ``call``: default presets, or the operator's ``subscriptions``.

    ``notes=False`` skips noting timestamp conversions (the preview's warnings need them, a replay does not)."""
    return actions_for_message(call.to_message(), single=single, subscriptions=subscriptions, notes=notes)


def actions_for_message(
    message: dict[str, Any], *, single: bool = True, subscriptions: SubscriptionSet | None = None, notes: bool = True
) -> ActionsResult:
    """``actions_for`` of the call's message (``SegmentCall.to_message``; a replay has it without the model)."""
    if subscriptions is None:
        slug = preset_for_message(message)
        result = ActionsResult(preset=slug, conversions=ConversionReport(quiet=not notes))
        _run(result, slug, message, single=single)
        return result
    matched = subscriptions.matching(message)
    result = ActionsResult(
        preset=matched[0].action_slug if matched else "",
        fired=[s.name for s in matched],
        conversions=ConversionReport(quiet=not notes),
    )
    for sub in matched:
        _run(result, sub.action_slug, message, single=single and not sub.batching, subscription=sub)
    return result


ReplayRequest = tuple[str, str, object, bool]  # method, path, body, from Merge People (an alias)
_QUIET = ConversionReport(quiet=True)  # a quiet report notes nothing: one serves every call of a replay


def replay_requests(
    message: dict[str, Any], *, single: bool = True, subscriptions: SubscriptionSet | None = None
) -> list[ReplayRequest]:
    """The requests of ``actions_for_message(message, notes=False)`` as plain tuples: what a replay runs into its
    copy, without the request models (a replay builds millions) and without the errors' wording."""
    out: list[ReplayRequest] = []
    if subscriptions is None:
        slug = preset_for_message(message)
        try:
            sent = _preset_sender(slug, single)(message)
        except MappingError:
            return out
        if sent is not None:
            out.append(("POST", sent[0], sent[1], slug == "mergePeople"))
        return out
    for sub in subscriptions.matching(message):
        slug = sub.action_slug
        sent = _send(slug, message, single and not sub.batching, sub, _QUIET, None)
        if type(sent) is tuple:
            out.append(("POST", sent[0], sent[1], slug == "mergePeople"))
    return out


Sent = tuple[str, dict[str, Any]]
_Sender = Callable[[dict[str, Any]], Sent | None]
# A preset's whole send (its default mapping fused with validation, its mapPayload, buildPayload) per (slug,
# batching), decided once: a replay calls it for every call. Kept with the field list it was made for.
_PRESET_SENDERS: dict[tuple[str, bool], tuple[list[Field], _Sender]] = {}


def _preset_sender(slug: str, single: bool) -> _Sender:
    """``_send(slug, message, single, None, quiet report, None)`` as one function of the message (raises
    ``MappingError`` as ``_send`` would catch it)."""
    fields = FIELDS[slug]
    found = _PRESET_SENDERS.get((slug, single))
    if found is not None and found[0] is fields:
        return found[1]
    validated = validated_payload(fields, default_mappings(fields), single=single)
    if slug == "reportDeliveryEvent":

        def send(message: dict[str, Any]) -> Sent | None:
            payload, problems = validated(message)
            return None if problems else (TRACK_V1_METRICS, _delivery_metrics(payload))

    elif slug in BUILDERS and default_mappings(fields).get("convert_timestamp") is True:
        body_of = BUILDERS[slug]  # the mapper and buildPayload in one step, for this preset's payloads only
        direct = direct_sender(slug, default_mappings(fields), single=single)

        def send(message: dict[str, Any]) -> Sent | None:
            if direct is not None:  # the message's values straight into the body, when they need no coercion
                body = direct(message)
                if type(body) is dict:
                    return TRACK_V2_ENTITY, body
                if body is None:
                    return None
            payload, problems = validated(message)
            return None if problems else (TRACK_V2_ENTITY, body_of(payload))

    else:
        mapper = _MAPPERS[slug]

        def send(message: dict[str, Any]) -> Sent | None:
            payload, problems = validated(message)
            if problems:
                return None
            type_, action, mapped = mapper(payload, _QUIET)
            return TRACK_V2_ENTITY, build_payload(type_, action, mapped, _QUIET)

    _PRESET_SENDERS[(slug, single)] = (fields, send)
    return send


def _run(
    result: ActionsResult,
    slug: str,
    message: dict[str, Any],
    *,
    single: bool,
    subscription: Subscription | None = None,
) -> None:
    name = subscription.name if subscription else None
    sent = _send(slug, message, single, subscription, result.conversions, result.errors)
    if sent is not None:
        # built from known-good values on every call: no validation to pay for
        result.requests.append(
            ActionRequest.model_construct(action=slug, subscription=name, method="POST", path=sent[0], body=sent[1])
        )


def _send(
    slug: str,
    message: dict[str, Any],
    single: bool,
    subscription: Subscription | None,
    report: ConversionReport,
    errors: list[ActionError] | None,
) -> tuple[str, dict[str, Any]] | None:
    """(path, body) the action sends, or None when its payload does not validate (the errors go to ``errors``
    when given)."""
    try:
        payload, problems = resolve_fields(
            FIELDS[slug], message, single=single, mapping=subscription.settings if subscription else None
        )
    except MappingError as exc:
        if errors is not None:
            name = subscription.name if subscription else None
            errors.append(ActionError(action=slug, subscription=name, message=f"the mapping fails: {exc}"))
        return None
    if problems:
        if errors is not None:
            name = subscription.name if subscription else None
            if not single:
                problems = [e + BATCH_NOTE for e in problems]
            errors += [ActionError(action=slug, subscription=name, message=e) for e in problems]
        return None
    if slug == "reportDeliveryEvent":
        return TRACK_V1_METRICS, _delivery_metrics(payload)
    type_, action, mapped = _MAPPERS[slug](payload, report)
    return TRACK_V2_ENTITY, build_payload(type_, action, mapped, report)


# -- per-action mapPayload (each action's index.ts) ---------------------------------------------------

Mapped = tuple[str, str, dict[str, Any]]


def _person(payload: dict[str, Any], _: ConversionReport) -> Mapped:
    rest = dict(payload)
    person_id = rest.pop("id", None)
    attributes = dict(rest.pop("custom_attributes", None) or {})  # a copy: the mapping may point into the message
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
    # as the destination: only a mapped convert_timestamp that is not false converts ('convert_timestamp' in payload)
    object_id, convert = rest.pop("id"), rest.pop("convert_timestamp", False)
    attributes, relationship = rest.pop("custom_attributes", None), rest.pop("relationship_attributes", None)
    attributes = dict(attributes) if isinstance(attributes, dict) else attributes  # never edit the message itself
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
        data = {k: v for k, v in data.items() if k != "actionType"}
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
