"""``ClientPeopleLookup``: the segment layer's read-only ``PeopleLookup`` over a ``CustomerIOClient`` (App API).

Used by ``cio-tui preview`` and the TUI Preview screen to fill the what-if copy the engine predicts outcomes on.
Reads only; results are cached per
instance so one preview does not ask twice for the same person.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import InvalidInputError, NotFoundError
from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.segment.outcome import KnownPerson, WorkspaceSettings

if TYPE_CHECKING:
    from cio_tui.config import Settings
    from cio_tui.model.settings import Mode


def _known(person: Person | PersonRef) -> KnownPerson:
    if isinstance(person, Person):
        return KnownPerson(
            cio_id=person.cio_id,
            id=person.id,
            email=person.email,
            created_at=person.created_at,
            attributes=dict(person.attributes),
            unsubscribed=person.unsubscribed,
        )
    return KnownPerson(cio_id=person.cio_id, id=person.id, email=person.email)


EMAILS_PER_SEARCH = 50


class ClientPeopleLookup:
    def __init__(self, client: CioClient) -> None:
        self.client = client
        self._cache: dict[tuple[str, str], Any] = {}

    async def _person(self, who: Identifier) -> KnownPerson | None:
        key = (who.kind.value, who.value)
        if key not in self._cache:
            person = await self.client.get_person(who)
            self._cache[key] = _known(person) if person is not None else None
        known: KnownPerson | None = self._cache[key]
        return known

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
            # the email lookup has no attributes or created_at: read the people (100 per request)
            await self.many("cio_id", [r.cio_id for r in refs if ("cio_id", r.cio_id) not in self._cache])
            self._cache[key] = [self._cache.get(("cio_id", r.cio_id)) or _known(r) for r in refs]
        return list(self._cache[key])

    async def many_emails(self, emails: list[str]) -> list[KnownPerson]:
        """The people holding ``emails``: one search per 50 emails (``or`` of ``email eq``) instead of one lookup
        each (the App API allows 10 requests a second), then their attributes 100 at a time."""
        todo = [e for e in dict.fromkeys(e.strip().lower() for e in emails) if ("email-list", e) not in self._cache]
        for start in range(0, len(todo), EMAILS_PER_SEARCH):
            chunk = todo[start : start + EMAILS_PER_SEARCH]
            audience = {"or": [{"attribute": {"field": "email", "operator": "eq", "value": e}} for e in chunk]}
            try:
                refs = [ref async for ref in self.client.iter_search(audience)]
            except (InvalidInputError, NotFoundError):  # a workspace refusing the combined filter: one by one
                for email in chunk:
                    await self.by_email(email)
                continue
            await self.many("cio_id", [r.cio_id for r in refs])
            holders: dict[str, list[KnownPerson]] = {e: [] for e in chunk}
            for ref in refs:
                email = (ref.email or "").strip().lower()
                if email in holders:
                    holders[email].append(self._cache.get(("cio_id", ref.cio_id)) or _known(ref))
            for email, people in holders.items():
                self._cache[("email-list", email)] = people
        found = [p for e in dict.fromkeys(e.strip().lower() for e in emails) for p in self._cache[("email-list", e)]]
        return list({p.cio_id: p for p in found}.values())

    async def many(self, kind: str, values: list[str]) -> list[KnownPerson]:
        """The people ``values`` of one kind (``id`` or ``cio_id``) name, read 100 at a time (App bulk reads)."""
        make = Identifier.id if kind == "id" else Identifier.cio
        wanted: list[Identifier] = []
        for value in dict.fromkeys(values):
            if (kind, value) in self._cache:
                continue
            try:
                wanted.append(make(value))
            except (IdentifierError, ValueError):
                self._cache[(kind, value)] = None  # not a valid identifier: nobody can have it
        if wanted:
            for person in await self.client.get_people(wanted):
                known = _known(person)
                self._cache[("cio_id", known.cio_id)] = known
                if known.id is not None:
                    self._cache[("id", known.id)] = known
            for who in wanted:
                self._cache.setdefault((kind, who.value), None)
        found = [self._cache.get((kind, v)) for v in values]
        return [p for p in found if p is not None]


_KEYS = ("mode", "auto_merge", "email_update_by_id")
# settings only the sandbox records (a live workspace's are its defaults): phone identifiers, anonymous merging,
# the ordering of v2 updates by timestamp
_SANDBOX_ONLY = ("phone_identifiers", "anonymous_merge", "ignore_older_updates")
_LABELS = {"mode": "identifier mode", "auto_merge": "auto-merge", "email_update_by_id": "email updates by id"}


def source_words(source: str, recorded_step: int | None = None) -> str:
    """Where a setting came from, in words. ``recorded_step`` is the number of the Walkthrough step that records
    the identifier settings (the walkthrough layer, which owns the step list, passes it; this layer sits below)."""
    step = f" step {recorded_step}" if recorded_step is not None else ""
    return {
        "flags": "set by the command-line flags",
        "sandbox": "the sandbox's own settings",
        "walkthrough": f"recorded in the Walkthrough,{step}" if step else "recorded in the Walkthrough",
        "defaults": f"defaults: not recorded yet — record them in Walkthrough{step}",
    }[source]


@dataclass(frozen=True)
class ChosenSettings:
    """The settings a prediction assumes, where each came from (``flags`` | ``sandbox`` | ``walkthrough`` |
    ``defaults``, per key) and the sentence that says so."""

    settings: WorkspaceSettings
    sources: dict[str, str] = field(default_factory=dict)
    recorded_step: int | None = None
    """The Walkthrough step that records these settings, for the words (``source_words``)."""

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
            return f"Assuming {what} ({source_words(self.source, self.recorded_step)})."
        groups: dict[str, list[str]] = {}
        for key in _KEYS:
            groups.setdefault(self.sources[key], []).append(_LABELS[key])
        parts = [f"{' and '.join(labels)}: {source_words(src, self.recorded_step)}" for src, labels in groups.items()]
        return f"Assuming {what} ({'; '.join(parts)})."


class SettingsOverrides(TypedDict, total=False):
    """What the operator's flags may set (None: not given)."""

    mode: Mode | None
    auto_merge: bool | None
    email_update_by_id: bool | None


def choose_settings(
    workspace: WorkspaceView,
    settings: Settings | None = None,
    *,
    recorded: Mapping[str, object] | None = None,
    recorded_step: int | None = None,
    **overrides: Unpack[SettingsOverrides],
) -> ChosenSettings:
    """The workspace behaviour predictions assume, per key: explicit ``overrides`` (CLI flags, not None) > the
    sandbox's own settings (``Workspace.own_settings``, the embedded sandbox only) > ``recorded`` (the operator's
    record in the Walkthrough step ``recorded_step``, see ``cio_tui.walkthrough.recorded``) > Customer.io's
    documented defaults.
    Reads a file for the sandbox: call it off the event loop (``asyncio.to_thread``) in the TUI."""
    layers: list[tuple[str, Mapping[str, object]]] = [("flags", {k: v for k, v in overrides.items() if v is not None})]
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
    for name, layer in layers:
        if name == "sandbox":
            values.update({k: layer[k] for k in _SANDBOX_ONLY if k in layer})
    return ChosenSettings(WorkspaceSettings(**values), sources, recorded_step)


def outcome_settings(
    workspace: WorkspaceView,
    settings: Settings | None = None,
    *,
    recorded: Mapping[str, object] | None = None,
    **overrides: Unpack[SettingsOverrides],
) -> WorkspaceSettings:
    """``choose_settings(...).settings``: the settings alone."""
    return choose_settings(workspace, settings, recorded=recorded, **overrides).settings
