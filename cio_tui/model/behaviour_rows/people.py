"""Behaviour rows of merging, deleting and suppressing people.

Assembled, in this order, into ``cio_tui.model.behaviours.BEHAVIOURS``.
"""

from __future__ import annotations

from cio_tui.model.behaviour_rows.row import TRACK, Behaviour, b

# merge, delete, suppress
MERGE_DELETE_SUPPRESS: tuple[Behaviour, ...] = (
    b(
        "merge_body",
        "Merge",
        "merge body",
        'exactly one identifier per side, else 400 `{"meta":{"error":...}}`; email refused in ID-only',
        TRACK + "merge",
        "confirmed",
    ),
    b("merge_primary_missing", "Merge", "Primary missing", "nothing happens, 200", TRACK + "merge", "confirmed"),
    b(
        "merge_nothing",
        "Merge",
        "Secondary missing, or both sides one person",
        "nothing happens, 200",
        TRACK + "merge",
        "assumed",
    ),
    b(
        "merge_result",
        "Merge",
        "Merge result",
        "the secondary is deleted; attributes unset or empty on the primary are filled from it (a missing id or "
        "email too); the primary's values win; a `profile_merge` activity",
        TRACK + "merge",
        "confirmed",
        "identifier filling and the primary always winning a conflict are assumed",
    ),
    b(
        "merge_history",
        "Merge",
        "History on merge",
        "events of the last 30 days move to the primary (older ones are deleted with the secondary); other "
        "activities, devices and relationships move",
        TRACK + "merge",
        "confirmed",
        "devices and non-event activities moving is assumed",
    ),
    b(
        "delete_person",
        "Delete",
        "Delete",
        "the person and all their data go; deleting nobody answers 200",
        TRACK + "delete",
        "confirmed",
    ),
    b(
        "suppress_person",
        "Delete",
        "Suppress",
        "deletes the profile and blocks its identifiers; an unknown id or email is blocked too",
        TRACK + "suppress",
        "confirmed",
        "blocking an unknown identifier is assumed",
    ),
    b(
        "unsuppress",
        "Delete",
        "Unsuppress",
        "frees the identifiers blocked together; the profile is not restored",
        TRACK + "unsuppress",
        "confirmed",
    ),
)

__all__ = ["MERGE_DELETE_SUPPRESS"]
