"""The outcome of the other Actions calls: person operations (delete, suppress, devices, events...), merge
(customerio-api.md 6.6) and objects."""

from __future__ import annotations

from typing import Any

from cio_tui.segment.outcome.models import Effect, ambiguous, effect
from cio_tui.segment.outcome.resolve import Resolver

# action -> (effect kind, summary when the person exists, summary when nobody has the identifier);
# {p} is the person, {l} the identifier.
PERSON_OP_TEXTS: dict[str, tuple[str, str, str]] = {
    "delete": ("deletes_person", "Deletes {p} and all their data.", "Nobody has {l}: nothing is deleted."),
    "suppress": (
        "suppresses_person",
        "Suppresses {p}: the profile is deleted and its identifiers blocked.",
        "Nobody has {l}: the identifier is blocked for the future.",
    ),
    "unsuppress": ("unsuppresses", "Unsuppresses {l} ({p} exists).", "Frees {l}; no profile comes back."),
    "add_device": (
        "device_added",
        "Adds or refreshes a device on {p}.",
        "Nobody has {l}: Customer.io probably creates the person (unconfirmed).",
    ),
    "delete_device": ("device_deleted", "Deletes the device from {p}.", "Nobody has {l}: nothing happens."),
}


async def person_op(r: Resolver, slug: str, body: dict[str, Any]) -> Effect:
    ids = body.get("identifiers") or {}
    action = body.get("action")
    if "anonymous_id" in ids:
        return effect(
            slug,
            "anonymous_event",
            f"Anonymous {action} for anonymous_id {ids['anonymous_id']}: kept up to 30 days and joined to the "
            "person whose identify carries that anonymous_id (anonymous event merging).",
        )
    label, people = await r.find(ids)
    person = people[0] if len(people) == 1 else None
    if len(people) > 1:
        return ambiguous(slug, people, f"{label} names {len(people)} people: the call cannot name one person.")
    if action in PERSON_OP_TEXTS:
        kind, found_text, missing_text = PERSON_OP_TEXTS[action]
        if person is None:
            return effect(slug, f"{kind}_no_person", missing_text.format(l=label))
        return effect(slug, kind, found_text.format(p=person.label(), l=label), (person, str(action)))
    if person is None:
        return effect(
            slug,
            "event_creates_person",
            f"Nobody has {label} yet: the {action} creates that person (unconfirmed for events).",
        )
    return effect(slug, "event_on_person", f"The {action} lands on {person.label()}.", (person, "event target"))


async def merge(r: Resolver, slug: str, body: dict[str, Any]) -> Effect:
    p_label, primary = await r.find(body.get("primary"))
    s_label, secondary = await r.find(body.get("secondary"))
    if len(primary) != 1:
        summary = f"The primary ({p_label}) does not exist: the merge does nothing (§6.6)."
        return effect(slug, "merge_does_nothing", summary, *((p, "secondary") for p in secondary))
    if len(secondary) != 1:
        summary = f"Nobody has {s_label}: there is nothing to merge into {primary[0].label()}."
        return effect(slug, "merge_does_nothing", summary, (primary[0], "primary"))
    if primary[0].cio_id == secondary[0].cio_id:
        summary = f"{p_label} and {s_label} are the same person: nothing to merge."
        return effect(slug, "merge_does_nothing", summary, (primary[0], "primary"))
    return effect(
        slug,
        "merges_people",
        f"Merges {secondary[0].label()} into {primary[0].label()}; the secondary is deleted permanently (§6.6).",
        (primary[0], "primary"),
        (secondary[0], "secondary (deleted)"),
    )


async def object_op(r: Resolver, slug: str, body: dict[str, Any]) -> Effect:
    ids = body.get("identifiers") or {}
    obj = f"object {ids.get('object_id')} (type {ids.get('object_type_id')})"
    if body.get("action") == "delete":
        return effect(slug, "object_deleted", f"Deletes {obj}.")
    rel = (body.get("cio_relationships") or [{}])[0].get("identifiers") or {}
    related = ()
    if "anonymous_id" in rel:
        target = f"anonymous_id {rel['anonymous_id']}"
    else:
        label, found = await r.find(rel)
        related = ((found[0], "related"),) if len(found) == 1 else ()
        target = found[0].label() if len(found) == 1 else f"{label} (nobody has it yet)"
    if body.get("action") == "delete_relationships":
        return effect(slug, "relationship_deleted", f"Removes the relationship between {obj} and {target}.", *related)
    tail = f" and relates it to {target}" if rel else ""
    return effect(slug, "object_updated", f"Creates or updates {obj}{tail}.", *related)
