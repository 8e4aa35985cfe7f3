"""A write answered with a 5xx that reads never retry (520 from Cloudflare, 501...) may still have been applied: the
engine journals it uncertain and reads it back within the visibility window; it never sends it again blindly."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from cio_tui.config import load_settings
from cio_tui.credentials import CredentialStore
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions
from cio_tui.identity.journal import Journal, OpState
from cio_tui.identity.leads import find_leads, plan_lead_conversion, read_id_rows
from cio_tui.sandbox.embedded import embedded_transport
from cio_tui.workspace import open_workspace


class AppliedThenFailed(httpx.AsyncBaseTransport):
    """Every Track write reaches the sandbox (which applies it) and is then answered ``status`` instead."""

    def __init__(self, inner: httpx.AsyncBaseTransport, status: int) -> None:
        self.inner, self.status, self.writes = inner, status, Counter[str]()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method != "GET" and not request.url.path.startswith("/v1/"):
            self.writes[request.url.path] += 1
            await response.aread()
            return httpx.Response(self.status, text="<html>origin error</html>", request=request)
        return response


@pytest.mark.parametrize("status", [520, 501])
async def test_a_write_answered_520_or_501_is_journaled_uncertain_and_sent_exactly_once(tmp_path, status):
    inner = embedded_transport(tmp_path / "ws.db", people=40, seed=5, visibility_lag=0.3)
    wrapper = AppliedThenFailed(inner, status)
    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True, transport=wrapper)
    async with ws:
        await asyncio.sleep(0)
        leads = (await find_leads(ws.client))[:3]
        text = "email,id\n" + "".join(f"{lead.email},odd-{i}\n" for i, lead in enumerate(leads))
        build = await plan_lead_conversion(
            ws.client, read_id_rows(text=text), workspace_fingerprint=ws.fingerprint, workspace_name=ws.name,
            leads=leads,
        )  # fmt: skip
        plan = build.plan
        assert len(plan.operations) == 3
        options = ApplyOptions.for_sandbox(visibility_window=3.0, poll_first=0.1, batch_size=10, intent_chunk=5)
        with Journal.for_workspace(ws) as journal:
            result = await ApplyEngine.for_workspace(ws, plan, journal=journal, options=options).run()
            entries = journal.entries(plan.plan_id)
    assert sum(wrapper.writes.values()) == 3 and set(wrapper.writes.values()) == {1}  # each sent once, never again
    for op in plan.operations:
        states = [e.state for e in entries if e.op_id == op.op_id]
        assert OpState.UNCERTAIN.value in states, states  # journaled uncertain, not "not applied: sending again"
        assert states[-1] == OpState.RECONCILED.value, states  # read back as applied within the window
    assert not any("sending again" in (e.detail or "") for e in entries)
    assert result.ok, result.summary_lines()
