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

from cio_tui.model import Engine, MemoryStorage, Person, WorkspaceSettings
from cio_tui.model.validation import looks_like_email
from cio_tui.segment.outcome.models import Effect, KnownPerson, PeopleLookup
from cio_tui.segment.outcome.words import effect_of
from cio_tui.segment.wire import HttpRequest

_RESERVED = {"id", "email", "cio_id", "created_at", "unsubscribed"}
_PARALLEL = 8  # reads in flight at once (the client's rate limiter still applies)


def identifiers_in(request: HttpRequest) -> set[tuple[str, str]]:
    """Every (kind, value) a request names: path, ``identifiers``, merge sides, body ids and relationships."""
    found: set[tuple[str, str]] = set()

    def add(kind: str, value: Any) -> None:
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            text = str(value)
            if kind == "cio_id":
                text = text.removeprefix("cio_")
            found.add((kind, text))

    def from_ids(ids: Any) -> None:
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
    bodies = request.body.get("batch") if isinstance(request.body, dict) and "batch" in request.body else [
        request.body]
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


def _person(known: KnownPerson, pk: int) -> Person:
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
        self.engine = Engine(self.store, self.settings, clock or (lambda: int(time.time())), record=True)
        self._read: set[tuple[str, str]] = set()
        self.created: dict[str, int] = {}  # cio_id made by the what-if -> number of the call that made it

    async def load(self, requests: Iterable[HttpRequest]) -> None:
        """Read every person the requests can touch (each identifier once, a few reads at a time)."""
        wanted = sorted({i for r in requests for i in identifiers_in(r)} - self._read)
        self._read.update(wanted)
        gate = asyncio.Semaphore(_PARALLEL)

        async def read(kind: str, value: str) -> list[KnownPerson]:
            async with gate:
                if kind == "email":
                    return await self.lookup.by_email(value)
                found = await (self.lookup.by_cio_id(value) if kind == "cio_id" else self.lookup.by_id(value))
                return [found] if found is not None else []

        batches = await asyncio.gather(*(read(k, v) for k, v in wanted))
        people = {p.cio_id: p for batch in batches for p in batch}
        for known in sorted(people.values(), key=lambda p: (p.created_at or 0, p.cio_id)):
            if self.store.by_cio(known.cio_id) is None:
                self.store.add_person(_person(known, len(self.store.people) + 1))

    def run(self, request: HttpRequest, action: str, number: int = 1) -> list[Effect]:
        """Execute one request on the copy; one effect per operation (a batch has one per item)."""
        result = self.engine.execute(request.method, request.path, request.body)
        effects = []
        for rec in result.records:
            for change in rec.changes:
                if change.created:
                    self.created.setdefault(change.cio_id, number)
            effects.append(effect_of(action, rec, result.status, self.created, number, self.store.by_cio))
        return effects
