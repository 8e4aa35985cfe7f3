"""The workspace lease without compare-and-set: two runs start together, each write shows after its own delay.
The later write wins; the run whose write lost sees the winner's within the visibility window and refuses, even
when the winner's write shows seconds after its own did (the old read-back of at most 3 s let both go on).

The runs wait seconds on purpose; they run on a loop whose clock skips those waits (``tests/virtual_clock.py``), and
the store and the lease read that clock, so the same reads see the same writes in a fraction of the wall time."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

import pytest

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person
from cio_tui.identity import lease as lease_module
from cio_tui.identity.lease import LeaseError, WorkspaceLease
from tests.virtual_clock import run_on_virtual_clock


class LateWorkspace:
    """One person store whose writes show ``delay`` seconds after they are sent (per writer); a read shows the
    latest-sent write among those visible, like a store that applies writes in order, late."""

    def __init__(self) -> None:
        self.writes: list[tuple[float, float, dict[str, Any]]] = []  # (sent, visible, attributes)

    def view(self, delay: float) -> Any:
        store = self

        class Client:
            async def get_person(self, who: Identifier) -> Person | None:
                now = asyncio.get_running_loop().time()
                seen = [w for w in store.writes if w[1] <= now]
                if not seen:
                    return None
                latest = max(seen, key=lambda w: w[0])
                return Person(cio_id="lease", id=who.value, attributes={k: str(v) for k, v in latest[2].items()})

            async def identify(self, who: Identifier, attributes: dict[str, Any]) -> None:
                now = asyncio.get_running_loop().time()
                store.writes.append((now, now + delay, dict(attributes)))

        return Client()


@pytest.fixture(autouse=True)
def lease_on_the_loop_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lease times its confirmation with ``time.monotonic``: here, the running loop's clock (the same clock by
    default, the skipping one in these tests)."""
    loop_time = SimpleNamespace(monotonic=lambda: asyncio.get_running_loop().time(), time=time.time)
    monkeypatch.setattr(lease_module, "time", loop_time)


def test_the_later_writer_wins_and_the_other_refuses_even_when_its_write_shows_late():
    run_on_virtual_clock(_the_later_writer_wins())


async def _the_later_writer_wins() -> None:
    ws = LateWorkspace()
    window = 4.0
    a = WorkspaceLease(ws.view(0.2), "p1", window=window, margin=0.2, host="a", operator="alice", place="A")  # type: ignore[arg-type]
    b = WorkspaceLease(ws.view(3.5), "p1", window=window, margin=0.2, host="b", operator="bob", place="B")  # type: ignore[arg-type]

    async def b_later() -> None:
        await asyncio.sleep(0.1)
        await b.acquire()

    results = await asyncio.gather(a.acquire(), b_later(), return_exceptions=True)
    assert results[1] is None  # bob's write was sent last: bob holds the lease
    assert isinstance(results[0], LeaseError)
    assert "bob on b took this plan's lease while this run was confirming its own" in str(results[0])
    assert "nothing was sent by this run" in str(results[0])


def test_a_lease_that_never_shows_is_not_taken_for_granted():
    run_on_virtual_clock(_a_lease_that_never_shows())


async def _a_lease_that_never_shows() -> None:
    ws = LateWorkspace()
    lease = WorkspaceLease(ws.view(60), "p1", window=0.5, margin=0.1, host="a", operator="alice", place="A")  # type: ignore[arg-type]
    with pytest.raises(LeaseError, match=r"did not show within the visibility window \(0.5 s\): nothing was sent"):
        await lease.acquire()
