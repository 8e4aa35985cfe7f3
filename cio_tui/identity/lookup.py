"""``ClientPeopleLookup``: the segment layer's read-only ``PeopleLookup`` over a ``CustomerIOClient`` (App API).

Used by ``cio-tui preview`` and the TUI Preview screen to predict outcomes. Reads only; results are cached per
instance so one preview does not ask twice for the same person.
"""

from __future__ import annotations

from typing import Any

from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.segment.outcome import KnownPerson, WorkspaceSettings


def _known(person: Person | PersonRef) -> KnownPerson:
    created = person.created_at if isinstance(person, Person) else None
    return KnownPerson(cio_id=person.cio_id, id=person.id, email=person.email, created_at=created)


class ClientPeopleLookup:
    def __init__(self, client: Any) -> None:
        self.client = client
        self._cache: dict[tuple[str, str], Any] = {}

    async def _person(self, who: Identifier) -> KnownPerson | None:
        key = (who.kind.value, who.value)
        if key not in self._cache:
            person = await self.client.get_person(who)
            self._cache[key] = _known(person) if person is not None else None
        return self._cache[key]

    async def by_id(self, value: str) -> KnownPerson | None:
        try:
            who = Identifier.id(value)
        except (IdentifierError, ValueError):
            return None  # not a valid id (empty, too long): nobody can have it
        return await self._person(who)

    async def by_cio_id(self, cio_id: str) -> KnownPerson | None:
        try:
            who = Identifier.cio(cio_id)
        except (IdentifierError, ValueError):
            return None
        return await self._person(who)

    async def by_email(self, email: str) -> list[KnownPerson]:
        key = ("email-list", email.strip().lower())
        if key not in self._cache:
            refs = await self.client.customers_by_email(email)
            self._cache[key] = [_known(ref) for ref in refs]
        return list(self._cache[key])


def outcome_settings(workspace: Any, settings: Any = None, **overrides: Any) -> WorkspaceSettings:
    """The workspace behaviour predictions assume: the sandbox's own settings (read from its database) when the
    workspace is the embedded sandbox, else Customer.io's documented defaults; ``overrides`` (not None) win.
    Reads a file for the sandbox: call it off the event loop (``asyncio.to_thread``) in the TUI."""
    flags: dict[str, Any] = {}
    if getattr(workspace, "is_sandbox", False) and settings is not None:
        try:
            from cio_tui.sandbox.info import workspace_info
            from cio_tui.workspace import sandbox_db_path

            info = workspace_info(sandbox_db_path(settings))
            flags = {k: info[k] for k in ("mode", "auto_merge", "email_update_by_id") if k in info}
        except Exception:  # best effort: an unreadable sandbox db falls back to the defaults
            flags = {}
    flags.update({k: v for k, v in overrides.items() if v is not None})
    return WorkspaceSettings(**flags)
