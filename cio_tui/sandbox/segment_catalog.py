"""The emulated catalog entries of the two Customer.io destinations (``GET /catalog/destinations/{id}``).

Names, slugs, action slugs, preset names and preset triggers follow Segment's code and catalog
(segmentio/action-destinations ``packages/destination-actions/src/destinations/customerio/index.ts``; catalog ids
from segmentio/segment-docs ``src/_data/catalog/destinations.yml``). Action ids are the emulator's own (Segment's are
opaque); preset ``fields`` are each action's default mapping (mapping-kit directives, ``segment.action_fields``).
"""

from __future__ import annotations

import hashlib
from typing import Any

from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, TITLES, default_mapping
from cio_tui.segment_api.models import ACTIONS_METADATA_ID, CLASSIC_METADATA_ID

# Quick Setup presets in the order of the destination's code: (preset name, action slug, trigger).
PRESETS: tuple[tuple[str, str, str], ...] = tuple(
    (TITLES[slug], slug, DEFAULT_TRIGGERS[slug])
    for slug in (
        "createUpdatePerson",
        "createUpdateDevice",
        "deleteDevice",
        "deleteRelationship",
        "deletePerson",
        "deleteObject",
        "trackEvent",
        "trackPageView",
        "trackScreenView",
        "createUpdateObject",
        "mergePeople",
        "suppressPerson",
        "unsuppressPerson",
        "reportDeliveryEvent",
        "reportContentEvent",
    )
)


def action_id(slug: str) -> str:
    """A stable id per action slug (the emulator's own; real ids are opaque)."""
    return hashlib.sha256(f"cio-tui-sandbox:{slug}".encode()).hexdigest()[:22]


def _metadata(id_: str, name: str, slug: str) -> dict[str, Any]:
    return {
        "id": id_,
        "name": name,
        "slug": slug,
        "description": "",
        "status": "PUBLIC",
        "website": "",
        "categories": ["Email Marketing"],
        "actions": [],
        "presets": [],
    }


def classic_metadata() -> dict[str, Any]:
    return _metadata(CLASSIC_METADATA_ID, "Customer.io", "customer-io")


def actions_metadata() -> dict[str, Any]:
    meta = _metadata(ACTIONS_METADATA_ID, "Customer.io (Actions)", "actions-customerio")
    meta["actions"] = [
        {
            "id": action_id(slug),
            "slug": slug,
            "name": name,
            "description": "",
            "platform": "CLOUD",
            "hidden": False,
            "defaultTrigger": trigger,
            "fields": [],
        }
        for name, slug, trigger in PRESETS
    ]
    meta["presets"] = [
        {"actionId": action_id(slug), "name": name, "fields": default_mapping(slug), "trigger": trigger}
        for name, slug, trigger in PRESETS
    ]
    return meta


CATALOG = {CLASSIC_METADATA_ID: classic_metadata, ACTIONS_METADATA_ID: actions_metadata}


def slug_of_action(action_id_: str) -> str | None:
    return next((slug for _, slug, _ in PRESETS if action_id(slug) == action_id_), None)


__all__ = ["CATALOG", "PRESETS", "action_id", "actions_metadata", "classic_metadata", "slug_of_action"]
