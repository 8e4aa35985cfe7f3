"""What each Actions preset changes compared with the classic destination, shown beside it in a cut-over plan.

The notes restate the preview's findings per action (docs/reference/segment-actions.md has them with their sources);
when the Walkthrough has saved calls, each preset also says how many of the operator's own calls fire it and which
preview warnings those calls carry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

NOTES: dict[str, str] = {
    "createUpdatePerson": "identify: strict ISO-8601 trait dates become unix timestamps; a new anonymous_id "
    "attribute; traits.created is not renamed to created_at",
    "trackEvent": "track: anonymous events are now sent (classic dropped them); reserved event names go to other "
    "actions",
    "trackPageView": "page: the activity is named by properties.url (classic used the page name); pages without "
    "properties.url fail",
    "trackScreenView": "screen: a screen activity named by the screen (classic sent a 'Viewed X Screen' event)",
    "createUpdateObject": "group: creates objects and relationships (classic cloud mode sent nothing); needs an "
    "object type",
    "mergePeople": "alias: merges two people and deletes the secondary (classic ignored alias)",
    "deletePerson": "a 'User Deleted' event now deletes the person (classic logged an event)",
    "suppressPerson": "a 'User Suppressed' event now suppresses the person",
    "unsuppressPerson": "a 'User Unsuppressed' event now unsuppresses the person",
    "createUpdateDevice": "device events need userId and context.device.type",
    "deleteDevice": "device deletions need userId",
    "deleteObject": "an 'Object Deleted' event deletes an object",
    "deleteRelationship": "a 'Relationship Deleted' event removes a relationship",
    "reportDeliveryEvent": "'Report Delivery Event' calls report message metrics",
    "reportContentEvent": "'Report Content Event' calls report content views and clicks",
}


def preset_notes(slug: str, calls: Iterable[Any] | None) -> list[str]:
    notes = [NOTES[slug]] if slug in NOTES else []
    if calls is None:
        return notes
    mine = [
        c for c in calls if slug in (getattr(c, "actions", []) or []) or slug in (getattr(c, "error_actions", []) or [])
    ]
    if not mine:
        notes.append("none of your saved calls fires it")
        return notes
    codes = Counter(w.code for c in mine for w in getattr(c, "warnings", []) or [])
    text = f"{len(mine)} of your saved calls fire it"
    if codes:
        text += "; preview warnings: " + ", ".join(f"{code} ({n})" for code, n in codes.most_common(4))
    failing = sum(1 for c in mine if slug in (getattr(c, "error_actions", []) or []))
    if failing:
        text += f"; {failing} would be rejected"
    notes.append(text)
    return notes


__all__ = ["NOTES", "preset_notes"]
