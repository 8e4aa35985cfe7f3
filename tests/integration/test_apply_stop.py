"""Stop means stop: pause and cancel send nothing new within a second (requests queued at the rate limiter are
held back too), the number in flight is bounded, and the progress says how many requests await an answer."""

from __future__ import annotations

import asyncio
import time

import httpx
from pydantic import SecretStr

from cio_tui.config import load_settings
from cio_tui.credentials import CredentialStore
from cio_tui.customerio.client import CustomerIOClient
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions, ProgressEvent
from cio_tui.identity.journal import Journal
from cio_tui.identity.leads import find_leads, plan_lead_conversion, read_id_rows
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.workspace import open_workspace


class Clocked(httpx.AsyncBaseTransport):
    """Notes when each write left; answers after a short delay (a request in flight)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.writes = inner, []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and not request.url.path.startswith("/v1/"):
            self.writes.append(time.monotonic())
            await asyncio.sleep(0.05)
        return await self.inner.handle_async_request(request)


async def _setup(tmp_path):
    inner = embedded_transport(tmp_path / "ws.db", people=250, seed=5)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=inner)
    leads = (await find_leads(ws.client))[:30]
    text = "email,id\n" + "".join(f"{x.email},stop-{i}\n" for i, x in enumerate(leads))
    build = await plan_lead_conversion(
        ws.client, read_id_rows(text=text), workspace_fingerprint=ws.fingerprint, workspace_name=ws.name, leads=leads
    )
    rec = Clocked(inner)
    slow = CustomerIOClient(  # Track at 10 req/s: most sends wait at the rate limiter
        track_origin=SANDBOX_ORIGIN, app_origin=SANDBOX_ORIGIN, site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY), app_key=SecretStr(SANDBOX_APP_KEY), transport=rec,
        track_rps=10, app_rps=1000,
    )  # fmt: skip
    return ws, slow, rec, build.plan


async def test_cancel_and_pause_send_nothing_new_within_a_second(tmp_path):
    ws, client, rec, plan = await _setup(tmp_path)
    events: list[ProgressEvent] = []
    options = ApplyOptions.for_sandbox(visibility_window=0, sends_in_flight=8)
    with Journal(tmp_path / "j.sqlite") as journal:
        engine = ApplyEngine(
            client,
            journal,
            plan,
            workspace_fingerprint=ws.fingerprint,
            options=options,
            on_event=lambda e: events.append(e) if isinstance(e, ProgressEvent) else None,
        )
        run = asyncio.create_task(engine.run())
        while len(rec.writes) < 3:
            await asyncio.sleep(0.01)
        engine.pause()
        paused_at = time.monotonic()
        await asyncio.sleep(1.2)
        # nothing new while paused (0.25 s: a request past the gate at the pause may reach the wire a moment later)
        assert [t for t in rec.writes if t > paused_at + 0.25] == []
        engine.resume()
        while len(rec.writes) < 6:
            await asyncio.sleep(0.01)
        engine.cancel()
        cancelled_at = time.monotonic()
        result = await asyncio.wait_for(run, 5)
    assert [t for t in rec.writes if t > cancelled_at + 0.25] == []
    assert result.cancelled and result.sent == len(rec.writes) < len(plan.operations)
    assert max(e.in_flight for e in events) <= 8 and any(e.in_flight for e in events)
    assert events[-1].in_flight == 0
    await client.aclose()
    await ws.aclose()
