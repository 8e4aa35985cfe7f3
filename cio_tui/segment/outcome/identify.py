"""The outcome of an Actions identify: by path/body identifiers (customerio-api.md 6.1), lead conversion (6.2),
identifier changes only through ``cio_`` (6.3, 6.4) and the two-people conflict with its auto-merge conditions (6.5)."""

from __future__ import annotations

from typing import Any

from cio_tui.segment.outcome.models import Effect, KnownPerson, ambiguous, effect, updates
from cio_tui.segment.outcome.resolve import Resolver, same_email


async def identify(r: Resolver, slug: str, body: dict[str, Any]) -> Effect:
    ids = body.get("identifiers") or {}
    attrs = body.get("attributes") or {}
    if "anonymous_id" in ids or not ids:
        return effect(
            slug,
            "anonymous_identify",
            "Identify with only an anonymous_id: Customer.io's response is unconfirmed (4xx or an anonymous "
            "profile, segment-destinations §8.3).",
        )
    if "cio_id" in ids:
        return await _by_cio_id(r, slug, ids["cio_id"], attrs)
    if "email" in ids:
        return await _by_email(r, slug, ids["email"], attrs)
    return await _by_id(r, slug, ids["id"], attrs)


def _assigns_id(slug: str, lead: KnownPerson, new_id: str, details: list[str] | None = None) -> Effect:
    summary = f"Assigns id {new_id} to lead {lead.label()} (§6.2)."
    return effect(slug, "assigns_id_to_lead", summary, (lead, "lead"), details=details)


async def _by_cio_id(r: Resolver, slug: str, cio_id: str, attrs: dict[str, Any]) -> Effect:
    person = await r.lookup.by_cio_id(cio_id)
    if person is None:
        return effect(slug, "dropped", f"No person has cio_id {cio_id}: Customer.io silently drops the request (§6.1).")
    # A lead has no id: "sets id 'x'" rather than the old value printed as 'None'.
    changes = [
        f"{k} '{getattr(person, k)}' -> '{attrs[k]}'" if getattr(person, k) else f"sets {k} '{attrs[k]}' (had none)"
        for k in ("id", "email")
        if attrs.get(k) and attrs[k] != getattr(person, k)
    ]
    if changes:
        return effect(
            slug,
            "identifier_change",
            f"Changes {', '.join(changes)} on {person.label()} through the cio_ path (§6.3).",
            (person, "updated"),
        )
    return updates(slug, person)


async def _by_email(r: Resolver, slug: str, email: str, attrs: dict[str, Any]) -> Effect:
    details = []
    if r.settings.mode == "id_only":
        details.append(
            "In an id-only workspace email is not an identifier: Customer.io probably rejects "
            "identifiers {email} (unconfirmed)."
        )
    people = await r.lookup.by_email(email)
    new_id = attrs.get("id")
    if not people:
        extra = f" and id {new_id}" if new_id else ""
        return effect(
            slug,
            "creates_person",
            f"Creates a new person with email {email}{extra} (a lead when there is no id).",
            details=details,
        )
    if len(people) > 1:
        summary = f"{len(people)} people share email {email}: the call cannot name one person."
        return ambiguous(slug, people, summary, details)
    person = people[0]
    if new_id and person.id and new_id != person.id:
        return effect(
            slug,
            "id_change_refused",
            f"Would change the id of {person.label()} to '{new_id}': refused without the cio_ path "
            "(failed_attribute_change, §6.3).",
            (person, "unchanged"),
            details=details,
        )
    if new_id and not person.id:
        return _assigns_id(slug, person, new_id, details)
    return updates(slug, person, details)


async def _by_id(r: Resolver, slug: str, user_id: str, attrs: dict[str, Any]) -> Effect:
    by_id = await r.lookup.by_id(user_id)
    email = attrs.get("email") if r.settings.mode == "email_or_id" else None
    email = email if isinstance(email, str) and email else None
    matches = await r.lookup.by_email(email) if email else []
    other = [p for p in matches if by_id is None or p.cio_id != by_id.cio_id]
    body_id = attrs.get("id")
    if by_id is not None and body_id and str(body_id) != user_id:
        return effect(
            slug,
            "id_change_refused",
            f"attributes.id '{body_id}' differs from the identifier '{user_id}': changing the id of "
            f"{by_id.label()} is refused without the cio_ path (failed_attribute_change, §6.3).",
            (by_id, "unchanged"),
        )
    if by_id is None:
        if not matches:
            shown = f" and email {email}" if email else ""
            return effect(slug, "creates_person", f"Creates a new person with id {user_id}{shown}.")
        if len(matches) == 1 and not matches[0].id:
            return _assigns_id(slug, matches[0], user_id)
        if len(matches) == 1:
            return effect(
                slug,
                "id_change_refused",
                f"Email {email} belongs to {matches[0].label()}, which already has an id: "
                f"giving it id {user_id} is refused without cio_ (failed_attribute_change; "
                "§6.1 doc tip, unconfirmed).",
                (matches[0], "unchanged"),
            )
        return ambiguous(slug, matches, f"{len(matches)} people share email {email}: Customer.io cannot pick one.")
    if not email or not other:
        if email and not matches and by_id.email and not same_email(by_id.email, email):
            return _email_change(r, slug, by_id, email)
        return updates(slug, by_id)
    return await _conflict(r, slug, by_id, matches, email)


def _email_change(r: Resolver, slug: str, person: KnownPerson, email: str) -> Effect:
    if r.settings.email_update_by_id:
        return effect(
            slug,
            "email_changed",
            f"Changes the email of {person.label()} to {email} ('Allow updates to email using ID' is on, §6.4).",
            (person, "updated"),
        )
    return effect(
        slug,
        "email_change_refused",
        f"Would change the email of {person.label()} to {email}: refused without the cio_ path or "
        "'Allow updates to email using ID' (failed_attribute_change, §6.3).",
        (person, "unchanged"),
    )


async def _conflict(r: Resolver, slug: str, by_id: KnownPerson, matches: list[KnownPerson], email: str) -> Effect:
    by_email = matches[0]
    people = ((by_id, "conflict (id)"), (by_email, "conflict (email)"))
    between = f"Conflict between cio_{by_id.cio_id} (id) and cio_{by_email.cio_id} (email {email})"
    conditions = len(matches) == 1 and not by_id.email and not by_email.id
    if r.settings.auto_merge and conditions:
        a = await r.lookup.by_cio_id(by_id.cio_id) or by_id
        b = await r.lookup.by_cio_id(by_email.cio_id) or by_email
        if a.created_at is not None and b.created_at is not None:
            primary, secondary = (a, b) if a.created_at <= b.created_at else (b, a)
            order = f"cio_{primary.cio_id} (older) is kept, cio_{secondary.cio_id} is deleted"
        else:
            order = "the older profile is kept and the other deleted"
        return effect(slug, "conflict_auto_merge", f"{between}: auto-merge applies; {order} (§6.5).", *people)
    why = (
        "auto-merge is off"
        if not r.settings.auto_merge
        else "auto-merge needs the id person without an email and the email person without an id"
    )
    return effect(
        slug,
        "conflict_failed",
        f"{between}: {why}, so Customer.io records a failed_attribute_change and nothing is updated (§6.1, §6.5).",
        *people,
    )
