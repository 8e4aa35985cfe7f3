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

Customer.io has no compare-and-set, and its writes show late, so a run takes the lease in three steps: it reads the
lease (another live one: refused, naming who holds it and when it expires), writes its own, then waits until its
own write shows and a whole visibility window more, reading it now and then. Another run that started at the same
moment wrote before ours showed, so its write shows within that window: the lease then names whichever write
Customer.io processed last, both runs read the same value, and exactly one goes on (last writer wins); the other
refuses before sending anything. While running, the lease is renewed (read first: a run that finds another run's
token there stops sending) and at the end it is released (expiry 0), only if it still names this run.

What remains: the guarantee rests on writes showing within the visibility window (``--visibility-window``), and on
a run writing its lease right after the read that found none (a process frozen for longer than the window between
the two could still slip in; each operation's preconditions, re-read just before its send, then keep it from
repeating a write that shows). A lease left by a killed run of this journal is taken over at once when that run had
confirmed it (the journal says so); an expired lease of another run is taken over with a note. The person stays in
the workspace as a visible record; delete it when you like.
"""

from __future__ import annotations

import asyncio
import getpass
import hashlib
import re
import secrets
import socket
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.errors import UserError

LEASE_PREFIX = "cio-tui-apply-lease-"
TTL = 600.0  # seconds a lease lives without renewal (a killed run's lease frees itself)
MARGIN = 1.0  # seconds past the visibility window: the other run's read-to-write time, clocks, answer times
POLL_CAP = 2.0  # seconds between reads of the lease while confirming it (App API budget: a few reads a window)


class LeaseError(UserError):
    """Another live apply of this plan holds the workspace's lease (or took it while this run confirmed its own)."""


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

    def attributes(self) -> dict[str, str | int]:
        return {
            "cio_tui_lease_plan": self.plan_id,
            "cio_tui_lease_host": self.host,
            "cio_tui_lease_operator": self.operator,
            "cio_tui_lease_token": self.token,
            "cio_tui_lease_place": self.place,
            "cio_tui_lease_expires": int(self.expires),
        }

    @classmethod
    def read(cls, attributes: Mapping[str, object]) -> Holder | None:
        try:
            return cls(
                plan_id=str(attributes["cio_tui_lease_plan"]),
                host=str(attributes.get("cio_tui_lease_host", "?")),
                operator=str(attributes.get("cio_tui_lease_operator", "?")),
                token=str(attributes["cio_tui_lease_token"]),
                expires=float(str(attributes.get("cio_tui_lease_expires") or 0)),
                place=str(attributes.get("cio_tui_lease_place", "")),
            )
        except (KeyError, ValueError):
            return None


def confirmed_tokens(details: list[str]) -> set[str]:
    """Tokens of the leases this journal's runs confirmed (from the details of their ``lease_taken`` entries)."""
    return {m.group(1) for d in details if (m := re.search(r"\btoken ([0-9a-f]{16})\b", d))}


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - containers without a login name
        return "unknown"


def _clock_text(unix: float) -> str:
    return datetime.fromtimestamp(unix, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class WorkspaceLease:
    """Take, confirm, renew and release the lease of ``plan_id``. ``window`` is how long a write may take to show
    (the apply's visibility window); ``confirmed`` the tokens this journal's earlier runs confirmed; ``on_note``
    hears what the operator should know (a lease taken over)."""

    def __init__(
        self,
        client: CioClient,
        plan_id: str,
        *,
        window: float,
        margin: float = MARGIN,
        ttl: float | None = None,
        clock: Callable[[], float] = time.time,
        host: str | None = None,
        operator: str | None = None,
        place: str = "",
        confirmed: set[str] | None = None,
        on_note: Callable[[str], None] | None = None,
    ) -> None:
        self.client, self.plan_id, self.window, self.margin = client, plan_id, window, margin
        self.ttl, self.clock = TTL if ttl is None else ttl, clock
        self.who = Identifier.id(LEASE_PREFIX + plan_id)
        host = host or socket.gethostname()
        where = hashlib.sha256(f"{host}\n{place}".encode()).hexdigest()[:16]
        self.mine = Holder(plan_id, host, operator or _operator(), secrets.token_hex(8), 0, where)
        self.confirmed = confirmed or set()
        self._note = on_note or (lambda _text: None)
        self.lost: Holder | None = None  # set when a renewal finds another run's lease

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

    def _refuse(self, other: Holder, *, late: bool = False) -> LeaseError:
        left = max(0, int(other.expires - self.clock()))
        how = (
            "took this plan's lease while this run was confirming its own (the later write wins)"
            if late
            else ("is applying this plan to this workspace")
        )
        return LeaseError(
            f"plan {self.plan_id}: {other.operator} on {other.host} {how}; its lease person {self.who.value} "
            f"expires in {left} s ({_clock_text(other.expires)}). Only one apply of a plan runs at a time, and "
            "nothing was sent by this run. Wait for that run to finish, or, if it is gone, wait for the lease to "
            "expire and run again"
        )

    async def _write(self, expires: float) -> None:
        m = self.mine
        holder = Holder(m.plan_id, m.host, m.operator, m.token, expires, m.place)
        await self.client.identify(self.who, dict(holder.attributes()))

    async def acquire(self) -> None:
        """Take the lease, or raise ``LeaseError`` naming who holds it. Returns once the lease is confirmed."""
        other = await self._current()
        if self._blocks(other):
            assert other is not None
            raise self._refuse(other)
        now = self.clock()
        if other is not None and other.place == self.mine.place and other.token in self.confirmed and other.live(now):
            # this journal's killed run confirmed it; nobody else could have taken it since: carry on with it
            self.mine = replace(self.mine, token=other.token)
            await self._write(now + self.ttl)
            self._note(f"resuming with the lease an earlier run of this journal confirmed ({self.who.value})")
            return
        if other is not None and other.token != self.mine.token and 0 < other.expires <= now:
            self._note(
                f"taking over the expired lease of {other.operator} on {other.host} (expired "
                f"{_clock_text(other.expires)}): that run stopped renewing it"
            )
        await self._write(now + self.ttl)
        await self._confirm()

    async def _confirm(self) -> None:
        written = time.monotonic()
        wait = 0.25
        while True:  # our write must show within the window; another run's seen before it is not final yet
            holder = await self._current()
            if holder is not None and holder.token == self.mine.token:
                break
            if time.monotonic() - written > self.window + self.margin:
                if self._blocks(holder):
                    assert holder is not None
                    raise self._refuse(holder, late=True)
                raise LeaseError(
                    f"this run's lease ({self.who.value}) did not show within the visibility window "
                    f"({self.window:g} s): nothing was sent. Run again with a longer --visibility-window"
                )
            await asyncio.sleep(wait)
            wait = min(wait * 2, POLL_CAP)
        until = time.monotonic() + self.window + self.margin  # a rival's write, sent before ours showed, shows by then
        while (left := until - time.monotonic()) > 0:
            await asyncio.sleep(min(left, POLL_CAP))
            holder = await self._current()
            if self._blocks(holder):
                assert holder is not None
                raise self._refuse(holder, late=True)
        if holder is None or holder.token != self.mine.token:
            raise LeaseError(
                f"this run's lease ({self.who.value}) did not stay this run's while it was confirmed: nothing was "
                "sent. Check who else applies this plan, then run again"
            )

    async def _renew(self, on_lost: Callable[[Holder], None]) -> None:
        while True:
            await asyncio.sleep(self.ttl / 3)
            holder = await self._current()
            if self._blocks(holder):
                assert holder is not None
                self.lost = holder
                on_lost(holder)
                return
            await self._write(self.clock() + self.ttl)

    async def release(self) -> None:
        holder = await self._current()
        if holder is None or holder.token == self.mine.token:
            await self._write(0)  # another run's lease (after a lost one) is left as it is

    @asynccontextmanager
    async def held(self, on_lost: Callable[[Holder], None] | None = None) -> AsyncIterator[None]:
        await self.acquire()
        renew = asyncio.create_task(self._renew(on_lost or (lambda _h: None)))
        try:
            yield
        finally:
            renew.cancel()
            await asyncio.gather(renew, return_exceptions=True)
            try:
                await self.release()
            except Exception:  # noqa: BLE001 - a lease that cannot be released expires by itself
                pass


__all__ = ["LEASE_PREFIX", "TTL", "Holder", "LeaseError", "WorkspaceLease", "confirmed_tokens"]
