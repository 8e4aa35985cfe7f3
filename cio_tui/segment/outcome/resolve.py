"""Resolution of the identifiers of an Actions request into the people of the workspace, read-only, through a
``PeopleLookup`` (customerio-api.md section 6.1: an identifier is an ``id``, an ``email`` or a ``cio_id``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cio_tui.segment.outcome.models import KnownPerson, PeopleLookup, WorkspaceSettings


def same_email(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().lower() == b.strip().lower()  # type: ignore[union-attr]


@dataclass(frozen=True)
class Resolver:
    """What the builders read: the people (``lookup``) and the settings that change how identifiers resolve."""

    lookup: PeopleLookup
    settings: WorkspaceSettings

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
