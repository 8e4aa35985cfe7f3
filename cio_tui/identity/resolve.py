"""One person from what the operator typed: a cio_id (with or without ``cio_``), an id or an email.

Read-only. An email several people share (an id-only workspace, or duplicates) is not guessed: the operator is told
who holds it and picks by cio_id. A value shaped like a cio_id that no id names is tried as a cio_id (operators
often paste one without its prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from cio_tui.customerio.identifiers import Identifier, IdentifierError, IdKind
from cio_tui.customerio.models import Person, PersonRef


class PersonReader(Protocol):
    async def get_person(self, who: Identifier) -> Person | None: ...
    async def customers_by_email(self, email: str) -> list[PersonRef]: ...


class NotResolved(ValueError):
    """Nobody, or not one person: the message says who was looked for and what to do."""


@dataclass(frozen=True)
class Resolved:
    person: Person
    how: str  # "cio_id" | "id" | "email": what the text was read as


def cio_id_fallback(who: Identifier) -> Identifier | None:
    """The cio_id an auto-detected id may be when no person has that id: operators often paste a cio_id without its
    ``cio_`` prefix. The one rule for the People area, Identifiers and ``cio-tui person``."""
    if who.kind is IdKind.ID and re.fullmatch(r"[A-Za-z0-9]+", who.value):
        return Identifier.cio(who.value)
    return None


async def resolve_person(client: PersonReader, text: str) -> Resolved:
    raw = text.strip()
    if not raw:
        raise NotResolved("Type a cio_id (with or without cio_), an id or an email, then press Enter.")
    try:
        who = Identifier.detect(raw)
    except (IdentifierError, ValueError) as exc:
        raise NotResolved(f"{raw!r} is not a cio_id, an id or an email ({exc}).") from None
    if who.kind is IdKind.EMAIL:
        refs = await client.customers_by_email(who.value)
        holders = list(dict.fromkeys(r.cio_id for r in refs))
        if len(holders) > 1:
            shown = ", ".join(f"cio_{c}" for c in holders[:5])
            raise NotResolved(
                f"{len(holders)} people have the email {who.value} ({shown}): type the cio_id of the one to change."
            )
        person = await client.get_person(Identifier.cio(holders[0])) if holders else None
    else:
        person = await client.get_person(who)
        as_cio = cio_id_fallback(who) if person is None else None
        if as_cio is not None:
            person = await client.get_person(as_cio)
            if person is not None:
                return Resolved(person, "cio_id")
    if person is None:
        raise NotResolved(f"No person has the {who.kind.value} {who.value} in this workspace. Check it in People (2).")
    return Resolved(person, who.kind.value)


__all__ = ["NotResolved", "Resolved", "cio_id_fallback", "resolve_person"]
