"""Behaviour rows of events (on people and anonymous), devices, objects and relationships.

Assembled, in this order, into ``cio_tui.model.behaviours.BEHAVIOURS``.
"""

from __future__ import annotations

from cio_tui.model.behaviour_rows.row import ACTIONS, ANONYMOUS, TRACK, Behaviour, b

# events on people and anonymous ones
EVENTS: tuple[Behaviour, ...] = (
    b(
        "event_person",
        "Events",
        "Events on a person",
        "recorded as an activity (`event`, `page`, `screen`); an unknown id or email creates the person, an "
        "unknown cio_id drops the event",
        TRACK + "track",
        "confirmed",
        "creation by events is assumed",
    ),
    b(
        "event_dedupe",
        "Events",
        "Event `id`",
        "an event repeating an `id` already received is ignored",
        TRACK + "track",
        "confirmed",
    ),
    b(
        "event_name_trim",
        "Events",
        "Event names",
        "leading and trailing spaces are trimmed",
        TRACK + "trackAnonymous",
        "confirmed",
        "for workspaces created after 2021-09-21",
    ),
    b("v1_screen", "Events", "v1 `type: screen`", "a screen activity, not an event", TRACK + "track", "confirmed"),
    b(
        "page_url",
        "Events",
        "Page views",
        "the page activity's data carries `url` (from the data, else the name)",
        TRACK + "entity",
        "assumed",
        "where the url is kept is the engine's choice",
    ),
    b(
        "anonymous_event",
        "Events",
        "Anonymous events",
        "`POST /api/v1/events` and v2 operations with `anonymous_id` are kept as anonymous events",
        TRACK + "trackAnonymous",
        "confirmed",
    ),
    b(
        "anonymous_merge",
        "Events",
        "Anonymous event merging",
        "an identify that sets `anonymous_id` takes that id's anonymous events of the last 30 days (and its "
        "anonymous object relationships) onto the person; off with the workspace setting",
        ANONYMOUS,
        "confirmed",
        "relationships carrying over follows the spec's object identify_anonymous text",
    ),
    b(
        "content_event",
        "Events",
        "v2 `viewed_content` / `clicked_content`",
        "recorded as activities of that type on the person (what Actions' Report Content Event sends)",
        ACTIONS + "/reportContentEvent/index.ts",
        "assumed",
        "not in the Track spec's person operations",
    ),
    b(
        "metrics",
        "Events",
        "`POST /api/v1/metrics` and v2 `type: delivery`",
        "a delivery metric is recorded; `delivery_id` and `metric` are required (400 otherwise); nobody changes",
        TRACK + "metrics",
        "confirmed",
    ),
)

# devices, objects and relationships
DEVICES_OBJECTS: tuple[Behaviour, ...] = (
    b(
        "devices",
        "Devices",
        "Devices",
        "added or refreshed by id (or token), deleted by id; adding one to an unknown id or email creates the person",
        TRACK + "add_device",
        "confirmed",
        "creation by a device is assumed",
    ),
    b(
        "objects",
        "Objects",
        "Objects (`type: object`)",
        "`identify` creates or updates the object (attributes merged) and relates the listed people; "
        "`identify_anonymous` relates anonymous ids; `delete` deletes it and its relationships",
        TRACK + "entity",
        "confirmed",
    ),
    b(
        "relationships",
        "Objects",
        "Relationships",
        "object `add_relationships`/`delete_relationships` and the person-side actions add or remove "
        "person-object relationships",
        TRACK + "entity",
        "confirmed",
    ),
)

__all__ = ["EVENTS", "DEVICES_OBJECTS"]
