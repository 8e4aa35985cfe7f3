"""Behaviour rows of how the engine names a person (identifiers) and what an identify does to them.

Assembled, in this order, into ``cio_tui.model.behaviours.BEHAVIOURS``.
"""

from __future__ import annotations

from cio_tui.model.behaviour_rows.row import ACTIONS, AUTO_MERGE, IDENTIFYING, TRACK, Behaviour, b

# identifiers: how a path or body names a person
IDENTIFIERS: tuple[Behaviour, ...] = (
    b(
        "path_kind",
        "Identifiers",
        "v1 path identifier kind",
        "`cio_<x>` is a cio_id, an email-shaped value is an email, anything else an id",
        TRACK + "identify",
        "confirmed",
        "the exact email shape (one @, a dot in the domain, no spaces) is assumed",
    ),
    b(
        "id_only_path",
        "Identifiers",
        "ID-only workspaces",
        "every path that is not `cio_...` is an id; `email` is a plain, non-unique attribute; lookups by email may "
        "return several people; no lead conversion, conflict or auto-merge",
        IDENTIFYING,
        "confirmed",
    ),
    b(
        "invalid_cio_path",
        "Identifiers",
        "Invalid `cio_` value",
        "400 in the endpoint's error shape",
        TRACK + "identify",
        "assumed",
        "a secondary report, not documented",
    ),
    b(
        "email_case",
        "Identifiers",
        "Case",
        "ids are case-sensitive; emails match case-insensitively, trimmed",
        IDENTIFYING,
        "confirmed",
    ),
    b(
        "multiple_matches",
        "Identifiers",
        "One identifier, several people",
        "the oldest (created_at, then creation order) is used",
        IDENTIFYING,
        "assumed",
        "Customer.io does not document which person a non-unique email names",
    ),
    b(
        "phone_identifier",
        "Identifiers",
        "Phone as an identifier",
        "v2 `identifiers.phone` (E.164) and App `id_type=phone` only when the workspace enables phone "
        "identifiers; otherwise 400",
        TRACK + "entity",
        "confirmed",
    ),
    b(
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
)

# identify: create, update, conflicts
IDENTIFY: tuple[Behaviour, ...] = (
    b(
        "create_person",
        "Identify",
        "Create",
        "no person matches the path or body identifiers: a new person (plus a `profile_create` activity)",
        TRACK + "identify",
        "confirmed",
        "the activity is assumed",
    ),
    b(
        "update_only",
        "Identify",
        "`_update: true`",
        "never creates; a non-match changes nothing",
        TRACK + "identify",
        "confirmed",
    ),
    b(
        "update_person",
        "Identify",
        "Update",
        'the matched person\'s attributes are merged in; `null` or `""` removes an attribute',
        TRACK + "identify",
        "confirmed",
        "removal by null or empty string is assumed",
    ),
    b(
        "lead_conversion",
        "Identify",
        "Path misses, body matches",
        "the body-matched person is updated and given the path identifier (a lead gets its id)",
        TRACK + "identify",
        "confirmed",
    ),
    b(
        "cio_path_change",
        "Identify",
        "`cio_<cio_id>` path",
        "sets or changes id and email; a value another person holds is a failed attribute change",
        TRACK + "identify",
        "confirmed",
        "the conflict outcome is assumed",
    ),
    b(
        "unknown_cio_dropped",
        "Identify",
        "Unknown `cio_` path",
        "silently dropped (200, nothing happens)",
        TRACK + "identify",
        "confirmed",
    ),
    b(
        "change_refused",
        "Identify",
        "Changing a set identifier without `cio_`",
        "200, the value is unchanged, a `failed_attribute_change` activity on the person",
        TRACK + "identify",
        "confirmed",
        "the activity's data fields are assumed",
    ),
    b(
        "email_update_by_id",
        "Identify",
        '"Allow updates to email using ID"',
        "when on, `PUT /customers/<id>` with a new email changes it (a failed change when someone else holds it)",
        TRACK + "identify",
        "confirmed",
        "default off and the conflict outcome are assumed",
    ),
    b(
        "two_people",
        "Identify",
        "Path and body name two people",
        "200; the path person gets the call's other attributes, the body identifier is not set, and a "
        "`failed_attribute_change` (with `conflicting_cio_id`) is recorded on it",
        TRACK + "identify",
        "assumed",
        "200 and the failure are documented; that the other attributes are still applied is assumed",
    ),
    b(
        "email_holder_has_id",
        "Identify",
        "New id + the email of a person who has another id",
        "a failed attribute change on the email holder; nobody is created",
        TRACK + "identify",
        "assumed",
    ),
    b(
        "auto_merge",
        "Identify",
        "Auto-merge",
        "on by default; merges only when each identifier matched one person, the id person has no email and the "
        "email person has no id; the OLDER profile is the primary",
        AUTO_MERGE,
        "confirmed",
        "the `profile_merge` activity is assumed",
    ),
    b(
        "suppressed_dropped",
        "Identify",
        "A suppressed identifier",
        "the call is dropped (200, nothing created)",
        TRACK + "suppress",
        "assumed",
        "the docs say the identifiers are blocked",
    ),
    b(
        "created_at_string",
        "Identify",
        "String `created_at`",
        "unix seconds as a number or digits are kept; an ISO-8601 or other date string JavaScript's Date reads is "
        "converted to unix seconds (no offset: UTC); an unreadable string is refused (400)",
        TRACK + "identify",
        "assumed",
        "the spec types created_at as an integer; the conversion rules are the engine's",
    ),
    b(
        "unsubscribed_truthy",
        "Identify",
        "`unsubscribed`",
        'any case of `true`, `1` and `"1"` unsubscribe; anything else subscribes',
        TRACK + "identify",
        "assumed",
        "the accepted spellings are reported, not documented",
    ),
    b(
        "timestamp_order",
        "Identify",
        "v2 identify `timestamp` ordering",
        "an identify whose `timestamp` is older than the person's last attribute update is ignored (setting "
        "`ignore_older_updates`, on)",
        TRACK + "entity",
        "assumed",
        "the spec says the timestamp orders rapid updates; ignoring older ones is an operator report",
    ),
    b(
        "identify_relationships",
        "Identify",
        "`cio_relationships` on identify",
        "each listed object is related to the person",
        TRACK + "entity",
        "confirmed",
    ),
)

__all__ = ["IDENTIFIERS", "IDENTIFY"]
