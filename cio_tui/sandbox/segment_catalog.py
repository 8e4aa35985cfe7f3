"""The emulated catalog entries of the two Customer.io destinations (``GET /catalog/destinations/{id}``).

Names, slugs, action slugs, preset names and preset triggers follow Segment's code and catalog
(segmentio/action-destinations ``packages/destination-actions/src/destinations/customerio/index.ts``; catalog ids
from segmentio/segment-docs ``src/_data/catalog/destinations.yml``). Action ids are the emulator's own (Segment's are
opaque), and preset ``fields`` are left empty: the emulator delivers every subscription with its action's default
mapping (see docs/sandbox-segment-fidelity.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

from cio_tui.segment.presets import RESERVED_EVENTS
from cio_tui.segment_api.models import ACTIONS_METADATA_ID, CLASSIC_METADATA_ID


def _events(slug: str) -> str:
    return " or ".join(f'event = "{e}"' for e, s in RESERVED_EVENTS.items() if s == slug)


TRACK_EVENT_TRIGGER = 'type = "track" and ' + " and ".join(f'event != "{e}"' for e in RESERVED_EVENTS)

# (preset name, action slug, action name, trigger), in the order of the destination's code.
PRESETS: tuple[tuple[str, str, str], ...] = (
    ("Create or Update Person", "createUpdatePerson", 'type = "identify"'),
    ("Create or Update Device", "createUpdateDevice", _events("createUpdateDevice")),
    ("Delete Device", "deleteDevice", _events("deleteDevice")),
    ("Delete Relationship", "deleteRelationship", _events("deleteRelationship")),
    ("Delete Person", "deletePerson", _events("deletePerson")),
    ("Delete Object", "deleteObject", _events("deleteObject")),
    ("Track Event", "trackEvent", TRACK_EVENT_TRIGGER),
    ("Track Page View", "trackPageView", 'type = "page"'),
    ("Track Screen View", "trackScreenView", 'type = "screen"'),
    ("Create or Update Object", "createUpdateObject", 'type = "group"'),
    ("Merge People", "mergePeople", 'type = "alias"'),
    ("Suppress Person", "suppressPerson", _events("suppressPerson")),
    ("Unsuppress Person", "unsuppressPerson", _events("unsuppressPerson")),
    ("Report Delivery Event", "reportDeliveryEvent", _events("reportDeliveryEvent")),
    ("Report Content Event", "reportContentEvent", _events("reportContentEvent")),
)


def action_id(slug: str) -> str:
    """A stable id per action slug (the emulator's own; real ids are opaque)."""
    return hashlib.sha256(f"cio-tui-sandbox:{slug}".encode()).hexdigest()[:22]


def _metadata(id_: str, name: str, slug: str) -> dict[str, Any]:
    return {"id": id_, "name": name, "slug": slug, "description": "", "status": "PUBLIC", "website": "",
            "categories": ["Email Marketing"], "actions": [], "presets": []}


def classic_metadata() -> dict[str, Any]:
    return _metadata(CLASSIC_METADATA_ID, "Customer.io", "customer-io")


def actions_metadata() -> dict[str, Any]:
    meta = _metadata(ACTIONS_METADATA_ID, "Customer.io (Actions)", "actions-customerio")
    meta["actions"] = [
        {"id": action_id(slug), "slug": slug, "name": name, "description": "", "platform": "CLOUD",
         "hidden": False, "defaultTrigger": trigger, "fields": []}
        for name, slug, trigger in PRESETS
    ]
    meta["presets"] = [{"actionId": action_id(slug), "name": name, "fields": {}, "trigger": trigger}
                       for name, slug, trigger in PRESETS]
    return meta


CATALOG = {CLASSIC_METADATA_ID: classic_metadata, ACTIONS_METADATA_ID: actions_metadata}


def slug_of_action(action_id_: str) -> str | None:
    return next((slug for _, slug, _ in PRESETS if action_id(slug) == action_id_), None)


__all__ = ["CATALOG", "PRESETS", "TRACK_EVENT_TRIGGER", "action_id", "actions_metadata", "classic_metadata",
           "slug_of_action"]
