"""The engine's behaviour list: every rule it applies, what it does, the public source, confirmed or assumed.

``docs/sandbox-fidelity.md`` is generated from this list (``python -m cio_tui.sandbox.fidelity``); the engine names
the rule it applies (``Ops.uses(key)``), and a test fails when the engine uses a key with no row here. An outcome
that rests on an *assumed* row says so in the preview.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["confirmed", "assumed"]

_TRACK = "https://customer.io/docs/api/track/#operation/"
SPEC = "https://docs.customer.io/files/journeys-track.json"
APP = "https://docs.customer.io/integrations/api/app/"
ACTIONS = "https://github.com/segmentio/action-destinations/tree/main/packages/destination-actions/src/destinations/customerio"
AUTO_MERGE = "https://docs.customer.io/release-notes/2021-10-05-auto-merge/"
ANONYMOUS = "https://docs.customer.io/journeys/anonymous-events/"
MERGE_PEOPLE = "https://docs.customer.io/journeys/merge-people/"
IDENTIFYING = "https://docs.customer.io/journeys/identifying-people/"
NODE_FIXTURES = "https://github.com/customerio/customerio-node/tree/main/test/fixtures/responses"


@dataclass(frozen=True)
class Behaviour:
    key: str
    area: str
    title: str
    does: str
    source: str
    status: Status
    note: str = ""  # what exactly is assumed, when the status is "assumed"


def _b(key: str, area: str, title: str, does: str, source: str, status: Status, note: str = "") -> Behaviour:
    return Behaviour(key, area, title, does, source, status, note)


BEHAVIOURS: tuple[Behaviour, ...] = (
    # -- identifiers ------------------------------------------------------------------------------------
    _b(
        "path_kind",
        "Identifiers",
        "v1 path identifier kind",
        "`cio_<x>` is a cio_id, an email-shaped value is an email, anything else an id",
        _TRACK + "identify",
        "confirmed",
        "the exact email shape (one @, a dot in the domain, no spaces) is assumed",
    ),
    _b(
        "id_only_path",
        "Identifiers",
        "ID-only workspaces",
        "every path that is not `cio_...` is an id; `email` is a plain, non-unique attribute; lookups by email may "
        "return several people; no lead conversion, conflict or auto-merge",
        IDENTIFYING,
        "confirmed",
    ),
    _b(
        "invalid_cio_path",
        "Identifiers",
        "Invalid `cio_` value",
        "400 in the endpoint's error shape",
        _TRACK + "identify",
        "assumed",
        "a secondary report, not documented",
    ),
    _b(
        "email_case",
        "Identifiers",
        "Case",
        "ids are case-sensitive; emails match case-insensitively, trimmed",
        IDENTIFYING,
        "confirmed",
    ),
    _b(
        "multiple_matches",
        "Identifiers",
        "One identifier, several people",
        "the oldest (created_at, then creation order) is used",
        IDENTIFYING,
        "assumed",
        "Customer.io does not document which person a non-unique email names",
    ),
    _b(
        "phone_identifier",
        "Identifiers",
        "Phone as an identifier",
        "v2 `identifiers.phone` (E.164) and App `id_type=phone` only when the workspace enables phone "
        "identifiers; otherwise 400",
        _TRACK + "entity",
        "confirmed",
    ),
    _b(
        "anonymous_identifier",
        "Identifiers",
        "v2 `identifiers: {anonymous_id}`",
        "accepted (Segment's Actions destination sends it for every anonymous call): events are kept as anonymous "
        "events; an identify with an email in its attributes makes or updates that email's person, else it is "
        "accepted and changes nobody",
        ACTIONS + "/utils.ts",
        "assumed",
        "the Track spec lists only id, email, phone and cio_id",
    ),
    # -- identify -----------------------------------------------------------------------------------------
    _b(
        "create_person",
        "Identify",
        "Create",
        "no person matches the path or body identifiers: a new person (plus a `profile_create` activity)",
        _TRACK + "identify",
        "confirmed",
        "the activity is assumed",
    ),
    _b(
        "update_only",
        "Identify",
        "`_update: true`",
        "never creates; a non-match changes nothing",
        _TRACK + "identify",
        "confirmed",
    ),
    _b(
        "update_person",
        "Identify",
        "Update",
        'the matched person\'s attributes are merged in; `null` or `""` removes an attribute',
        _TRACK + "identify",
        "confirmed",
        "removal by null or empty string is assumed",
    ),
    _b(
        "lead_conversion",
        "Identify",
        "Path misses, body matches",
        "the body-matched person is updated and given the path identifier (a lead gets its id)",
        _TRACK + "identify",
        "confirmed",
    ),
    _b(
        "cio_path_change",
        "Identify",
        "`cio_<cio_id>` path",
        "sets or changes id and email; a value another person holds is a failed attribute change",
        _TRACK + "identify",
        "confirmed",
        "the conflict outcome is assumed",
    ),
    _b(
        "unknown_cio_dropped",
        "Identify",
        "Unknown `cio_` path",
        "silently dropped (200, nothing happens)",
        _TRACK + "identify",
        "confirmed",
    ),
    _b(
        "change_refused",
        "Identify",
        "Changing a set identifier without `cio_`",
        "200, the value is unchanged, a `failed_attribute_change` activity on the person",
        _TRACK + "identify",
        "confirmed",
        "the activity's data fields are assumed",
    ),
    _b(
        "email_update_by_id",
        "Identify",
        '"Allow updates to email using ID"',
        "when on, `PUT /customers/<id>` with a new email changes it (a failed change when someone else holds it)",
        _TRACK + "identify",
        "confirmed",
        "default off and the conflict outcome are assumed",
    ),
    _b(
        "two_people",
        "Identify",
        "Path and body name two people",
        "200; the path person gets the call's other attributes, the body identifier is not set, and a "
        "`failed_attribute_change` (with `conflicting_cio_id`) is recorded on it",
        _TRACK + "identify",
        "assumed",
        "200 and the failure are documented; that the other attributes are still applied is assumed",
    ),
    _b(
        "email_holder_has_id",
        "Identify",
        "New id + the email of a person who has another id",
        "a failed attribute change on the email holder; nobody is created",
        _TRACK + "identify",
        "assumed",
    ),
    _b(
        "auto_merge",
        "Identify",
        "Auto-merge",
        "on by default; merges only when each identifier matched one person, the id person has no email and the "
        "email person has no id; the OLDER profile is the primary",
        AUTO_MERGE,
        "confirmed",
        "the `profile_merge` activity is assumed",
    ),
    _b(
        "suppressed_dropped",
        "Identify",
        "A suppressed identifier",
        "the call is dropped (200, nothing created)",
        _TRACK + "suppress",
        "assumed",
        "the docs say the identifiers are blocked",
    ),
    _b(
        "created_at_string",
        "Identify",
        "String `created_at`",
        "unix seconds as a number or digits are kept; an ISO-8601 or other date string JavaScript's Date reads is "
        "converted to unix seconds (no offset: UTC); an unreadable string is refused (400)",
        _TRACK + "identify",
        "assumed",
        "the spec types created_at as an integer; the conversion rules are the engine's",
    ),
    _b(
        "unsubscribed_truthy",
        "Identify",
        "`unsubscribed`",
        'any case of `true`, `1` and `"1"` unsubscribe; anything else subscribes',
        _TRACK + "identify",
        "assumed",
        "the accepted spellings are reported, not documented",
    ),
    _b(
        "timestamp_order",
        "Identify",
        "v2 identify `timestamp` ordering",
        "an identify whose `timestamp` is older than the person's last attribute update is ignored (setting "
        "`ignore_older_updates`, on)",
        _TRACK + "entity",
        "assumed",
        "the spec says the timestamp orders rapid updates; ignoring older ones is an operator report",
    ),
    _b(
        "identify_relationships",
        "Identify",
        "`cio_relationships` on identify",
        "each listed object is related to the person",
        _TRACK + "entity",
        "confirmed",
    ),
    # -- merge, delete, suppress ------------------------------------------------------------------------
    _b(
        "merge_body",
        "Merge",
        "merge body",
        'exactly one identifier per side, else 400 `{"meta":{"error":...}}`; email refused in ID-only',
        _TRACK + "merge",
        "confirmed",
    ),
    _b("merge_primary_missing", "Merge", "Primary missing", "nothing happens, 200", _TRACK + "merge", "confirmed"),
    _b(
        "merge_nothing",
        "Merge",
        "Secondary missing, or both sides one person",
        "nothing happens, 200",
        _TRACK + "merge",
        "assumed",
    ),
    _b(
        "merge_result",
        "Merge",
        "Merge result",
        "the secondary is deleted; attributes unset or empty on the primary are filled from it (a missing id or "
        "email too); the primary's values win; a `profile_merge` activity",
        _TRACK + "merge",
        "confirmed",
        "identifier filling and the primary always winning a conflict are assumed",
    ),
    _b(
        "merge_history",
        "Merge",
        "History on merge",
        "events of the last 30 days move to the primary (older ones are deleted with the secondary); other "
        "activities, devices and relationships move",
        _TRACK + "merge",
        "confirmed",
        "devices and non-event activities moving is assumed",
    ),
    _b(
        "delete_person",
        "Delete",
        "Delete",
        "the person and all their data go; deleting nobody answers 200",
        _TRACK + "delete",
        "confirmed",
    ),
    _b(
        "suppress_person",
        "Delete",
        "Suppress",
        "deletes the profile and blocks its identifiers; an unknown id or email is blocked too",
        _TRACK + "suppress",
        "confirmed",
        "blocking an unknown identifier is assumed",
    ),
    _b(
        "unsuppress",
        "Delete",
        "Unsuppress",
        "frees the identifiers blocked together; the profile is not restored",
        _TRACK + "unsuppress",
        "confirmed",
    ),
    # -- events -----------------------------------------------------------------------------------------
    _b(
        "event_person",
        "Events",
        "Events on a person",
        "recorded as an activity (`event`, `page`, `screen`); an unknown id or email creates the person, an "
        "unknown cio_id drops the event",
        _TRACK + "track",
        "confirmed",
        "creation by events is assumed",
    ),
    _b(
        "event_dedupe",
        "Events",
        "Event `id`",
        "an event repeating an `id` already received is ignored",
        _TRACK + "track",
        "confirmed",
    ),
    _b(
        "event_name_trim",
        "Events",
        "Event names",
        "leading and trailing spaces are trimmed",
        _TRACK + "trackAnonymous",
        "confirmed",
        "for workspaces created after 2021-09-21",
    ),
    _b("v1_screen", "Events", "v1 `type: screen`", "a screen activity, not an event", _TRACK + "track", "confirmed"),
    _b(
        "page_url",
        "Events",
        "Page views",
        "the page activity's data carries `url` (from the data, else the name)",
        _TRACK + "entity",
        "assumed",
        "where the url is kept is the engine's choice",
    ),
    _b(
        "anonymous_event",
        "Events",
        "Anonymous events",
        "`POST /api/v1/events` and v2 operations with `anonymous_id` are kept as anonymous events",
        _TRACK + "trackAnonymous",
        "confirmed",
    ),
    _b(
        "anonymous_merge",
        "Events",
        "Anonymous event merging",
        "an identify that sets `anonymous_id` takes that id's anonymous events of the last 30 days (and its "
        "anonymous object relationships) onto the person; off with the workspace setting",
        ANONYMOUS,
        "confirmed",
        "relationships carrying over follows the spec's object identify_anonymous text",
    ),
    _b(
        "content_event",
        "Events",
        "v2 `viewed_content` / `clicked_content`",
        "recorded as activities of that type on the person (what Actions' Report Content Event sends)",
        ACTIONS + "/reportContentEvent/index.ts",
        "assumed",
        "not in the Track spec's person operations",
    ),
    _b(
        "metrics",
        "Events",
        "`POST /api/v1/metrics` and v2 `type: delivery`",
        "a delivery metric is recorded; `delivery_id` and `metric` are required (400 otherwise); nobody changes",
        _TRACK + "metrics",
        "confirmed",
    ),
    # -- devices, objects ---------------------------------------------------------------------------------
    _b(
        "devices",
        "Devices",
        "Devices",
        "added or refreshed by id (or token), deleted by id; adding one to an unknown id or email creates the person",
        _TRACK + "add_device",
        "confirmed",
        "creation by a device is assumed",
    ),
    _b(
        "objects",
        "Objects",
        "Objects (`type: object`)",
        "`identify` creates or updates the object (attributes merged) and relates the listed people; "
        "`identify_anonymous` relates anonymous ids; `delete` deletes it and its relationships",
        _TRACK + "entity",
        "confirmed",
    ),
    _b(
        "relationships",
        "Objects",
        "Relationships",
        "object `add_relationships`/`delete_relationships` and the person-side actions add or remove "
        "person-object relationships",
        _TRACK + "entity",
        "confirmed",
    ),
    # -- v2 and limits ------------------------------------------------------------------------------------
    _b(
        "v2_entity",
        "Track v2",
        "`POST /api/v2/entity`",
        'one operation; 200 `{}`; 400 `{"errors":[{"reason","field","message"}]}`',
        _TRACK + "entity",
        "confirmed",
    ),
    _b(
        "v2_batch",
        "Track v2",
        "`POST /api/v2/batch`",
        "each operation on its own; 200 `{}`, or 207 listing `batch_index` failures (the others applied)",
        _TRACK + "batch",
        "confirmed",
    ),
    _b(
        "v2_identify_like_v1",
        "Track v2",
        "v2 identify resolves like v1",
        "resolves like v1 with the identifier as the path",
        _TRACK + "entity",
        "assumed",
    ),
    _b(
        "size_limits",
        "Limits",
        "Size limits",
        "400 for an id over 150 bytes, attribute names over 150 or values over 1000 bytes, over 300 attributes, "
        "event names over 100 bytes, event data over 100,000 bytes, entity >= 32 KB, batch >= 500 KB",
        SPEC,
        "confirmed",
        "400 rather than truncation is assumed",
    ),
    # -- App reads ------------------------------------------------------------------------------------------
    _b(
        "app_by_email",
        "App API",
        "`GET /v1/customers?email=`",
        '`{"results":[{"email","id","cio_id"}]}`, `[]` when nobody',
        APP,
        "confirmed",
    ),
    _b(
        "app_attributes",
        "App API",
        "`GET /v1/customers/{id}/attributes`",
        '`{"customer":{...}}` with every attribute value a string; 404 when nobody; `id_type` id (default), '
        "email, cio_id, phone (when enabled)",
        APP,
        "confirmed",
    ),
)

BEHAVIOURS = (
    *BEHAVIOURS,
    _b(
        "app_search",
        "App API",
        "Search and export filters",
        "`and`/`or`/`not`/`segment`/`attribute` with `eq`/`exists` only; `email` `eq` matches case-insensitively; "
        "values compare as strings; `id`, `email`, `cio_id`, `created_at` usable as fields",
        APP,
        "confirmed",
        "`id` as a filter field and case-insensitive email `eq` are assumed",
    ),
)

BY_KEY: dict[str, Behaviour] = {b.key: b for b in BEHAVIOURS}
ASSUMED: frozenset[str] = frozenset(b.key for b in BEHAVIOURS if b.status == "assumed")
