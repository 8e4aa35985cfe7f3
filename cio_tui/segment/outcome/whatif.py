"""The what-if copy: the people a set of requests can touch, read (read-only) from the workspace into memory, and
the engine (``cio_tui.model.Engine``) executing the requests there, in order.

``WhatIf.load(requests)`` reads every person an identifier in the requests names (by id, email and cio_id, through
a ``PeopleLookup``); ``WhatIf.run(request)`` executes one request and answers one ``Effect`` per operation. Nothing
is ever sent to the workspace but reads.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from cio_tui.model import Engine, MemoryStorage, Person, Result, WorkspaceSettings
from cio_tui.model.validation import looks_like_email
from cio_tui.segment.outcome.models import Effect, KnownPerson, PeopleLookup
from cio_tui.segment.outcome.words import effect_of
from cio_tui.segment.wire import HttpRequest

_RESERVED = {"id", "email", "cio_id", "created_at", "unsubscribed"}
_PARALLEL = 8  # reads in flight at once (the client's rate limiter still applies)


def identifiers_in(request: HttpRequest) -> set[tuple[str, str]]:
    """Every (kind, value) a request names: path, ``identifiers``, merge sides, body ids and relationships."""
    found: set[tuple[str, str]] = set()

    def add(kind: str, value: object) -> None:
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            text = str(value)
            if kind == "cio_id":
                text = text.removeprefix("cio_")
            found.add((kind, text))

    def from_ids(ids: object) -> None:
        if isinstance(ids, dict):
            for kind in ("id", "email", "cio_id"):
                if kind in ids:
                    add(kind, ids[kind])

    if "/customers/" in request.path:
        raw = unquote(request.path.split("/customers/", 1)[1].split("/", 1)[0])
        if raw.startswith("cio_"):
            add("cio_id", raw)
        else:
            add("email" if looks_like_email(raw) else "id", raw)
            if looks_like_email(raw):
                add("id", raw)  # ID-only workspaces read an email-shaped path as an id
    bodies = request.body.get("batch") if isinstance(request.body, dict) and "batch" in request.body else [request.body]
    for body in bodies if isinstance(bodies, list) else []:
        if not isinstance(body, dict):
            continue
        for key in ("identifiers", "primary", "secondary"):
            from_ids(body.get(key))
        for attrs in (body.get("attributes"), body):
            if isinstance(attrs, dict):
                add("id", attrs.get("id"))
                add("email", attrs.get("email"))
        for rel in body.get("cio_relationships") or []:
            if isinstance(rel, dict):
                from_ids(rel.get("identifiers"))
    return found


def needed_emails(requests: list[HttpRequest], store: MemoryStorage, settings: WorkspaceSettings) -> set[str]:
    """The emails whose holders the engine may look up: every email used as an identifier (v1 path, v2
    ``identifiers``, merge sides, relationships), and a body email unless the call names its person by id or
    cio_id, that person is already read with exactly that email, and no call of the paste gives that person
    another email. In an ID-only workspace email never resolves anybody."""
    if not settings.email_is_identifier:
        return set()
    needed: set[str] = set()
    emails_of: dict[tuple[str, str], set[str]] = {}
    body_emails: list[tuple[tuple[str, str] | None, str]] = []
    for request in requests:
        for kind, value in identifiers_in(request):
            if kind == "email" and not _only_in_attributes(request, value):
                needed.add(value)
        for who, email in _body_emails(request):
            body_emails.append((who, email))
            if who is not None:
                emails_of.setdefault(who, set()).add(email.strip().lower())
    for who, email in body_emails:
        person = None
        if who is not None:
            person = store.by_cio(who[1]) if who[0] == "cio_id" else next(iter(store.by_id(who[1])), None)
        if (
            person is None
            or not person.email
            or person.email.strip().lower() != email.strip().lower()
            or (who is not None and len(emails_of.get(who, set())) > 1)
        ):
            needed.add(email)
    return needed


def _bodies(request: HttpRequest) -> list[dict[str, Any]]:
    body = request.body
    items = body.get("batch") if isinstance(body, dict) and "batch" in body else [body]
    return [b for b in items if isinstance(b, dict)] if isinstance(items, list) else []


def _path_identifier(request: HttpRequest) -> tuple[str, str] | None:
    if "/customers/" not in request.path:
        return None
    raw = unquote(request.path.split("/customers/", 1)[1].split("/", 1)[0])
    if raw.startswith("cio_"):
        return ("cio_id", raw[4:])
    return ("email", raw) if looks_like_email(raw) else ("id", raw)


def _body_emails(request: HttpRequest) -> list[tuple[tuple[str, str] | None, str]]:
    """(who the call names by id or cio_id, the email its body carries) for each identify-like body."""
    out: list[tuple[tuple[str, str] | None, str]] = []
    path_who = _path_identifier(request)
    for body in _bodies(request):
        ids = body.get("identifiers")
        who: tuple[str, str] | None = None
        if isinstance(ids, dict) and len(ids) == 1:
            kind, value = next(iter(ids.items()))
            who = (kind, str(value).removeprefix("cio_")) if kind in ("id", "cio_id") else None
        elif path_who is not None and path_who[0] != "email":
            who = path_who
        attrs = body.get("attributes") if isinstance(body.get("attributes"), dict) else body
        email = attrs.get("email") if isinstance(attrs, dict) else None
        if isinstance(email, str) and email:
            out.append((who, email))
    return out


def _only_in_attributes(request: HttpRequest, email: str) -> bool:
    """Whether ``email`` appears in this request only as a body attribute (not as an identifier)."""
    target = email.strip().lower()
    path_who = _path_identifier(request)
    if path_who is not None and path_who[0] == "email" and path_who[1].strip().lower() == target:
        return False
    for body in _bodies(request):
        for key in ("identifiers", "primary", "secondary"):
            ids = body.get(key)
            if isinstance(ids, dict) and str(ids.get("email", "")).strip().lower() == target:
                return False
        for rel in body.get("cio_relationships") or []:
            ids = rel.get("identifiers") if isinstance(rel, dict) else None
            if isinstance(ids, dict) and str(ids.get("email", "")).strip().lower() == target:
                return False
    return True


def _order(cio_id: str, fallback: int) -> int:
    """A pk that keeps people created in the same second in creation order: cio_ids grow with creation where
    they are hex numbers (as the sandbox's are), else the order of reading."""
    try:
        return int(cio_id, 16)
    except ValueError:
        return (1 << 62) + fallback


def model_person(known: KnownPerson, pk: int) -> Person:
    attrs = {k: v for k, v in known.attributes.items() if k not in _RESERVED}
    created = known.created_at or 0
    return Person(pk, known.cio_id, known.id, known.email, created, created, known.unsubscribed, attrs)


class WhatIf:
    def __init__(
        self, lookup: PeopleLookup, settings: WorkspaceSettings | None = None, clock: Callable[[], int] | None = None
    ) -> None:
        self.lookup = lookup
        self.settings = settings or WorkspaceSettings()
        self.store = MemoryStorage()
        self.clock: Callable[[], int] = clock or (lambda: int(time.time()))
        self.engine = Engine(self.store, self.settings, self.clock, record=True)
        self.starting: list[Person] = []  # the people as read, before any request ran (copies)
        self._read: set[tuple[str, str]] = set()
        self.created: dict[str, int] = {}  # cio_id made by the what-if -> number of the call that made it
        self.behaviours: set[str] = set()  # every engine behaviour the outcomes rested on
        self.last: Result | None = None  # the engine's answer to the last request (status and body)

    async def load(self, requests: Iterable[HttpRequest]) -> None:
        """Read every person the requests can touch: ids and cio_ids in bulk where the lookup can (100 per read),
        then the emails the engine may need to resolve (``needed_emails``), each once."""
        batch = list(requests)
        wanted = {i for r in batch for i in identifiers_in(r)} - self._read
        self._read.update(wanted)
        found: list[KnownPerson] = []
        many = getattr(self.lookup, "many", None)
        for kind in ("id", "cio_id"):
            values = sorted(v for k, v in wanted if k == kind)
            if many is not None:
                found += await many(kind, values)
            else:
                reads = [self.lookup.by_id(v) if kind == "id" else self.lookup.by_cio_id(v) for v in values]
                found += [p for p in await asyncio.gather(*reads) if p is not None]
        self._add(found)
        emails = sorted(needed_emails(batch, self.store, self.settings) & {v for k, v in wanted if k == "email"})
        many_emails = getattr(self.lookup, "many_emails", None)
        if many_emails is not None:
            self._add(await many_emails(emails))
            return
        gate = asyncio.Semaphore(_PARALLEL)

        async def by_email(email: str) -> list[KnownPerson]:
            async with gate:
                return await self.lookup.by_email(email)

        self._add([p for batch_ in await asyncio.gather(*(by_email(e) for e in emails)) for p in batch_])

    def _add(self, people: Iterable[KnownPerson]) -> None:
        for known in sorted({p.cio_id: p for p in people}.values(), key=lambda p: (p.created_at or 0, p.cio_id)):
            if self.store.by_cio(known.cio_id) is None:
                person = model_person(known, _order(known.cio_id, len(self.store.people) + 1))
                self.starting.append(person)  # the store keeps its own copy
                self.store.add_person(person)

    def run(self, request: HttpRequest, action: str, number: int = 1) -> list[Effect]:
        """Execute one request on the copy; one effect per operation (a batch has one per item)."""
        result = self.engine.execute(request.method, request.path, request.body)
        self.last = result
        effects = []
        for rec in result.records:
            self.behaviours.update(rec.behaviours)
            for change in rec.changes:
                if change.created:
                    self.created.setdefault(change.cio_id, number)
            effects.append(effect_of(action, rec, result.status, self.created, number, self.store.by_cio))
        return effects
