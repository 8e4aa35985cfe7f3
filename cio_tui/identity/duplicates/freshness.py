"""Duplicate groups against the workspace as it is now: after an apply (or any change since the export) a group
whose people were merged away, deleted or given other identifiers must not be planned again as if nothing happened.
"""

from __future__ import annotations

from collections.abc import Iterable

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier, normalize_email
from cio_tui.customerio.models import Person
from cio_tui.identity.duplicates.models import DuplicateGroup, Member


def _change(member: Member, now: Person | None) -> str:
    """How ``member`` differs from the person the workspace has now ("" when they still match)."""
    if now is None:
        return f"cio_{member.cio_id} is no longer in the workspace (merged away or deleted)"
    if (now.id or None) != (member.id or None):
        return f"cio_{member.cio_id}'s id is now {now.id!r} (was {member.id!r})"
    if normalize_email(now.email or "") != normalize_email(member.email or ""):
        return f"cio_{member.cio_id}'s email is now {now.email!r} (was {member.email!r})"
    return ""


async def mark_stale(client: CioClient, groups: Iterable[DuplicateGroup]) -> int:
    """Read every member of ``groups`` live (bulk reads by cio_id) and set ``stale`` on each group one of whose
    people is gone or holds other identifiers; returns how many groups were newly marked."""
    wanted = [g for g in groups if not g.stale]
    cio_ids = sorted({m.cio_id for g in wanted for m in g.members if m.cio_id})
    if not cio_ids:
        return 0
    people = {p.cio_id: p for p in await client.get_people([Identifier.cio(c) for c in cio_ids])}
    marked = 0
    for group in wanted:
        for member in group.members:
            if member.cio_id and (why := _change(member, people.get(member.cio_id))):
                group.stale = why
                marked += 1
                break
    return marked


__all__ = ["mark_stale"]
