"""Read-only prediction of what the Actions requests of one call would do to the people of a workspace.

Identifiers are resolved the way Customer.io does (customerio-api.md section 6): identify by path/body identifiers
(6.1), lead conversion (6.2), identifier changes only through ``cio_`` (6.3, 6.4), the two-people conflict and its
auto-merge conditions (6.5), merge (6.6). Reads go through a ``PeopleLookup``; nothing is ever written. Each call
is predicted against the workspace as it is now (``preview.with_outcomes`` recognises people created earlier in the
same paste).
"""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from cio_tui.segment.wire import ActionRequest


class KnownPerson(BaseModel):
    cio_id: str
    id: str | None = None
    email: str | None = None
    created_at: int | None = None

    def label(self) -> str:
        names = [f"id {self.id}" if self.id else "", f"email {self.email}" if self.email else ""]
        shown = ", ".join(n for n in names if n) or "no id or email"
        return f"cio_{self.cio_id} ({shown})"


class PeopleLookup(Protocol):
    async def by_id(self, value: str) -> KnownPerson | None: ...
    async def by_email(self, email: str) -> list[KnownPerson]: ...
    async def by_cio_id(self, cio_id: str) -> KnownPerson | None: ...


class WorkspaceSettings(BaseModel):
    mode: Literal["email_or_id", "id_only"] = "email_or_id"
    auto_merge: bool = True
    email_update_by_id: bool = False


class PersonMention(BaseModel):
    cio_id: str
    role: str  # e.g. "updated", "lead", "conflict", "primary", "secondary", "deleted", "event target"
    id: str | None = None
    email: str | None = None


class Effect(BaseModel):
    action: str
    kind: str
    summary: str
    people: list[PersonMention] = Field(default_factory=list)
    details: list[str] = Field(default_factory=list)


class Outcome(BaseModel):
    summary: str
    effects: list[Effect] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)

    @property
    def cio_ids(self) -> list[str]:
        return list(dict.fromkeys(p.cio_id for e in self.effects for p in e.people))

    def to_json(self) -> dict[str, Any]:
        return {**self.model_dump(mode="json"), "cio_ids": self.cio_ids}


ASSUMPTIONS = [
    "Each call is predicted against the workspace as it is now; of the earlier calls in the paste only the people "
    "they create are taken into account.",
    "Track v2 identify is assumed to resolve like v1 PUT /customers/{id} with the email in the body "
    "(customerio-api.md §4, unconfirmed).",
]


def _mention(person: KnownPerson, role: str) -> PersonMention:
    return PersonMention(cio_id=person.cio_id, role=role, id=person.id, email=person.email)


def _same_email(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().lower() == b.strip().lower()  # type: ignore[union-attr]


class _Predictor:
    def __init__(self, lookup: PeopleLookup, settings: WorkspaceSettings) -> None:
        self.lookup = lookup
        self.settings = settings

    async def find(self, identifiers: dict[str, Any] | None) -> tuple[str, list[KnownPerson]]:
        """(description of the identifier, people it names now)."""
        if not identifiers:
            return "no identifier", []
        kind, value = next(iter(identifiers.items()))
        if kind == "id":
            found = await self.lookup.by_id(value)
            return f"id {value}", [found] if found else []
        if kind == "email":
            return f"email {value}", await self.lookup.by_email(value)
        if kind == "cio_id":
            found = await self.lookup.by_cio_id(value)
            return f"cio_{value}", [found] if found else []
        return f"{kind} {value}", []

    async def predict(self, request: ActionRequest) -> Effect:
        body = request.body if isinstance(request.body, dict) else {}
        kind = (body.get("type"), body.get("action"))
        if request.path.endswith("/metrics"):
            return Effect(action=request.action, kind="metrics", summary="Records a delivery metric; nobody changes.")
        if kind == ("person", "identify"):
            return await self.identify(request.action, body)
        if kind == ("person", "merge"):
            return await self.merge(request.action, body)
        if body.get("type") == "object":
            return await self.object(request.action, body)
        return await self.person_op(request.action, body)

    # -- identify (6.1 - 6.5) -----------------------------------------------------------------------------
    async def identify(self, slug: str, body: dict[str, Any]) -> Effect:
        ids = body.get("identifiers") or {}
        attrs = body.get("attributes") or {}
        if "anonymous_id" in ids or not ids:
            return Effect(
                action=slug,
                kind="anonymous_identify",
                summary=(
                    "Identify with only an anonymous_id: Customer.io's response is unconfirmed (4xx or an anonymous "
                    "profile, segment-destinations §8.3)."
                ),
            )
        if "cio_id" in ids:
            return await self._identify_cio(slug, ids["cio_id"], attrs)
        if "email" in ids:
            return await self._identify_email(slug, ids["email"], attrs)
        return await self._identify_id(slug, ids["id"], attrs)

    async def _identify_cio(self, slug: str, cio_id: str, attrs: dict[str, Any]) -> Effect:
        person = await self.lookup.by_cio_id(cio_id)
        if person is None:
            return Effect(
                action=slug,
                kind="dropped",
                summary=(f"No person has cio_id {cio_id}: Customer.io silently drops the request (§6.1)."),
            )
        changes = [
            f"{k} '{getattr(person, k)}' -> '{attrs[k]}'"
            for k in ("id", "email")
            if attrs.get(k) and attrs[k] != getattr(person, k)
        ]
        if changes:
            return Effect(
                action=slug,
                kind="identifier_change",
                people=[_mention(person, "updated")],
                summary=(f"Changes {', '.join(changes)} on {person.label()} through the cio_ path (§6.3)."),
            )
        return Effect(
            action=slug,
            kind="updates_person",
            summary=f"Updates {person.label()}.",
            people=[_mention(person, "updated")],
        )

    async def _identify_email(self, slug: str, email: str, attrs: dict[str, Any]) -> Effect:
        details = []
        if self.settings.mode == "id_only":
            details.append(
                "In an id-only workspace email is not an identifier: Customer.io probably rejects "
                "identifiers {email} (unconfirmed)."
            )
        people = await self.lookup.by_email(email)
        new_id = attrs.get("id")
        if not people:
            extra = f" and id {new_id}" if new_id else ""
            return Effect(
                action=slug,
                kind="creates_person",
                details=details,
                summary=(f"Creates a new person with email {email}{extra} (a lead when there is no id)."),
            )
        if len(people) > 1:
            return Effect(
                action=slug,
                kind="ambiguous",
                details=details,
                people=[_mention(p, "same email") for p in people],
                summary=(f"{len(people)} people share email {email}: the call cannot name one person."),
            )
        person = people[0]
        if new_id and person.id and new_id != person.id:
            return Effect(
                action=slug,
                kind="id_change_refused",
                people=[_mention(person, "unchanged")],
                summary=(
                    f"Would change the id of {person.label()} to '{new_id}': refused without the cio_ path "
                    "(failed_attribute_change, §6.3)."
                ),
                details=details,
            )
        if new_id and not person.id:
            return Effect(
                action=slug,
                kind="assigns_id_to_lead",
                people=[_mention(person, "lead")],
                details=details,
                summary=f"Assigns id {new_id} to lead {person.label()} (§6.2).",
            )
        return Effect(
            action=slug,
            kind="updates_person",
            summary=f"Updates {person.label()}.",
            people=[_mention(person, "updated")],
            details=details,
        )

    async def _identify_id(self, slug: str, user_id: str, attrs: dict[str, Any]) -> Effect:
        by_id = await self.lookup.by_id(user_id)
        email = attrs.get("email") if self.settings.mode == "email_or_id" else None
        email = email if isinstance(email, str) and email else None
        matches = await self.lookup.by_email(email) if email else []
        other = [p for p in matches if by_id is None or p.cio_id != by_id.cio_id]
        body_id = attrs.get("id")
        if by_id is not None and body_id and str(body_id) != user_id:
            return Effect(
                action=slug,
                kind="id_change_refused",
                people=[_mention(by_id, "unchanged")],
                summary=(
                    f"attributes.id '{body_id}' differs from the identifier '{user_id}': changing the id of "
                    f"{by_id.label()} is refused without the cio_ path (failed_attribute_change, §6.3)."
                ),
            )
        if by_id is None:
            if not matches:
                shown = f" and email {email}" if email else ""
                return Effect(
                    action=slug, kind="creates_person", summary=f"Creates a new person with id {user_id}{shown}."
                )
            if len(matches) == 1 and not matches[0].id:
                return Effect(
                    action=slug,
                    kind="assigns_id_to_lead",
                    people=[_mention(matches[0], "lead")],
                    summary=f"Assigns id {user_id} to lead {matches[0].label()} (§6.2).",
                )
            if len(matches) == 1:
                return Effect(
                    action=slug,
                    kind="id_change_refused",
                    people=[_mention(matches[0], "unchanged")],
                    summary=(
                        f"Email {email} belongs to {matches[0].label()}, which already has an id: "
                        f"giving it id {user_id} is refused without cio_ (failed_attribute_change; "
                        "§6.1 doc tip, unconfirmed)."
                    ),
                )
            return Effect(
                action=slug,
                kind="ambiguous",
                people=[_mention(p, "same email") for p in matches],
                summary=f"{len(matches)} people share email {email}: Customer.io cannot pick one.",
            )
        if not email or not other:
            if email and not matches and by_id.email and not _same_email(by_id.email, email):
                return self._email_change(slug, by_id, email)
            return Effect(
                action=slug,
                kind="updates_person",
                summary=f"Updates {by_id.label()}.",
                people=[_mention(by_id, "updated")],
            )
        return await self._conflict(slug, by_id, matches, email)

    def _email_change(self, slug: str, person: KnownPerson, email: str) -> Effect:
        if self.settings.email_update_by_id:
            return Effect(
                action=slug,
                kind="email_changed",
                people=[_mention(person, "updated")],
                summary=(
                    f"Changes the email of {person.label()} to {email} ('Allow updates to email using ID' is on, §6.4)."
                ),
            )
        return Effect(
            action=slug,
            kind="email_change_refused",
            people=[_mention(person, "unchanged")],
            summary=(
                f"Would change the email of {person.label()} to {email}: refused without the cio_ path or "
                "'Allow updates to email using ID' (failed_attribute_change, §6.3)."
            ),
        )

    async def _conflict(self, slug: str, by_id: KnownPerson, matches: list[KnownPerson], email: str) -> Effect:
        by_email = matches[0]
        people = [_mention(by_id, "conflict (id)"), _mention(by_email, "conflict (email)")]
        conditions = len(matches) == 1 and not by_id.email and not by_email.id
        if self.settings.auto_merge and conditions:
            a = await self.lookup.by_cio_id(by_id.cio_id) or by_id
            b = await self.lookup.by_cio_id(by_email.cio_id) or by_email
            if a.created_at is not None and b.created_at is not None:
                primary, secondary = (a, b) if a.created_at <= b.created_at else (b, a)
                order = f"cio_{primary.cio_id} (older) is kept, cio_{secondary.cio_id} is deleted"
            else:
                order = "the older profile is kept and the other deleted"
            return Effect(
                action=slug,
                kind="conflict_auto_merge",
                people=people,
                summary=(
                    f"Conflict between cio_{by_id.cio_id} (id) and cio_{by_email.cio_id} (email {email}): auto-merge "
                    f"applies; {order} (§6.5)."
                ),
            )
        why = (
            "auto-merge is off"
            if not self.settings.auto_merge
            else ("auto-merge needs the id person without an email and the email person without an id")
        )
        return Effect(
            action=slug,
            kind="conflict_failed",
            people=people,
            summary=(
                f"Conflict between cio_{by_id.cio_id} (id) and cio_{by_email.cio_id} (email {email}): {why}, so "
                "Customer.io records a failed_attribute_change and nothing is updated (§6.1, §6.5)."
            ),
        )

    # -- other person operations ------------------------------------------------------------------------------
    async def person_op(self, slug: str, body: dict[str, Any]) -> Effect:
        ids = body.get("identifiers") or {}
        action = body.get("action")
        if "anonymous_id" in ids:
            return Effect(
                action=slug,
                kind="anonymous_event",
                summary=(
                    f"Anonymous {action} for anonymous_id {ids['anonymous_id']}: kept up to 30 days and joined to the "
                    "person whose identify carries that anonymous_id (anonymous event merging)."
                ),
            )
        label, people = await self.find(ids)
        person = people[0] if len(people) == 1 else None
        if len(people) > 1:
            return Effect(
                action=slug,
                kind="ambiguous",
                people=[_mention(p, "same email") for p in people],
                summary=f"{label} names {len(people)} people: the call cannot name one person.",
            )
        texts = {
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
        if action in texts:
            kind, found_text, missing_text = texts[action]
            if person is None:
                return Effect(action=slug, kind=f"{kind}_no_person", summary=missing_text.format(l=label))
            return Effect(
                action=slug,
                kind=kind,
                people=[_mention(person, str(action))],
                summary=found_text.format(p=person.label(), l=label),
            )
        if person is None:
            return Effect(
                action=slug,
                kind="event_creates_person",
                summary=(f"Nobody has {label} yet: the {action} creates that person (unconfirmed for events)."),
            )
        return Effect(
            action=slug,
            kind="event_on_person",
            people=[_mention(person, "event target")],
            summary=f"The {action} lands on {person.label()}.",
        )

    async def merge(self, slug: str, body: dict[str, Any]) -> Effect:
        p_label, primary = await self.find(body.get("primary"))
        s_label, secondary = await self.find(body.get("secondary"))
        if len(primary) != 1:
            return Effect(
                action=slug,
                kind="merge_does_nothing",
                people=[_mention(p, "secondary") for p in secondary],
                summary=f"The primary ({p_label}) does not exist: the merge does nothing (§6.6).",
            )
        if len(secondary) != 1:
            return Effect(
                action=slug,
                kind="merge_does_nothing",
                people=[_mention(primary[0], "primary")],
                summary=f"Nobody has {s_label}: there is nothing to merge into {primary[0].label()}.",
            )
        if primary[0].cio_id == secondary[0].cio_id:
            return Effect(
                action=slug,
                kind="merge_does_nothing",
                people=[_mention(primary[0], "primary")],
                summary=f"{p_label} and {s_label} are the same person: nothing to merge.",
            )
        return Effect(
            action=slug,
            kind="merges_people",
            people=[_mention(primary[0], "primary"), _mention(secondary[0], "secondary (deleted)")],
            summary=(
                f"Merges {secondary[0].label()} into {primary[0].label()}; the secondary is deleted permanently (§6.6)."
            ),
        )

    async def object(self, slug: str, body: dict[str, Any]) -> Effect:
        ids = body.get("identifiers") or {}
        obj = f"object {ids.get('object_id')} (type {ids.get('object_type_id')})"
        if body.get("action") == "delete":
            return Effect(action=slug, kind="object_deleted", summary=f"Deletes {obj}.")
        rel = (body.get("cio_relationships") or [{}])[0].get("identifiers") or {}
        if "anonymous_id" in rel:
            target, people = f"anonymous_id {rel['anonymous_id']}", []
        else:
            label, found = await self.find(rel)
            people = [_mention(found[0], "related")] if len(found) == 1 else []
            target = found[0].label() if len(found) == 1 else f"{label} (nobody has it yet)"
        if body.get("action") == "delete_relationships":
            return Effect(
                action=slug,
                kind="relationship_deleted",
                people=people,
                summary=f"Removes the relationship between {obj} and {target}.",
            )
        tail = f" and relates it to {target}" if rel else ""
        return Effect(action=slug, kind="object_updated", people=people, summary=f"Creates or updates {obj}{tail}.")


async def predict_outcome(
    requests: list[ActionRequest], lookup: PeopleLookup, settings: WorkspaceSettings | None = None
) -> Outcome:
    """What the Actions requests of one call would do in the workspace behind ``lookup`` (read-only)."""
    predictor = _Predictor(lookup, settings or WorkspaceSettings())
    effects = [await predictor.predict(r) for r in requests]
    if not effects:
        return Outcome(summary="Actions sends nothing for this call, so nothing changes.", assumptions=ASSUMPTIONS)
    return Outcome(summary=" ".join(e.summary for e in effects), effects=effects, assumptions=ASSUMPTIONS)
