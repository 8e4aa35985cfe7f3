"""An engine ``OpRecord`` in the preview's words: the ``Effect`` (kind, summary, people, state changes, what it
assumes). The engine decides what happens; this module only says it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cio_tui.model import BY_KEY, OpRecord, Person
from cio_tui.model.effect_kind import EffectKind
from cio_tui.segment.outcome.models import Effect, PersonMention, StateChange


def _label(p: Person | None, cio_id: str, created: dict[str, int], number: int) -> str:
    if cio_id in created and p is not None:
        made = created[cio_id]
        return f"the new person ({_names(p)})" if made >= number else f"the person call {made} creates ({_names(p)})"
    if p is None:
        return f"cio_{cio_id}"
    return f"cio_{cio_id} ({_names(p)})"


def _names(p: Person) -> str:
    names = [f"id {p.id}" if p.id else "", f"email {p.email}" if p.email else ""]
    return ", ".join(n for n in names if n) or "no id or email"


def _shown(value: object) -> str:
    return "(unset)" if value is None else repr(value)


def effect_of(
    action: str,
    rec: OpRecord,
    status: int,
    created: dict[str, int],
    number: int,
    person: Callable[[str], Person | None],
) -> Effect:
    """The effect of one operation; ``created`` maps cio_ids the what-if made to the call that made them."""
    states: dict[str, Person | None] = {}
    before: dict[str, Person | None] = {}
    for change in rec.changes:
        if change.before is not None:
            s = change.before
            before[change.cio_id] = Person(0, s.cio_id, s.id, s.email, 0, 0, phone=s.phone)
    for cio_id in list(rec.roles) + [c.cio_id for c in rec.changes]:
        states[cio_id] = person(cio_id) or before.get(cio_id)

    def label(cio_id: str, *, was: bool = False) -> str:
        p = before.get(cio_id) if was and cio_id in before else states.get(cio_id)
        return _label(p, cio_id, created, number)

    kind = rec.kind
    roles = rec.roles
    by_role = {role.split(" ")[0]: cio for cio, role in roles.items()}
    first = next(iter(roles), None)
    f = rec.facts
    target = label(first) if first else "nobody"
    if kind in (EffectKind.EVENT_ON_PERSON, EffectKind.DEVICE_ADDED) and first in created and created[first] < number:
        kind = EffectKind.EVENT_ON_NEW_PERSON if kind is EffectKind.EVENT_ON_PERSON else kind
    summary = _summary(kind, rec, f, target, label, by_role, created, first, number)
    people = []
    for cio_id, role in roles.items():
        p = states.get(cio_id)
        people.append(
            PersonMention(
                cio_id=cio_id, role=role, id=p.id if p else None, email=p.email if p else None, new=cio_id in created
            )
        )
    details = list(rec.details) + ([rec.error] if rec.error else [])
    for change in rec.changes:
        shown = [
            f"{key} {_shown(old)} -> {_shown(new)}"
            for key, (old, new) in change.changed_attributes().items()
            if not (change.created and (new in (None, False) or key == "created_at"))
        ]
        if shown:
            details.append(f"{label(change.cio_id)}: {'; '.join(shown)}")
    assumed = [f"{BY_KEY[k].title}: {BY_KEY[k].note or BY_KEY[k].does}" for k in rec.assumed]
    if assumed:
        summary += f" (assumed: {'; '.join(BY_KEY[k].title for k in rec.assumed)})"
    changes = [StateChange(**c.to_json()) for c in rec.changes]
    return Effect(
        action=action,
        kind=kind,
        summary=summary,
        people=people,
        details=details,
        status=status,
        changes=changes,
        assumed=assumed,
    )


_OBJECT_KINDS = (
    EffectKind.OBJECT_UPDATED,
    EffectKind.OBJECT_DELETED,
    EffectKind.RELATIONSHIP_ADDED,
    EffectKind.RELATIONSHIP_DELETED,
)


def _summary(  # noqa: C901 - one sentence per kind, in one place
    kind: EffectKind,
    rec: OpRecord,
    f: dict[str, Any],
    target: str,
    label: Callable[..., str],
    by_role: dict[str, str],
    created: dict[str, int],
    first: str | None,
    number: int,
) -> str:
    what = f.get("type", "event")
    ident = f.get("identifier", "")
    if kind is EffectKind.CREATES_PERSON:
        p = rec.changes[0].after if rec.changes and rec.changes[0].after else None
        names = " and ".join(f"{k} {getattr(p, k)}" for k in ("id", "email", "phone") if p and getattr(p, k))
        lead = " (a lead: no id)" if p is not None and not p.id and p.email else ""
        return f"Creates a new person with {names or 'no identifier'}{lead}."
    if kind is EffectKind.UPDATES_PERSON:
        return f"Updates {target}."
    if kind is EffectKind.ASSIGNS_ID_TO_LEAD:
        if first in created and created[first] < number:
            lead = label(first, was=True).replace("the person call", "the lead call", 1)
            return f"Assigns id {f.get('new_id')} to {lead}."
        return f"Assigns id {f.get('new_id')} to lead {label(first, was=True)}."
    if kind is EffectKind.IDENTIFIER_CHANGE:
        parts = []
        for change in rec.changes:
            b, a = change.before, change.after
            for k in ("id", "email"):
                old, new = getattr(b, k) if b else None, getattr(a, k) if a else None
                if old != new:
                    parts.append(f"sets {k} '{new}' (had none)" if old is None else f"{k} '{old}' -> '{new}'")
        return f"Changes {', '.join(parts) or 'identifiers'} on {label(first, was=True)} through the cio_ path."
    if kind in (EffectKind.ID_CHANGE_REFUSED, EffectKind.EMAIL_CHANGE_REFUSED):
        which = kind.split("_")[0]
        return (
            f"Would change the {which} of {target} to '{f.get('value')}': refused without the cio_ path "
            "(Customer.io answers 200 and records a failed_attribute_change)."
        )
    if kind is EffectKind.EMAIL_CHANGED:
        return f"Changes the email of {target} to {f.get('email')} ('Allow updates to email using ID' is on)."
    if kind is EffectKind.CONFLICT_AUTO_MERGE:
        return (
            f"The id and the email belong to two people: auto-merge applies; cio_{by_role.get('primary')} "
            f"(older) is kept, cio_{by_role.get('secondary')} is deleted."
        )
    if kind is EffectKind.CONFLICT_FAILED:
        return (
            f"Conflict between {target} and {label(list(rec.roles)[1]) if len(rec.roles) > 1 else 'another'}: "
            f"{f.get('why')}, so Customer.io records a failed_attribute_change; the call's other attributes "
            f"still update {target}."
        )
    if kind is EffectKind.DROPPED:
        return f"No person has cio_id {f.get('cio_id')}: Customer.io silently drops the request."
    if kind is EffectKind.DROPPED_SUPPRESSED:
        return f"{ident} is suppressed: Customer.io drops the request."
    if kind is EffectKind.UPDATE_ONLY_NO_PERSON:
        return "Nobody matches and _update is true: nothing is created."
    if kind is EffectKind.UPDATE_IGNORED_OLDER:
        return (
            f"The update's timestamp ({f.get('timestamp')}) is older than the last update of {target} "
            f"({f.get('last')}): the update is ignored."
        )
    if kind is EffectKind.ANONYMOUS_IDENTIFY:
        return f"Identify with only anonymous_id {f.get('anonymous_id')} and no email: accepted, nobody changes."
    if kind is EffectKind.ANONYMOUS_EVENT:
        return (
            f"Anonymous {what} for anonymous_id {f.get('anonymous_id')}: kept, and joined to the person whose "
            "identify carries that anonymous_id within 30 days (anonymous event merging)."
        )
    if kind is EffectKind.EVENT_ON_NEW_PERSON:
        return f"The {what} lands on the person call {created[first]} creates." if first else "The event lands."
    if kind is EffectKind.EVENT_ON_PERSON:
        return f"The {what} lands on {target}."
    if kind in (EffectKind.EVENT_CREATES_PERSON, EffectKind.DEVICE_CREATES_PERSON):
        thing = "device" if kind.startswith("device") else what
        return f"Nobody has {label(first)} yet: the {thing} creates that person."
    if kind is EffectKind.EVENT_DUPLICATE:
        return f"An event with id {f.get('event_id')} was already received: Customer.io ignores this one."
    if kind is EffectKind.METRICS:
        return f"Records a delivery metric ({f.get('metric')} for delivery {f.get('delivery_id')}); nobody changes."
    if kind is EffectKind.DEVICE_ADDED:
        return f"Adds or refreshes device {f.get('device')} on {target}."
    if kind is EffectKind.DEVICE_DELETED:
        return f"Deletes device {f.get('device')} from {target}."
    if kind is EffectKind.DEVICE_DELETED_NO_PERSON:
        return f"Nobody has {ident}: nothing happens."
    if kind is EffectKind.DELETES_PERSON:
        return f"Deletes {label(first, was=True)} and all their data."
    if kind is EffectKind.DELETES_PERSON_NO_PERSON:
        return f"Nobody has {ident}: nothing is deleted."
    if kind is EffectKind.SUPPRESSES_PERSON:
        return f"Suppresses {label(first, was=True)}: the profile is deleted and its identifiers blocked."
    if kind is EffectKind.SUPPRESSES_PERSON_NO_PERSON:
        return f"Nobody has {ident}: the identifier is blocked for the future."
    if kind is EffectKind.UNSUPPRESSES:
        return f"Frees {ident}; no profile comes back."
    if kind is EffectKind.NOT_SUPPRESSED:
        return f"{ident} is not suppressed ({target} exists): nothing changes."
    if kind is EffectKind.UNSUPPRESSES_NO_PERSON:
        return f"{ident} is not suppressed: nothing changes."
    if kind is EffectKind.MERGES_PEOPLE:
        return (
            f"Merges {label(by_role.get('secondary', ''), was=True)} into {label(by_role.get('primary', ''))}; "
            "the secondary is deleted permanently."
        )
    if kind is EffectKind.MERGE_DOES_NOTHING:
        if f.get("why") == "primary_missing":
            return f"The primary ({f.get('primary')}) does not exist: the merge does nothing."
        if f.get("why") == "same":
            return "Both sides are the same person: nothing to merge."
        return f"Nobody has {f.get('secondary')}: there is nothing to merge into {target}."
    if kind in (
        EffectKind.OBJECT_UPDATED,
        EffectKind.OBJECT_DELETED,
        EffectKind.RELATIONSHIP_ADDED,
        EffectKind.RELATIONSHIP_DELETED,
    ):
        type_id, _, object_id = str(f.get("object") or "/".join(f.get("objects") or ["?/?"])).partition("/")
        obj = f"object {object_id} (type {type_id})"
        people = [label(c) for c in rec.roles]
        tail = f" and relates it to {', '.join(people)}" if people and kind is EffectKind.OBJECT_UPDATED else ""
        return {
            "object_updated": f"Creates or updates {obj}{tail}.",
            "object_deleted": f"Deletes {obj} and its relationships.",
            "relationship_added": f"Relates {obj} to {', '.join(people) or 'the anonymous person'}.",
            "relationship_deleted": f"Removes the relationship between {obj} and {', '.join(people) or 'them'}.",
        }[kind]
    if kind is EffectKind.RELATIONSHIP_NO_PERSON:
        return f"Nobody has {ident}: no relationship changes."
    if kind is EffectKind.REJECTED:
        return f"Customer.io refuses the request (400): {rec.error}"
    return "Nothing changes."
