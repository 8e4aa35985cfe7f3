"""A small in-memory stand-in for CustomerIOClient, for fast engine tests (the sandbox tests cover the real wire).

It implements part of ``cio_tui.customerio.contract.CioClient``, with the contract's parameters
(``test_client_contract.py`` holds it to them)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import unquote

from cio_tui.customerio.errors import InvalidInputError, NotSentError, ServerError, UncertainWriteError
from cio_tui.customerio.identifiers import Identifier, IdKind
from cio_tui.customerio.models import Activity, Person, PersonRef


class FakeClient:
    def __init__(self, people: list[Person]) -> None:
        self.people = {p.cio_id: p for p in people}
        self.writes: list[tuple[str, str, Any]] = []  # (method, cio_id, body) of writes that took effect
        self.sent: list[tuple[str, str]] = []  # every write request received
        self.requests: list[tuple[str, str, Any]] = []  # (method, path, body) exactly as the engine sent them
        self.faults: dict[int, str] = {}  # nth write (1-based) -> "before" | "after" | "refuse" | "5xx_after"
        self.reads = 0
        self.failed: dict[str, str] = {}
        self.email_ids = True  # the workspace uses email as an identifier
        self.refuse_id_filter = False
        self.searches: list[dict[str, Any]] = []
        self.lag_reads = 0  # writes become visible only after this many reads of the person
        self.stale_view: dict[str, tuple[Person, int]] = {}

    def _fault(self) -> str | None:
        return self.faults.get(len(self.sent))

    async def get_people(self, who: list[Identifier]) -> list[Person]:
        self.reads += 1
        if all(w.kind is IdKind.CIO_ID for w in who):
            out = []
            for w in who:
                if w.value in self.stale_view:  # eventual consistency: the old version, a few more reads
                    old, left = self.stale_view[w.value]
                    self.stale_view[w.value] = (old, left - 1)
                    if left <= 1:
                        del self.stale_view[w.value]
                    out.append(old)
                elif w.value in self.people:
                    out.append(self.people[w.value])
            return out
        if any(w.kind is IdKind.EMAIL for w in who) and not self.email_ids:
            raise InvalidInputError("email is not an identifier in this workspace", status=400)
        out = []
        for w in who:
            for p in self.people.values():
                if (w.kind is IdKind.ID and p.id == w.value) or (
                    w.kind is IdKind.EMAIL and (p.email or "").lower() == w.value.lower()
                ):
                    out.append(p)
        return out

    async def customers_by_email(self, email: str) -> list[PersonRef]:
        return [p.ref for p in self.people.values() if (p.email or "").lower() == email.lower()]

    async def iter_search(self, audience: dict[str, Any], *, limit: int = 1000) -> AsyncIterator[PersonRef]:
        self.searches.append(audience)
        if "and" in audience and self.refuse_id_filter:
            raise InvalidInputError("unknown field id", status=400)
        for p in self.people.values():
            if "and" in audience and p.id:
                continue
            if p.email:
                yield p.ref

    async def send_planned(self, request: Any, *, label: str = "", gate: Any = None) -> None:
        """The engine's one call: decode the planned request the way Customer.io would and record it."""
        if gate is not None and not await gate():
            raise NotSentError(message="not sent (stopped)")
        self.requests.append((request.method, request.path, request.body))
        path = unquote(request.path)
        if path == "/api/v1/merge_customers":
            body = request.body
            await self.merge(Identifier.cio(body["primary"]["cio_id"]), Identifier.cio(body["secondary"]["cio_id"]))
            return
        rest = path.removeprefix("/api/v1/customers/")
        segment, _, suffix = rest.partition("/")
        who = Identifier.cio(segment) if segment.startswith("cio_") else Identifier.detect(segment)
        if request.method == "DELETE":
            await self.delete(who)
        elif suffix:
            self.sent.append((suffix, who.value))
            self.writes.append((suffix, who.value, None))
        else:
            await self.identify(who, dict(request.body or {}))

    async def identify(self, who: Identifier, attributes: dict[str, Any]) -> None:
        self.sent.append(("identify", who.value))
        fault = self._fault()
        if fault == "before":
            raise UncertainWriteError("server error after the body was sent", status=500)
        if fault == "refuse":
            raise InvalidInputError("bad request", status=400)
        p = self.people.get(who.value)
        if p is not None:
            taken = [
                o for o in self.people.values() if attributes.get("id") and o.id == attributes["id"] and o is not p
            ]
            if taken:
                self.failed[p.cio_id] = "identifier already associated with a different profile"
            else:
                upd = {k: v for k, v in attributes.items() if k in ("id", "email", "unsubscribed")}
                attrs = {k: str(v) for k, v in attributes.items() if k not in upd}
                self.people[p.cio_id] = p.model_copy(update=upd | {"attributes": p.attributes | attrs})
                if self.lag_reads:
                    self.stale_view[p.cio_id] = (p, self.lag_reads)
                self.writes.append(("identify", who.value, attributes))
        if fault == "after":
            raise UncertainWriteError("connection dropped after the body was sent")
        if fault == "5xx_after":  # applied, then a ServerError (a client that did not class it uncertain)
            raise ServerError("HTTP 520 after the body was sent", status=520)

    async def delete(self, who: Identifier) -> None:
        self.sent.append(("delete", who.value))
        self.people.pop(who.value, None)
        self.writes.append(("delete", who.value, None))

    async def merge(self, primary: Identifier, secondary: Identifier) -> None:
        self.sent.append(("merge", secondary.value))
        if primary.value in self.people and secondary.value in self.people:
            s = self.people.pop(secondary.value)
            p = self.people[primary.value]
            self.people[p.cio_id] = p.model_copy(update={"email": p.email or s.email, "id": p.id or s.id})
            self.writes.append(("merge", secondary.value, None))

    async def activities(self, who: Identifier, *, activity_type: str | None = None, limit: int = 50) -> list[Activity]:
        reason = self.failed.get(who.value)
        if not reason:
            return []
        return [Activity(id="a1", type="failed_attribute_change", timestamp=1, data={"reason": reason})]
