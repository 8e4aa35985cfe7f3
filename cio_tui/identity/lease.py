"""One apply per plan per workspace, across machines: a lease recorded in the workspace itself.

The journal's file lock keeps two applies on one machine apart; two machines (or two data folders) share only the
workspace. So before sending, ``apply`` writes a dedicated person, id ``cio-tui-apply-lease-<plan_id>``, whose
attributes say who applies the plan and until when:

    cio_tui_lease_plan      the plan id
    cio_tui_lease_host      the machine's host name
    cio_tui_lease_operator  the operator's login name
    cio_tui_lease_token     a random token of this run
    cio_tui_lease_place     which journal the run writes (a hash of host and journal path)
    cio_tui_lease_expires   expiry, Unix seconds (renewed while the run lasts; 0 once released)

Another run of the same plan that reads a live lease with another token refuses to start and names the host and
the operator; unless the lease names its own place: then it was left by a run of this journal that was killed
(the journal's lock, held now, proves that run is gone) and is taken over.

Customer.io has no compare-and-set, so a run confirms its lease by reading it back (after the writes of a run that
started at the same moment have had time to show) before it sends anything; the preconditions each operation
re-checks just before its send then keep a late starter from repeating a write.
The person stays in the workspace as a visible record (released leases have expiry 0); delete it when you like.
"""

from __future__ import annotations

import asyncio
import getpass
import hashlib
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.errors import UserError

LEASE_PREFIX = "cio-tui-apply-lease-"
TTL = 600.0  # seconds a lease lives without renewal (a killed run's lease frees itself)
SETTLE = 3.0  # seconds the lease is read back before sending: runs started that close together see each other
LATE_LEASE = 10.0  # seconds more to wait for our own lease to show before going on without seeing it


class LeaseError(UserError):
    """Another live apply of this plan holds the workspace's lease."""


@dataclass(frozen=True)
class Holder:
    plan_id: str
    host: str
    operator: str
    token: str
    expires: float
    place: str = ""

    def live(self, now: float) -> bool:
        return self.expires > now

    def attributes(self) -> dict[str, Any]:
        return {
            "cio_tui_lease_plan": self.plan_id,
            "cio_tui_lease_host": self.host,
            "cio_tui_lease_operator": self.operator,
            "cio_tui_lease_token": self.token,
            "cio_tui_lease_place": self.place,
            "cio_tui_lease_expires": int(self.expires),
        }

    @classmethod
    def read(cls, attributes: dict[str, Any]) -> Holder | None:
        try:
            return cls(
                plan_id=str(attributes["cio_tui_lease_plan"]),
                host=str(attributes.get("cio_tui_lease_host", "?")),
                operator=str(attributes.get("cio_tui_lease_operator", "?")),
                token=str(attributes["cio_tui_lease_token"]),
                expires=float(attributes.get("cio_tui_lease_expires") or 0),
                place=str(attributes.get("cio_tui_lease_place", "")),
            )
        except (KeyError, ValueError):
            return None


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - containers without a login name
        return "unknown"


class WorkspaceLease:
    """Take, confirm, renew and release the lease of ``plan_id``. ``settle`` is how long a write may take to show
    (the apply's visibility window, capped): the lease is read back after it, so two runs started together see
    each other."""

    def __init__(
        self,
        client: CioClient,
        plan_id: str,
        *,
        settle: float,
        ttl: float = TTL,
        clock: Callable[[], float] = time.time,
        host: str | None = None,
        operator: str | None = None,
        place: str = "",
    ) -> None:
        self.client, self.plan_id, self.settle, self.ttl, self.clock = client, plan_id, settle, ttl, clock
        self.who = Identifier.id(LEASE_PREFIX + plan_id)
        host = host or socket.gethostname()
        where = hashlib.sha256(f"{host}\n{place}".encode()).hexdigest()[:16]
        self.mine = Holder(plan_id, host, operator or _operator(), secrets.token_hex(8), 0, where)

    def _blocks(self, other: Holder | None) -> bool:
        """A live lease of another run, not one a killed run of this very journal left behind."""
        return (
            other is not None
            and other.token != self.mine.token
            and other.place != self.mine.place
            and other.live(self.clock())
        )

    async def _current(self) -> Holder | None:
        person = await self.client.get_person(self.who)
        return None if person is None else Holder.read(person.attributes)

    def _refuse(self, other: Holder) -> LeaseError:
        left = max(0, int(other.expires - self.clock()))
        return LeaseError(
            f"plan {self.plan_id} is being applied to this workspace by {other.operator} on {other.host} (its lease "
            f"person {self.who.value} expires in {left} s): only one apply of a plan runs at a time. Wait for it to "
            "finish, or, if that run is gone, wait for the lease to expire and run again"
        )

    async def _write(self, expires: float) -> None:
        m = self.mine
        holder = Holder(m.plan_id, m.host, m.operator, m.token, expires, m.place)
        await self.client.identify(self.who, holder.attributes())

    async def acquire(self) -> None:
        other = await self._current()
        if self._blocks(other):
            assert other is not None
            raise self._refuse(other)
        await self._write(self.clock() + self.ttl)
        started = time.monotonic()
        while True:  # read back for ``settle`` seconds: ours must show, and nobody else's live one
            holder = await self._current()
            if self._blocks(holder):
                assert holder is not None
                raise self._refuse(holder)
            waited = time.monotonic() - started
            if holder is not None and holder.token == self.mine.token and waited >= self.settle:
                return
            if waited >= self.settle + LATE_LEASE:
                return  # ours never showed, nobody else's did: a slow workspace; each operation is still checked
            await asyncio.sleep(0.25)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            await self._write(self.clock() + self.ttl)

    async def release(self) -> None:
        await self._write(0)

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        await self.acquire()
        renew = asyncio.create_task(self._renew())
        try:
            yield
        finally:
            renew.cancel()
            await asyncio.gather(renew, return_exceptions=True)
            try:
                await self.release()
            except Exception:  # noqa: BLE001 - a lease that cannot be released expires by itself
                pass


__all__ = ["LEASE_PREFIX", "TTL", "Holder", "LeaseError", "WorkspaceLease"]
