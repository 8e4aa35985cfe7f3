"""``cio-tui --sandbox replay TRAFFIC --live``: the starting people are only the people the traffic names, read
through the client (App API bulk reads and searches, never a people export), over the embedded sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from cio_tui.cli import main
from cio_tui.customerio.client import CustomerIOClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)


class Recording(httpx.AsyncBaseTransport):
    """The sandbox's transport, keeping every request (method, path, query, JSON body) it is asked."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[str, str, dict[str, str], Any]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.seen.append((request.method, request.url.path, dict(request.url.params),
                          json.loads(body) if body else None))  # fmt: skip
        return await self.inner.handle_async_request(request)


async def _anonymous_id_of(db: Path, cio_id: str) -> str:
    """A seeded person's anonymous_id (the seed is the same in every sandbox made with the defaults)."""
    client = CustomerIOClient(track_origin=SANDBOX_ORIGIN, app_origin=SANDBOX_ORIGIN, site_id=SANDBOX_SITE_ID,
                              track_key=SecretStr(SANDBOX_TRACK_KEY), app_key=SecretStr(SANDBOX_APP_KEY),
                              transport=embedded_transport(db), track_rps=1000, app_rps=1000)  # fmt: skip
    try:
        [person] = await client.get_people([Identifier.cio(cio_id)])
    finally:
        await client.aclose()
    return str(person.attributes["anonymous_id"])


async def test_live_reads_only_the_people_the_traffic_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    anon = await _anonymous_id_of(tmp_path / "probe.db", "a3000003")
    recorders: list[Recording] = []

    def recorded(db_path: str | Path) -> Recording:
        recorders.append(Recording(embedded_transport(db_path)))
        return recorders[-1]

    monkeypatch.setattr("cio_tui.sandbox.embedded.lazy_embedded_transport", recorded)
    traffic = tmp_path / "traffic.jsonl"
    calls = [
        {"type": "identify", "userId": "u0000002", "traits": {"plan": "pro"}, "receivedAt": "2024-01-01T00:00:01Z"},
        {"type": "identify", "anonymousId": "anon-lead", "traits": {"email": "Chloe.Silva5@acme.test"},
         "receivedAt": "2024-01-01T00:00:02Z"},
        {"type": "track", "anonymousId": anon, "event": "Viewed Pricing", "receivedAt": "2024-01-01T00:00:03Z"},
        {"type": "identify", "userId": "new-person", "traits": {"email": "new@x.io"},
         "receivedAt": "2024-01-01T00:00:04Z"},
    ]  # fmt: skip
    traffic.write_text("\n".join(json.dumps(c) for c in calls) + "\n")
    result = await asyncio.to_thread(
        CliRunner().invoke, main, ["--sandbox", "replay", str(traffic), "--live"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    assert "the traffic names 3 id(s), 2 email(s), 0 cio_id(s) and 2 anonymous id(s)" in result.stderr
    assert "reading the people the traffic names (read-only): ids 3/3 · emails 2/2 · anonymous ids 2/2 · 3 found" in (
        result.stderr
    )
    assert "3 of the people the traffic names exist in the workspace" in result.stderr
    # u0000002, the lead, the holder of the anonymous id
    assert "starting people: 3 (the people the traffic names, read from the workspace)." in result.stdout
    [recorder] = recorders
    paths = {path for _, path, _, _ in recorder.seen}
    assert not any("export" in path for path in paths)  # no people export of the workspace
    assert paths <= {"/v1/customers/attributes", "/v1/customers"}
    bulk = [(query["id_type"], sorted(body["ids"])) for m, path, query, body in recorder.seen
            if path == "/v1/customers/attributes"]  # fmt: skip
    assert ("id", ["Chloe.Silva5@acme.test", "new-person", "u0000002"]) in bulk  # an email-shaped id is an id too
    read_cio_ids = {i for kind, ids in bulk if kind == "cio_id" for i in ids}
    assert read_cio_ids <= {"a3000003", "a3000005"}  # only the people the searches found
    searched = [body["filter"] for _, path, _, body in recorder.seen if path == "/v1/customers"]
    values = sorted(f["attribute"]["value"] for s in searched for f in s["or"])
    assert values == sorted(["chloe.silva5@acme.test", "new@x.io", "anon-lead", anon])
    assert all(len(body.get("ids", [])) <= 100 for _, _, _, body in recorder.seen if body)
