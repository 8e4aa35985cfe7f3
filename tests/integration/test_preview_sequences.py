"""The seed's sequences, pasted as calls and predicted IN ORDER on the sandbox (outcomes on, not --offline); then
the same Actions requests are sent and the sandbox must end where the prediction said.

- lead then id: the lead created by call 1 gets the id in call 2;
- id change through ``cio_`` then use of the new id;
- unsubscribe;
- the id-and-email conflict (auto-merge on and off).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

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


@pytest.fixture
async def client(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[CustomerIOClient]:
    settings: dict[str, Any] = getattr(request, "param", {})
    transport = embedded_transport(tmp_path / "ws.db", people=30, seed=7, **settings)
    c = CustomerIOClient(
        track_origin=SANDBOX_ORIGIN,
        app_origin=SANDBOX_ORIGIN,
        site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY),
        app_key=SecretStr(SANDBOX_APP_KEY),
        transport=transport,
        track_rps=1000,
        app_rps=1000,
    )
    yield c
    await c.aclose()


async def predict(client: CustomerIOClient, text: str, **settings: Any) -> list[PreviewResult]:
    return await with_outcomes(preview_text(text), ClientPeopleLookup(client), WorkspaceSettings(**settings))


def kinds(results: list[PreviewResult]) -> list[str]:
    return [e.kind for r in results if r.outcome for e in r.outcome.effects]


async def send_all(client: CustomerIOClient, results: list[PreviewResult]) -> None:
    for result in results:
        for request in result.actions.requests:
            await client.entity(request.body)


async def test_lead_then_id(client: CustomerIOClient) -> None:
    text = (
        "analytics.identify('', {email: 'person@example.com'})\n"
        "analytics.identify('userId123', {email: 'person@example.com'})"
    )
    results = await predict(client, text)
    assert kinds(results) == ["creates_person", "assigns_id_to_lead"]
    assert "Assigns id userId123 to the lead call 1 creates (email person@example.com)" in results[1].outcome.summary
    after = results[1].outcome.effects[0].changes[0].after
    assert after and after["identifiers"]["id"] == "userId123"
    await send_all(client, results)
    [ref] = await client.customers_by_email("person@example.com")
    assert (ref.id, ref.email) == ("userId123", "person@example.com")


async def test_id_change_through_cio_then_the_new_id(client: CustomerIOClient) -> None:
    await client.identify(Identifier.id("seq-old"), {"email": "seq@example.com"})
    person = await client.get_person(Identifier.id("seq-old"))
    assert person is not None
    text = (
        f"analytics.identify('cio_{person.cio_id}', {{id: 'seq-new'}})\n"
        "analytics.identify('seq-new', {plan: 'pro'})\n"
        "analytics.track('Upgraded')\n"
        "analytics.identify('seq-old', {plan: 'stale'})"
    )
    results = await predict(client, text)
    assert kinds(results) == ["identifier_change", "updates_person", "event_on_person", "creates_person"]
    assert [p.cio_id for p in results[1].outcome.effects[0].people] == [person.cio_id]
    assert [p.cio_id for p in results[2].outcome.effects[0].people] == [person.cio_id]
    await send_all(client, results)
    moved = await client.get_person(Identifier.id("seq-new"))
    assert moved is not None and moved.cio_id == person.cio_id and moved.attributes["plan"] == "pro"
    fresh = await client.get_person(Identifier.id("seq-old"))
    assert fresh is not None and fresh.cio_id != person.cio_id


async def test_unsubscribe(client: CustomerIOClient) -> None:
    await client.identify(Identifier.id("seq-unsub"), {"email": "unsub@example.com"})
    results = await predict(client, "analytics.identify('seq-unsub', {unsubscribed: true})")
    assert kinds(results) == ["updates_person"]
    [change] = results[0].outcome.effects[0].changes
    assert (change.before["attributes"]["unsubscribed"], change.after["attributes"]["unsubscribed"]) == (False, True)
    assert "unsubscribes" in [w.code for w in results[0].warnings]
    await send_all(client, results)
    person = await client.get_person(Identifier.id("seq-unsub"))
    assert person is not None and person.unsubscribed


@pytest.mark.parametrize(
    ("client", "expected"),
    [
        ({"auto_merge": True}, ["conflict_auto_merge", "event_on_person"]),
        ({"auto_merge": False}, ["conflict_failed", "event_on_person"]),
    ],
    indirect=["client"],
)
async def test_id_and_email_conflict(client: CustomerIOClient, expected: list[str]) -> None:
    await client.identify(Identifier.email("both@example.com"), {})  # the lead, older
    await client.identify(Identifier.id("seq-id"), {})  # the id person, no email
    lead = (await client.customers_by_email("both@example.com"))[0]
    auto = expected[0] == "conflict_auto_merge"
    text = "analytics.identify('seq-id', {email: 'both@example.com'})\nanalytics.track('Paid')"
    results = await predict(client, text, auto_merge=auto)
    assert kinds(results) == expected
    target = results[1].outcome.effects[0].people[0].cio_id
    await send_all(client, results)
    by_id = await client.get_person(Identifier.id("seq-id"))
    assert by_id is not None
    if auto:  # the older profile (the lead) is kept, with the id; the event lands on it
        assert by_id.cio_id == lead.cio_id == target and by_id.email == "both@example.com"
    else:  # nothing merged: the id person keeps no email, the event lands on it
        assert by_id.email is None and by_id.cio_id == target
