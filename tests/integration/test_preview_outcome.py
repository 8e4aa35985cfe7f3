"""Outcome prediction against the in-process sandbox, then the Actions request is sent and the prediction checked.

``ClientPeopleLookup`` reads through the real ``CustomerIOClient`` over the embedded transport; the same client then
sends the preview's ``/api/v2/entity`` body so the sandbox's own semantics confirm (or refute) the prediction.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from cio_tui.cli import main
from cio_tui.customerio.client import CustomerIOClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.lookup import ClientPeopleLookup
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.segment import PreviewResult, WorkspaceSettings, preview_text, with_outcomes

Factory = Callable[..., Any]


@pytest.fixture
async def make_client(tmp_path: Path) -> AsyncIterator[Factory]:
    clients: list[CustomerIOClient] = []

    def make(**settings: Any) -> CustomerIOClient:
        transport = embedded_transport(tmp_path / f"ws{len(clients)}.db", people=3, seed=7, **settings)
        client = CustomerIOClient(
            track_origin=SANDBOX_ORIGIN,
            app_origin=SANDBOX_ORIGIN,
            site_id=SANDBOX_SITE_ID,
            track_key=SecretStr(SANDBOX_TRACK_KEY),
            app_key=SecretStr(SANDBOX_APP_KEY),
            transport=transport,
            track_rps=1000,
            app_rps=1000,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


async def predict(client: CustomerIOClient, message: dict[str, Any], **settings: Any) -> PreviewResult:
    [result] = await with_outcomes(
        preview_text(json.dumps(message)), ClientPeopleLookup(client), WorkspaceSettings(**settings)
    )
    return result


async def send(client: CustomerIOClient, result: PreviewResult) -> None:
    for request in result.actions.requests:
        await client.entity(request.body)


async def test_new_person_is_created(make_client: Factory) -> None:
    client = make_client()
    result = await predict(client, {"type": "identify", "userId": "p-new", "traits": {"email": "p-new@x.io"}})
    assert result.outcome and result.outcome.effects[0].kind == "creates_person"
    await send(client, result)
    person = await client.get_person(Identifier.id("p-new"))
    assert person is not None and person.email == "p-new@x.io"


async def test_lead_gets_the_id(make_client: Factory) -> None:
    client = make_client()
    await client.identify(Identifier.email("lead-7@x.io"), {"email": "lead-7@x.io"})
    lead = (await client.customers_by_email("lead-7@x.io"))[0]
    result = await predict(client, {"type": "identify", "userId": "p-7", "traits": {"email": "lead-7@x.io"}})
    assert result.outcome and result.outcome.effects[0].kind == "assigns_id_to_lead"
    assert result.outcome.cio_ids == [lead.cio_id]
    await send(client, result)
    person = await client.get_person(Identifier.id("p-7"))
    assert person is not None and person.cio_id == lead.cio_id


async def test_conflict_auto_merge_and_failure(make_client: Factory) -> None:
    merging = make_client()
    refusing = make_client(auto_merge=False)
    for client in (merging, refusing):
        await client.identify(Identifier.id("p-8"), {"created_at": 2000})
        await client.identify(Identifier.email("lead-8@x.io"), {"email": "lead-8@x.io", "created_at": 1000})
    call = {"type": "identify", "userId": "p-8", "traits": {"email": "lead-8@x.io"}}

    merged = await predict(merging, call)
    assert merged.outcome and merged.outcome.effects[0].kind == "conflict_auto_merge"
    assert "(older) is kept" in merged.outcome.summary
    await send(merging, merged)
    assert len(await merging.customers_by_email("lead-8@x.io")) == 1

    failed = await predict(refusing, call, auto_merge=False)
    assert failed.outcome and failed.outcome.effects[0].kind == "conflict_failed"
    await send(refusing, failed)
    person = await refusing.get_person(Identifier.id("p-8"))
    assert person is not None and person.email is None  # nothing updated


async def test_event_lands_and_delete_deletes(make_client: Factory) -> None:
    client = make_client()
    await client.identify(Identifier.id("p-9"), {"email": "p9@x.io"})
    person = await client.get_person(Identifier.id("p-9"))
    assert person is not None
    event = await predict(client, {"type": "track", "userId": "p-9", "event": "Paid"})
    assert event.outcome and event.outcome.effects[0].kind == "event_on_person"
    assert event.outcome.cio_ids == [person.cio_id]

    deletion = await predict(client, {"type": "track", "userId": "p-9", "event": "User Deleted"})
    assert deletion.outcome and deletion.outcome.effects[0].kind == "deletes_person"
    await send(client, deletion)
    assert await client.get_person(Identifier.id("p-9")) is None


def test_cli_with_the_sandbox_predicts_outcomes() -> None:
    text = '{"type": "identify", "userId": "cli-new-1", "traits": {"email": "cli-new-1@example.com"}}'
    out = CliRunner().invoke(main, ["--sandbox", "preview", "--json"], input=text)
    assert out.exit_code == 0, out.output
    outcome = json.loads(out.output)["results"][0]["outcome"]
    assert outcome["effects"][0]["kind"] == "creates_person"
    assert outcome["summary"] == "Creates a new person with id cli-new-1 and email cli-new-1@example.com."
    assert outcome["cio_ids"] == []
