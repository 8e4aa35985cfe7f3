"""Builders of plan operations, one per kind. The only place a planned request is put together.

People are addressed by ``cio_<cio_id>`` whenever they exist (so the write reaches exactly the person who was
checked, even if the id or email changes), through ``Identifier.path_segment()`` and ``Identifier.body()``.
Builders leave ``op_id`` empty; ``Plan.create`` numbers the operations (``op-00001``...).
"""

from __future__ import annotations

from typing import Any

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity.plan import Loss, Operation, OpKind, PersonState, PlannedRequest

MERGE_PATH = "/api/v1/merge_customers"


def customer_path(who: Identifier, suffix: str = "") -> str:
    return f"/api/v1/customers/{who.path_segment()}{suffix}"


def _who(ref: PersonRef) -> str:
    return ref.id or ref.email or f"cio_{ref.cio_id}"


def _identity(ref: PersonRef) -> PersonState:
    """Precondition: the person exists and still holds the identifiers seen when planning."""
    return PersonState(cio_id=ref.cio_id, fields={"id": ref.id, "email": ref.email})


def _wire(value: Any) -> str | None:
    """How the App API shows an attribute value (strings); None when it cannot be predicted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def assign_id(lead: PersonRef, new_id: str) -> Operation:
    """Give an email-only lead an id: ``PUT /api/v1/customers/cio_<cio_id>`` with ``{"id": new_id}``."""
    who = Identifier.cio(lead.cio_id)
    body = {"id": new_id}
    return Operation(
        op_id="",
        kind=OpKind.ASSIGN_ID,
        summary=f"assign id {new_id!r} to lead {lead.email}",
        subject=who,
        attributes=body,
        preconditions=[PersonState(cio_id=lead.cio_id, fields={"id": None, "email": lead.email})],
        request=PlannedRequest(method="PUT", path=customer_path(who), body=body),
        target=[PersonState(cio_id=lead.cio_id, fields={"id": new_id, "email": lead.email})],
    )


def change_identifiers(person: PersonRef, *, new_id: str | None = None, new_email: str | None = None) -> Operation:
    """Change the id and/or email of a person through ``cio_<cio_id>`` (the only path that can change them)."""
    if not new_id and not new_email:
        raise ValueError("change_identifiers needs a new id or a new email")
    who = Identifier.cio(person.cio_id)
    body: dict[str, Any] = {}
    loses: list[Loss] = []
    changes: list[str] = []
    if new_id:
        body["id"] = new_id
        changes.append(f"id {person.id or '(none)'} -> {new_id}")
        if person.id:
            loses.append(Loss(text=f"the old id {person.id!r} stops naming this person", values={"id": person.id}))
    if new_email:
        body["email"] = new_email
        changes.append(f"email {person.email or '(none)'} -> {new_email}")
        if person.email:
            loses.append(
                Loss(text=f"the old email {person.email!r} stops naming this person", values={"email": person.email})
            )
    return Operation(
        op_id="",
        kind=OpKind.CHANGE_ID if new_id else OpKind.CHANGE_EMAIL,
        summary=f"cio_{person.cio_id}: " + ", ".join(changes),
        subject=who,
        attributes=body,
        preconditions=[_identity(person)],
        request=PlannedRequest(method="PUT", path=customer_path(who), body=body),
        loses=loses,
        target=[
            PersonState(cio_id=person.cio_id, fields={"id": new_id or person.id, "email": new_email or person.email})
        ],
    )


def merge(
    primary: PersonRef,
    secondary: PersonRef,
    *,
    primary_person: Person | None = None,
    secondary_person: Person | None = None,
) -> Operation:
    """Merge ``secondary`` into ``primary`` (both by cio_id). The secondary is deleted permanently.

    Pass the full people when known so the conflicting attribute values the secondary loses are listed.
    """
    if primary.cio_id == secondary.cio_id:
        raise ValueError("a person cannot be merged into themselves")
    p, s = Identifier.cio(primary.cio_id), Identifier.cio(secondary.cio_id)
    body = {"primary": p.body(), "secondary": s.body()}
    loses = [
        Loss(
            text=f"{_who(secondary)} (cio_{secondary.cio_id}) is deleted permanently; cannot be undone",
            values={"cio_id": secondary.cio_id, "id": secondary.id, "email": secondary.email},
        )
    ]
    if primary_person is not None and secondary_person is not None:
        conflicts = {
            k: v
            for k, v in secondary_person.attributes.items()
            if v not in (None, "") and primary_person.attributes.get(k) not in (None, "", v)
        }
        if conflicts:
            loses.append(Loss(text="secondary values where the primary already has a different one", values=conflicts))
    kept = {k: v for k, v in (("id", primary.id), ("email", primary.email)) if v}
    return Operation(
        op_id="",
        kind=OpKind.MERGE,
        summary=f"merge {_who(secondary)} (cio_{secondary.cio_id}) into {_who(primary)} (cio_{primary.cio_id})",
        subject=p,
        secondary=s,
        # The primary is checked on the identifiers it holds only: an earlier merge in the same plan may fill its
        # empty ones, which must not make the next merge into it stale.
        preconditions=[PersonState(cio_id=primary.cio_id, fields=kept), _identity(secondary)],
        request=PlannedRequest(method="POST", path=MERGE_PATH, body=body),
        loses=loses,
        target=[PersonState(cio_id=primary.cio_id, fields=kept), PersonState(cio_id=secondary.cio_id, exists=False)],
    )


def delete(person: PersonRef) -> Operation:
    who = Identifier.cio(person.cio_id)
    return Operation(
        op_id="",
        kind=OpKind.DELETE,
        summary=f"delete {_who(person)} (cio_{person.cio_id})",
        subject=who,
        preconditions=[_identity(person)],
        request=PlannedRequest(method="DELETE", path=customer_path(who)),
        loses=[
            Loss(
                text="the person and all their data are deleted; a later identify creates a new, empty person",
                values={"cio_id": person.cio_id, "id": person.id, "email": person.email},
            )
        ],
        target=[PersonState(cio_id=person.cio_id, exists=False)],
    )


def suppress(person: PersonRef) -> Operation:
    who = Identifier.cio(person.cio_id)
    return Operation(
        op_id="",
        kind=OpKind.SUPPRESS,
        summary=f"suppress {_who(person)} (cio_{person.cio_id})",
        subject=who,
        preconditions=[_identity(person)],
        request=PlannedRequest(method="POST", path=customer_path(who, "/suppress")),
        loses=[
            Loss(
                text="the profile is deleted for good and its identifiers are blocked until unsuppressed",
                values={"cio_id": person.cio_id, "id": person.id, "email": person.email},
            )
        ],
        target=[PersonState(cio_id=person.cio_id, exists=False)],
    )


def unsuppress(who: Identifier) -> Operation:
    """Free a suppressed id or email. There is no person to check before or after (the profile is gone)."""
    if who.kind.value == "cio_id":
        raise ValueError("unsuppress takes the suppressed id or email, not a cio_id")
    return Operation(
        op_id="",
        kind=OpKind.UNSUPPRESS,
        summary=f"unsuppress {who.describe()} (the old profile does not come back)",
        subject=who,
        request=PlannedRequest(method="POST", path=customer_path(who, "/unsuppress")),
    )


def unsubscribe(person: PersonRef) -> Operation:
    who = Identifier.cio(person.cio_id)
    body = {"unsubscribed": True}
    return Operation(
        op_id="",
        kind=OpKind.UNSUBSCRIBE,
        summary=f"unsubscribe {_who(person)} (cio_{person.cio_id})",
        subject=who,
        attributes=body,
        preconditions=[_identity(person)],
        request=PlannedRequest(method="PUT", path=customer_path(who), body=body),
        target=[PersonState(cio_id=person.cio_id, fields={"unsubscribed": True})],
    )


def identify(person: PersonRef, attributes: dict[str, Any], *, current: Person | None = None) -> Operation:
    """Set attributes on a person. Identifier changes go through ``change_identifiers`` instead."""
    if not attributes:
        raise ValueError("identify needs at least one attribute")
    if {"id", "email", "cio_id"} & set(attributes):
        raise ValueError("use change_identifiers to change id or email; cio_id never changes")
    who = Identifier.cio(person.cio_id)
    expected = {k: w for k, v in attributes.items() if (w := _wire(v)) is not None}
    loses: list[Loss] = []
    if current is not None:
        old = {k: current.attributes.get(k) for k in attributes if current.attributes.get(k) not in (None, "")}
        old = {k: v for k, v in old.items() if v != expected.get(k)}
        if old:
            loses.append(Loss(text="current values overwritten", values=old))
    return Operation(
        op_id="",
        kind=OpKind.IDENTIFY,
        summary=f"set {', '.join(sorted(attributes))} on {_who(person)}",
        subject=who,
        attributes=dict(attributes),
        preconditions=[_identity(person)],
        request=PlannedRequest(method="PUT", path=customer_path(who), body=dict(attributes)),
        loses=loses,
        target=[PersonState(cio_id=person.cio_id, attributes=expected)],
    )


__all__ = [
    "assign_id",
    "change_identifiers",
    "customer_path",
    "delete",
    "identify",
    "merge",
    "suppress",
    "unsubscribe",
    "unsuppress",
]
