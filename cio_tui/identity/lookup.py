"""``ClientPeopleLookup``: the segment layer's read-only ``PeopleLookup`` over a ``CustomerIOClient`` (App API).

Used by ``cio-tui preview`` and the TUI Preview screen to fill the what-if copy the engine predicts outcomes on.
Reads only; results are cached per
instance so one preview does not ask twice for the same person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.segment.outcome import KnownPerson, WorkspaceSettings


def _known(person: Person | PersonRef) -> KnownPerson:
    if isinstance(person, Person):
        return KnownPerson(cio_id=person.cio_id, id=person.id, email=person.email, created_at=person.created_at,
                           attributes=dict(person.attributes), unsubscribed=person.unsubscribed)
    return KnownPerson(cio_id=person.cio_id, id=person.id, email=person.email)


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
            people = []
            for ref in refs:  # the email lookup has no attributes or created_at: read each person
                people.append(await self.by_cio_id(ref.cio_id) or _known(ref))
            self._cache[key] = people
        return list(self._cache[key])


_KEYS = ("mode", "auto_merge", "email_update_by_id")
_LABELS = {"mode": "identifier mode", "auto_merge": "auto-merge", "email_update_by_id": "email updates by id"}
SOURCE_WORDS = {
    "flags": "set by the command-line flags",
    "sandbox": "the sandbox's own settings",
    "walkthrough": "recorded in the Walkthrough, step 2",
    "defaults": "defaults: not recorded yet — record them in Walkthrough step 2",
}


@dataclass(frozen=True)
class ChosenSettings:
    """The settings a prediction assumes, where each came from (``flags`` | ``sandbox`` | ``walkthrough`` |
    ``defaults``, per key) and the sentence that says so."""

    settings: WorkspaceSettings
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The one source of all three settings, or ``mixed``."""
        found = set(self.sources.values())
        return found.pop() if len(found) == 1 else "mixed"

    @property
    def note(self) -> str:
        s = self.settings
        mode = "an id-only" if s.mode == "id_only" else "an email-or-id"
        what = (
            f"{mode} workspace with auto-merge {'on' if s.auto_merge else 'off'} and email updates by id "
            f"{'allowed' if s.email_update_by_id else 'not allowed'}"
        )
        if self.source != "mixed":
            return f"Assuming {what} ({SOURCE_WORDS[self.source]})."
        groups: dict[str, list[str]] = {}
        for key in _KEYS:
            groups.setdefault(self.sources[key], []).append(_LABELS[key])
        parts = [f"{' and '.join(labels)}: {SOURCE_WORDS[src]}" for src, labels in groups.items()]
        return f"Assuming {what} ({'; '.join(parts)})."


def choose_settings(
    workspace: Any, settings: Any = None, *, recorded: dict[str, Any] | None = None, **overrides: Any
) -> ChosenSettings:
    """The workspace behaviour predictions assume, per key: explicit ``overrides`` (CLI flags, not None) > the
    sandbox's own settings (``Workspace.own_settings``, the embedded sandbox only) > ``recorded`` (the operator's
    Walkthrough step-2 record, see ``cio_tui.walkthrough.recorded``) > Customer.io's documented defaults.
    Reads a file for the sandbox: call it off the event loop (``asyncio.to_thread``) in the TUI."""
    layers: list[tuple[str, dict[str, Any]]] = [("flags", {k: v for k, v in overrides.items() if v is not None})]
    own = getattr(workspace, "own_settings", None)
    if getattr(workspace, "is_sandbox", False) and own is not None:
        layers.append(("sandbox", own()))
    layers.append(("walkthrough", {k: v for k, v in (recorded or {}).items() if v is not None}))
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key in _KEYS:
        for name, layer in layers:
            if key in layer:
                values[key], sources[key] = layer[key], name
                break
        else:
            sources[key] = "defaults"
    return ChosenSettings(WorkspaceSettings(**values), sources)


def outcome_settings(
    workspace: Any, settings: Any = None, *, recorded: dict[str, Any] | None = None, **overrides: Any
) -> WorkspaceSettings:
    """``choose_settings(...).settings``: the settings alone."""
    return choose_settings(workspace, settings, recorded=recorded, **overrides).settings
