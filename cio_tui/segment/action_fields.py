"""The Actions destination's fields per action: key, label, type, default mapping, required, choices.

Taken from the destination's action definitions (``packages/destination-actions/src/destinations/customerio/
<action>/index.ts`` in https://github.com/segmentio/action-destinations). The labels matter: Segment words its
validation errors with them ("Metric must be one of: ..."). Defaults are mapping-kit directives, so the default
presets and an operator's own subscription settings go through the same ``mapping_kit.resolve``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cio_tui.segment.presets import RESERVED_EVENTS

NO_DEFAULT: object = type("NoDefault", (), {"__repr__": lambda self: "NO_DEFAULT"})()


def path(dotted: str) -> dict[str, str]:
    return {"@path": "$." + dotted}


def if_exists(first: str, second: str) -> dict[str, Any]:
    return {"@if": {"exists": path(first), "then": path(first), "else": path(second)}}


def template(dotted: str) -> dict[str, str]:
    return {"@template": "{{" + dotted + "}}"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # "string", "object", "number", "boolean", "datetime"
    default: object = NO_DEFAULT  # a mapping-kit value: a directive or a literal
    required: bool = False
    label: str = ""
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None


def _f(
    name: str,
    type_: str,
    label: str,
    default: object = NO_DEFAULT,
    *,
    required: bool = False,
    choices: tuple[str, ...] = (),
    minimum: float | None = None,
    maximum: float | None = None,
) -> Field:
    return Field(name, type_, default, required, label, choices, minimum, maximum)


_CONVERT = _f("convert_timestamp", "boolean", "Convert Timestamps", True)
_TIMESTAMP = _f("timestamp", "string", "Timestamp", path("timestamp"))
_USER_ID = _f("id", "string", "Person ID", path("userId"))
_ANON = _f("anonymous_id", "string", "Anonymous ID", path("anonymousId"))
_EVENT_ID = _f("event_id", "string", "Event ID", path("messageId"))
_DATA = _f("data", "object", "Event Attributes", path("properties"))
_PERSON_ID = _f("person_id", "string", "Person ID", path("userId"), required=True)
_PROP_OBJECT_TYPE = _f(
    "object_type_id", "string", "Object Type ID", if_exists("properties.object_type_id", "properties.objectTypeId")
)
# customerio-properties.ts: every batching action has these two, both stripped before sending.
BATCHING = [
    _f("enable_batching", "boolean", "Batch Data to Customer.io", True),
    _f("batch_size", "number", "Batch Size", 50, minimum=2, maximum=100),
]
METRICS = ("delivered", "opened", "clicked", "converted", "spammed", "bounced", "dropped", "deferred")
CONTENT_ACTIONS = ("viewed_content", "clicked_content")

FIELDS: dict[str, list[Field]] = {
    "createUpdatePerson": [
        _f("id", "string", "Person ID", if_exists("userId", "traits.email")),
        _ANON,
        _f("email", "string", "Email Address", template("traits.email")),
        _f("created_at", "string", "Created At", if_exists("traits.created_at", "traits.createdAt")),
        _f("group_id", "string", "Object ID", path("traits.objectId")),
        _f("custom_attributes", "object", "Person Attributes", path("traits")),
        _f("relationship_attributes", "object", "Relationship Attributes", path("traits.relationshipAttributes")),
        _TIMESTAMP,
        _CONVERT,
        _f("object_type_id", "string", "Object Type Id", if_exists("traits.object_type_id", "traits.objectTypeId")),
        *BATCHING,
    ],
    "trackEvent": [
        _USER_ID,
        _ANON,
        _f("name", "string", "Event Name", path("event"), required=True),
        _EVENT_ID,
        _TIMESTAMP,
        _DATA,
        _CONVERT,
        *BATCHING,
    ],
    "trackPageView": [
        _USER_ID,
        _ANON,
        _EVENT_ID,
        _f("url", "string", "Page URL", path("properties.url"), required=True),
        _TIMESTAMP,
        _DATA,
        _CONVERT,
        *BATCHING,
    ],
    "trackScreenView": [
        _USER_ID,
        _ANON,
        _EVENT_ID,
        _f("name", "string", "Screen name", path("name"), required=True),
        _TIMESTAMP,
        _DATA,
        _CONVERT,
        *BATCHING,
    ],
    "createUpdateDevice": [
        _PERSON_ID,
        _f("device_id", "string", "Device ID", path("context.device.token"), required=True),
        _f("app_version", "string", "App Version", path("context.app.version")),
        _f("platform", "string", "Platform", path("context.device.type"), required=True),
        _f("last_used", "string", "Last Used", path("timestamp")),
        _f("attributes", "object", "Event Attributes", path("properties")),
        _CONVERT,
        *BATCHING,
    ],
    "deleteDevice": [
        _PERSON_ID,
        _f("device_id", "string", "Device ID", path("context.device.token"), required=True),
        *BATCHING,
    ],
    "deletePerson": [_PERSON_ID, *BATCHING],
    "suppressPerson": [_PERSON_ID, *BATCHING],
    "unsuppressPerson": [_PERSON_ID, *BATCHING],
    "mergePeople": [
        _f("primary", "string", "Primary User", path("userId"), required=True),
        _f("secondary", "string", "Secondary User", path("previousId"), required=True),
        *BATCHING,
    ],
    "createUpdateObject": [
        _f("id", "string", "Object ID", path("groupId"), required=True),
        _f("created_at", "string", "Created At", if_exists("traits.created_at", "traits.createdAt")),
        _f("custom_attributes", "object", "Object Attributes", path("traits.objectAttributes")),
        _f("relationship_attributes", "object", "Relationship Attributes", path("traits.relationshipAttributes")),
        _f("user_id", "string", "User ID", path("userId")),
        _ANON,
        _f("object_type_id", "string", "Object Type Id", if_exists("traits.object_type_id", "traits.objectTypeId")),
        _CONVERT,
        *BATCHING,
    ],
    "deleteObject": [_f("object_id", "string", "Object ID", path("properties.objectId")), _PROP_OBJECT_TYPE, *BATCHING],
    "deleteRelationship": [
        _PERSON_ID,
        _ANON,
        _f("object_id", "string", "Object ID", path("properties.objectId"), required=True),
        _PROP_OBJECT_TYPE,
        *BATCHING,
    ],
    "reportDeliveryEvent": [
        _f("delivery_id", "string", "Delivery ID", path("properties.deliveryId"), required=True),
        _f("metric", "string", "Metric", path("properties.metric"), required=True, choices=METRICS),
        _f("recipient", "string", "Recipient", path("properties.recipient")),
        _f("reason", "string", "Reason", path("properties.reason")),
        _f("href", "string", "Href", path("properties.href")),
        _f("action_name", "string", "Action Name", path("properties.actionName")),
        _f("action_value", "string", "Action Value", path("properties.actionValue")),
        _f("timestamp", "datetime", "Timestamp", path("timestamp")),
    ],
    "reportContentEvent": [
        _ANON,
        _f(
            "actionType", "string", "Action Type", path("properties.actionType"), required=True, choices=CONTENT_ACTIONS
        ),
        _TIMESTAMP,
        _DATA,
        _CONVERT,
        *BATCHING,
    ],
}

# Each action's Quick Setup trigger (its ``defaultSubscription``), in FQL; trackEvent excludes the reserved names.
DEFAULT_TRIGGERS: dict[str, str] = {
    "createUpdatePerson": 'type = "identify"',
    "trackEvent": 'type = "track" and ' + " and ".join(f'event != "{e}"' for e in RESERVED_EVENTS),
    "trackPageView": 'type = "page"',
    "trackScreenView": 'type = "screen"',
    "createUpdateObject": 'type = "group"',
    "mergePeople": 'type = "alias"',
    **{
        slug: " or ".join(f'event = "{e}"' for e, s in RESERVED_EVENTS.items() if s == slug)
        for slug in dict.fromkeys(RESERVED_EVENTS.values())
    },
}
# Titles as the destination names its actions (and Quick Setup its presets).
TITLES: dict[str, str] = {
    "createUpdatePerson": "Create or Update Person",
    "trackEvent": "Track Event",
    "trackPageView": "Track Page View",
    "trackScreenView": "Track Screen View",
    "createUpdateDevice": "Create or Update Device",
    "deleteDevice": "Delete Device",
    "deletePerson": "Delete Person",
    "suppressPerson": "Suppress Person",
    "unsuppressPerson": "Unsuppress Person",
    "mergePeople": "Merge People",
    "createUpdateObject": "Create or Update Object",
    "deleteObject": "Delete Object",
    "deleteRelationship": "Delete Relationship",
    "reportDeliveryEvent": "Report Delivery Event",
    "reportContentEvent": "Report Content Event",
}


def default_mapping(slug: str) -> dict[str, Any]:
    """The settings a Quick Setup subscription of ``slug`` starts with: every field's default."""
    return {f.name: f.default for f in FIELDS[slug] if f.default is not NO_DEFAULT}
