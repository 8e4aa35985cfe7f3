"""The identity card of one person: identifiers, attributes, devices, segments, recent activity.

Used by ``cio-tui person`` and the TUI People screen. ``build_card`` reads only; the reads after the person lookup
run concurrently (the client's rate limiter keeps them within the App API budget).

Email lookups go through ``GET /v1/customers?email=`` first: it works in every workspace mode, and in ID-only
workspaces (where email is not unique) it reveals the other people sharing the address (``others``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from pydantic import BaseModel, Field

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import PermissionDeniedError
from cio_tui.customerio.identifiers import Identifier, IdKind
from cio_tui.customerio.models import Activity, Message, Person, PersonRef, SegmentRef

FLAGGED_TYPES: dict[str, str] = {
    "failed_attribute_change": "failed attribute change",
    "profile_merge": "profile merge",
}
RECENT_LIMIT = 20
FLAGGED_LIMIT = 10

T = TypeVar("T")


class CardActivity(Activity):
    """An activity as the card shows it; ``flag`` names the types that matter for identity repair."""

    flag: str | None = None

    @property
    def flagged(self) -> bool:
        return self.flag is not None


class IdentityCard(BaseModel):
    lookup: Identifier
    """What the operator asked for."""
    lookup_used: Identifier
    """The identifier the reads used (the person's cio_id once found)."""
    person: Person
    segments: list[SegmentRef] = Field(default_factory=list)
    activities: list[CardActivity] = Field(default_factory=list)
    """Recent activities, newest first, plus every recent failed_attribute_change and profile_merge."""
    messages: list[Message] | None = None
    """Recent messages, or None when not requested or not readable with this key."""
    others: list[PersonRef] = Field(default_factory=list)
    """Other people with the same email (ID-only workspaces)."""
    warnings: list[str] = Field(default_factory=list)

    @property
    def flagged(self) -> list[CardActivity]:
        return [a for a in self.activities if a.flagged]

    @property
    def other_attributes(self) -> dict[str, object]:
        """The attributes besides the identifiers (shown on lines of their own), by name: what both the app's card
        and ``cio-tui person`` count, so the two say the same number."""
        return {k: v for k, v in sorted(self.person.attributes.items()) if k not in IDENTIFIER_ATTRIBUTES}

    @property
    def attributes_count(self) -> str:
        return f"{len(self.other_attributes)} besides id, email and cio_id"


IDENTIFIER_ATTRIBUTES = frozenset({"id", "email", "cio_id"})


def _card_activity(activity: Activity) -> CardActivity:
    return CardActivity(**activity.model_dump(), flag=FLAGGED_TYPES.get(activity.type))


def merge_activities(*groups: list[Activity]) -> list[CardActivity]:
    """Union by id, newest first, with flags set."""
    seen: dict[str, Activity] = {}
    for group in groups:
        for activity in group:
            seen.setdefault(activity.id, activity)
    ordered = sorted(seen.values(), key=lambda a: (a.timestamp, a.id), reverse=True)
    return [_card_activity(a) for a in ordered]


async def _optional(coro: Awaitable[T], what: str, warnings: list[str], default: T) -> T:
    """Read something the card can live without: a scoped key that may not read it becomes a warning."""
    try:
        return await coro
    except PermissionDeniedError:
        warnings.append(f"the App API key may not read {what}")
        return default


async def find_person(client: CioClient, who: Identifier) -> tuple[Person | None, list[PersonRef]]:
    """(person, others with the same email). Email lookups resolve to a cio_id first."""
    if who.kind is IdKind.EMAIL:
        refs = await client.customers_by_email(who.value)
        if not refs:
            return None, []
        primary = refs[0]
        person = await client.get_person(Identifier.cio(primary.cio_id))
        return person, refs[1:]
    return await client.get_person(who), []


async def build_card(
    client: CioClient, who: Identifier, *, with_messages: bool = True, activity_limit: int = RECENT_LIMIT
) -> IdentityCard | None:
    """The identity card of ``who``, or None when no such person exists."""
    person, others = await find_person(client, who)
    if person is None:
        return None
    used = Identifier.cio(person.cio_id)
    warnings: list[str] = []
    if others:
        warnings.append(
            f"{len(others) + 1} people share this email; showing the first (cio_{person.cio_id}). "
            "Look the others up by cio_id"
        )
    segments, recent, failed, merges, messages = await asyncio.gather(
        _optional(client.segments(used), "segments", warnings, []),
        _optional(client.activities(used, limit=activity_limit), "activities", warnings, []),
        _optional(
            client.activities(used, activity_type="failed_attribute_change", limit=FLAGGED_LIMIT),
            "activities",
            warnings,
            [],
        ),
        _optional(
            client.activities(used, activity_type="profile_merge", limit=FLAGGED_LIMIT), "activities", warnings, []
        ),
        _optional(client.messages(used, limit=10), "messages", warnings, None) if with_messages else _none(),
    )
    return IdentityCard(
        lookup=who,
        lookup_used=used,
        person=person,
        segments=segments,
        activities=merge_activities(recent, failed, merges),
        messages=messages,
        others=others,
        warnings=sorted(set(warnings), key=warnings.index),
    )


async def _none() -> None:
    return None


__all__ = ["CardActivity", "IdentityCard", "build_card", "find_person", "merge_activities", "FLAGGED_TYPES"]
