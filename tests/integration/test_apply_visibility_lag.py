"""Exactly once when writes become visible late: the sandbox's visibility lag, faults that apply a write before
failing it, and runs killed at any moment. Counts come from the sandbox's own log of what it executed."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from typing import Any

import httpx
import pytest

from cio_tui.config import load_settings
from cio_tui.credentials import CredentialStore
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions
from cio_tui.identity.journal import Journal
from cio_tui.identity.leads import find_leads, plan_lead_conversion, read_id_rows
from cio_tui.sandbox.embedded import embedded_transport
from cio_tui.workspace import open_workspace


class Killed(BaseException):
    """Stands for SIGKILL: nothing in the engine or the client catches it."""


class KillSwitch(httpx.AsyncBaseTransport):
    """Kills the run right after the Nth write reached the sandbox (its answer never comes back)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.writes, self.kill_after = inner, 0, None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" and not request.url.path.startswith("/v1/"):
            self.writes += 1
            if self.writes == self.kill_after:
                raise Killed
        return response


async def _workspace(tmp_path, lag: float, fault_rate: float = 0.0) -> tuple[Any, KillSwitch, Counter[str], Any]:
    inner = embedded_transport(tmp_path / "ws.db", people=250, seed=5, visibility_lag=lag, fault_rate=fault_rate,
                               fault_seed=7)  # fmt: skip
    sandbox = inner.sandbox
    applied: Counter[str] = Counter()
    ops, original = sandbox.engine.ops, sandbox.engine.ops.identify

    def counting(path, body, **kw):
        if not sandbox.visibility.trial:  # the trial run that answers the request at once is rolled back
            applied[path.value] += 1
        return original(path, body, **kw)

    ops.identify = counting
    switch = KillSwitch(inner)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=switch)
    return ws, switch, applied, sandbox


async def _plan(ws, n: int):
    await asyncio.sleep(0)
    leads = (await find_leads(ws.client))[:n]
    text = "email,id\n" + "".join(f"{lead.email},lag-{i}\n" for i, lead in enumerate(leads))
    build = await plan_lead_conversion(
        ws.client, read_id_rows(text=text), workspace_fingerprint=ws.fingerprint, workspace_name=ws.name, leads=leads
    )
    return leads, build.plan


async def test_the_sandbox_shows_a_write_only_after_its_lag(tmp_path):
    ws, _, _, sandbox = await _workspace(tmp_path, lag=0.4)
    async with ws:
        lead = (await find_leads(ws.client))[0]
        who = Identifier.cio(lead.cio_id)
        await ws.client.identify(who, {"id": "seen-later"})  # answered 200 at once
        assert (await ws.client.get_person(who)).id is None
        await asyncio.sleep(0.45)
        assert (await ws.client.get_person(who)).id == "seen-later"
        resp = await ws.client._track.client.put(  # a refusal stays immediate
            f"/api/v1/customers/cio_{lead.cio_id}", content=b"not json", headers={"content-type": "application/json"}
        )
        assert resp.status_code == 400 and sandbox.visibility.pending == 0


def _options(window: float, **tuning: Any) -> ApplyOptions:
    return ApplyOptions.for_sandbox(visibility_window=window, poll_first=0.1, batch_size=10, intent_chunk=5, **tuning)


async def _kill_and_resume(
    tmp_path, *, lag: float, window: float, kills: int, n: int, fault_rate: float, **tuning: Any
):
    ws, switch, applied, sandbox = await _workspace(tmp_path, lag=lag, fault_rate=fault_rate)
    async with ws:
        leads, plan = await _plan(ws, n)
        assert len(plan.operations) == n
        rng = random.Random(11)
        for _ in range(kills):
            switch.writes, switch.kill_after = 0, rng.randint(1, max(1, n // (kills + 1)))  # each run is killed
            with Journal.for_workspace(ws) as journal, pytest.raises(Killed):
                await ApplyEngine.for_workspace(ws, plan, journal=journal, options=_options(window, **tuning)).run()
        switch.kill_after = None
        started = time.monotonic()
        with Journal.for_workspace(ws) as journal:
            result = await ApplyEngine.for_workspace(
                ws, plan, journal=journal, options=_options(window, **tuning)
            ).run()
            details = [e.detail or "" for e in journal.entries(plan.plan_id)]
        sandbox.visibility.flush_due(everything=True)
        people = {p.cio_id: p for p in await ws.client.get_people([Identifier.cio(x.cio_id) for x in leads])}
    return result, applied, leads, people, details, time.monotonic() - started


async def test_killed_runs_under_a_visibility_lag_apply_each_write_exactly_once(tmp_path):
    result, applied, leads, people, details, _ = await _kill_and_resume(
        tmp_path, lag=1.0, window=2.0, kills=3, n=30, fault_rate=0.05
    )
    assert result.ok, result.summary_lines()
    assert {x.cio_id: applied[x.cio_id] for x in leads} == {x.cio_id: 1 for x in leads}  # none lost, none repeated
    assert [people[x.cio_id].id for x in leads] == [f"lag-{i}" for i in range(len(leads))]
    assert any(d.startswith("not visible yet") for d in details)
    assert not any("did not take effect" in d for d in details)


@pytest.mark.slow
@pytest.mark.long(7)
async def test_a_lag_past_the_read_back_off_and_freshness_with_kills_is_still_exactly_once(tmp_path):
    """A 10 s lag under the default back-off (reads at most 4 s apart) and freshness (a read older than 5 s is read
    again), on a quarter scale: the lag, the window, the back-off cap and the freshness a quarter each (their ratios
    kept, a quarter of the waiting). The lease margin (1 s) and the first poll (0.1 s) stay as they are, so here the
    margin is a third of the window, not a twelfth: the order of lag, cap and freshness is what this test is about."""
    defaults = ApplyOptions()
    scale = 0.25
    lag, tuning = 10.0 * scale, {"poll_cap": defaults.poll_cap * scale, "fresh_for": defaults.fresh_for * scale}
    assert lag > tuning["fresh_for"] > tuning["poll_cap"]  # several reads at the cap, each read older than fresh
    result, applied, leads, _, _, _ = await _kill_and_resume(
        tmp_path, lag=lag, window=12.0 * scale, kills=2, n=15, fault_rate=0.05, **tuning
    )
    assert result.ok and {x.cio_id: applied[x.cio_id] for x in leads} == {x.cio_id: 1 for x in leads}
