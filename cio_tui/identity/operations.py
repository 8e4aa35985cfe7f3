"""Builders of plan operations, one per kind. The only place a planned request is put together.

People are addressed by ``cio_<cio_id>`` whenever they exist (so the write reaches exactly the person who was
checked, even if the id or email changes), through ``Identifier.path_segment()`` and ``Identifier.body()``.
Builders leave ``op_id`` empty; ``Plan.create`` numbers the operations (``op-00001``...).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity.plan import Loss, Operation, OpKind, PersonState, derive_request


def _who(ref: PersonRef) -> str:
    return ref.id or ref.email or f"cio_{ref.cio_id}"


def _named(ref: PersonRef) -> str:
    return f"{_who(ref)} (cio_{ref.cio_id})"


def _identifiers(ref: PersonRef) -> dict[str, str | None]:
    return {"cio_id": ref.cio_id, "id": ref.id, "email": ref.email}


def _identity(ref: PersonRef) -> PersonState:
    """Precondition: the person exists and still holds the identifiers seen when planning."""
    return PersonState(cio_id=ref.cio_id, fields={"id": ref.id, "email": ref.email})


def _wire(value: object) -> str | None:
    """How the App API shows an attribute value (strings); None when it cannot be predicted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return None


def _write(
    person: PersonRef,
    kind: OpKind,
    summary: str,
    *,
    body: dict[str, Any] | None = None,
    preconditions: list[PersonState] | None = None,
    loses: list[Loss] | None = None,
    target: list[PersonState],
) -> Operation:
    """A write to ``cio_<cio_id>`` of ``person`` (a body is also the operation's attributes). Unless other
    ``preconditions`` are given, the person must still hold the identifiers seen when planning."""
    who = Identifier.cio(person.cio_id)
    return Operation(
        op_id="",
        kind=kind,
        summary=summary,
        subject=who,
        attributes=body,
        preconditions=[_identity(person)] if preconditions is None else preconditions,
        request=derive_request(kind, who, None, body),
        loses=loses or [],
        target=target,
    )


def _removal(person: PersonRef, kind: OpKind, loss: str) -> Operation:
    """The profile goes away (delete, suppress): everything it held is lost."""
    return _write(
        person,
        kind,
        f"{kind.value} {_named(person)}",
        loses=[Loss(text=loss, values=_identifiers(person))],
        target=[PersonState(cio_id=person.cio_id, exists=False)],
    )


def assign_id(lead: PersonRef, new_id: str) -> Operation:
    """Give an email-only lead an id: ``PUT /api/v1/customers/cio_<cio_id>`` with ``{"id": new_id}``."""
    return _write(
        lead,
        OpKind.ASSIGN_ID,
        f"assign id {new_id!r} to lead {lead.email}",
        body={"id": new_id},
        preconditions=[PersonState(cio_id=lead.cio_id, fields={"id": None, "email": lead.email})],
        target=[PersonState(cio_id=lead.cio_id, fields={"id": new_id, "email": lead.email})],
    )


def change_identifiers(person: PersonRef, *, new_id: str | None = None, new_email: str | None = None) -> Operation:
    """Change the id and/or email of a person through ``cio_<cio_id>`` (the only path that can change them)."""
    if not new_id and not new_email:
        raise ValueError("change_identifiers needs a new id or a new email")
    body: dict[str, Any] = {}
    loses: list[Loss] = []
    changes: list[str] = []
    for field, new, old in (("id", new_id, person.id), ("email", new_email, person.email)):
        if new:
            body[field] = new
            changes.append(f"{field} {old or '(none)'} -> {new}")
            if old:
                loses.append(Loss(text=f"the old {field} {old!r} stops naming this person", values={field: old}))
    return _write(
        person,
        OpKind.CHANGE_ID if new_id else OpKind.CHANGE_EMAIL,
        f"cio_{person.cio_id}: " + ", ".join(changes),
        body=body,
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
    loses = [Loss(text=f"{_named(secondary)} is deleted permanently; cannot be undone", values=_identifiers(secondary))]
    if primary_person is not None and secondary_person is not None:
        conflicts: dict[str, str | None] = {
            k: v
            for k, v in secondary_person.attributes.items()
            if v not in (None, "") and primary_person.attributes.get(k) not in (None, "", v)
        }
        if conflicts:
            loses.append(Loss(text="secondary values where the primary already has a different one", values=conflicts))
    kept: dict[str, str | bool | None] = {k: v for k, v in (("id", primary.id), ("email", primary.email)) if v}
    return Operation(
        op_id="",
        kind=OpKind.MERGE,
        summary=f"merge {_named(secondary)} into {_named(primary)}",
        subject=p,
        secondary=s,
        # The primary is checked on the identifiers it holds only: an earlier merge in the same plan may fill its
        # empty ones, which must not make the next merge into it stale.
        preconditions=[PersonState(cio_id=primary.cio_id, fields=kept), _identity(secondary)],
        request=derive_request(OpKind.MERGE, p, s, None),
        loses=loses,
        target=[PersonState(cio_id=primary.cio_id, fields=kept), PersonState(cio_id=secondary.cio_id, exists=False)],
    )


def delete(person: PersonRef) -> Operation:
    loss = "the person and all their data are deleted; a later identify creates a new, empty person"
    return _removal(person, OpKind.DELETE, loss)


def suppress(person: PersonRef) -> Operation:
    loss = "the profile is deleted for good and its identifiers are blocked until unsuppressed"
    return _removal(person, OpKind.SUPPRESS, loss)


def unsuppress(who: Identifier) -> Operation:
    """Free a suppressed id or email. There is no person to check before or after (the profile is gone)."""
    if who.kind.value == "cio_id":
        raise ValueError("unsuppress takes the suppressed id or email, not a cio_id")
    return Operation(
        op_id="",
        kind=OpKind.UNSUPPRESS,
        summary=f"unsuppress {who.describe()} (the old profile does not come back)",
        subject=who,
        request=derive_request(OpKind.UNSUPPRESS, who, None, None),
    )


def unsubscribe(person: PersonRef) -> Operation:
    return _write(
        person,
        OpKind.UNSUBSCRIBE,
        f"unsubscribe {_named(person)}",
        body={"unsubscribed": True},
        target=[PersonState(cio_id=person.cio_id, fields={"unsubscribed": True})],
    )


def identify(person: PersonRef, attributes: dict[str, Any], *, current: Person | None = None) -> Operation:
    """Set attributes on a person. Identifier changes go through ``change_identifiers`` instead."""
    if not attributes:
        raise ValueError("identify needs at least one attribute")
    if {"id", "email", "cio_id"} & set(attributes):
        raise ValueError("use change_identifiers to change id or email; cio_id never changes")
    expected = {k: w for k, v in attributes.items() if (w := _wire(v)) is not None}
    loses: list[Loss] = []
    if current is not None:
        old = {k: current.attributes.get(k) for k in attributes if current.attributes.get(k) not in (None, "")}
        old = {k: v for k, v in old.items() if v != expected.get(k)}
        if old:
            loses.append(Loss(text="current values overwritten", values=old))
    return _write(
        person,
        OpKind.IDENTIFY,
        f"set {', '.join(sorted(attributes))} on {_who(person)}",
        body=dict(attributes),
        loses=loses,
        target=[PersonState(cio_id=person.cio_id, attributes=expected)],
    )


def rebuild(op: Operation, people: dict[str, Person]) -> Operation | str:
    """The operation derived afresh by its kind's builder from its subject and attributes and ``people`` as they
    are now (by cio_id), or why none can be (a person it names is gone). ``identity/plan_diff.py`` compares the two.
    A new kind's builder gets its line here."""
    attrs = dict(op.attributes or {})
    if op.kind is OpKind.UNSUPPRESS:
        return unsuppress(op.subject)
    subject = people.get(op.subject.value)
    if subject is None:
        return f"cio_{op.subject.value} does not exist now: a fresh plan would not contain this operation"
    ref = subject.ref
    if op.kind is OpKind.MERGE:
        assert op.secondary is not None
        other = people.get(op.secondary.value)
        if other is None:
            return f"cio_{op.secondary.value} does not exist now: a fresh plan would not contain this merge"
        return merge(ref, other.ref, primary_person=subject, secondary_person=other)
    builders: dict[OpKind, Callable[[], Operation]] = {
        OpKind.ASSIGN_ID: lambda: assign_id(ref, str(attrs.get("id"))),
        OpKind.CHANGE_ID: lambda: change_identifiers(ref, new_id=attrs.get("id"), new_email=attrs.get("email")),
        OpKind.CHANGE_EMAIL: lambda: change_identifiers(ref, new_email=attrs.get("email")),
        OpKind.DELETE: lambda: delete(ref),
        OpKind.SUPPRESS: lambda: suppress(ref),
        OpKind.UNSUBSCRIBE: lambda: unsubscribe(ref),
        OpKind.IDENTIFY: lambda: identify(ref, attrs, current=subject),
    }
    try:
        fresh = builders[op.kind]()
    except ValueError as exc:
        return f"cio-tui would not plan this operation: {exc}"
    return fresh


__all__ = [
    "assign_id",
    "change_identifiers",
    "delete",
    "identify",
    "merge",
    "rebuild",
    "suppress",
    "unsubscribe",
    "unsuppress",
]
