"""Identity card: lookups by each kind, flagged activities, ambiguity and scoped keys."""

from __future__ import annotations

import httpx

from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.card import build_card
from tests.unit.cio_fakes import Recorder, make_client

PERSON = {
    "customer": {
        "identifiers": {"cio_id": "c1", "id": "u1", "email": "ann@x.co"},
        "attributes": {"plan": "pro"},
        "devices": [],
    }
}
ACTS = {
    None: [
        {"id": "a1", "type": "attribute_change", "timestamp": 300},
        {"id": "a2", "type": "profile_merge", "timestamp": 200},
    ],
    "failed_attribute_change": [
        {"id": "a3", "type": "failed_attribute_change", "timestamp": 100, "data": {"attribute": "email"}}
    ],
    "profile_merge": [{"id": "a2", "type": "profile_merge", "timestamp": 200}],
}


def workspace(request: httpx.Request) -> httpx.Response:
    path, params = request.url.path, request.url.params
    if path == "/v1/customers" and request.method == "GET":
        email = params["email"]
        results = [{"cio_id": "c1", "id": "u1", "email": email}, {"cio_id": "c9", "id": "u9", "email": email}]
        return httpx.Response(200, json={"results": results if email == "ann@x.co" else []})
    if path.endswith("/attributes"):
        ok = (params["id_type"], path.split("/")[3]) in {("id", "u1"), ("cio_id", "c1")}
        return httpx.Response(200, json=PERSON) if ok else httpx.Response(404, json={"errors": [{"detail": "nf"}]})
    if path.endswith("/segments"):
        return httpx.Response(200, json={"segments": [{"id": 3, "name": "VIP"}]})
    if path.endswith("/activities"):
        return httpx.Response(200, json={"activities": ACTS[params.get("type")]})
    if path.endswith("/messages"):
        return httpx.Response(403, json={"errors": [{"detail": "forbidden", "status": "403"}]})
    raise AssertionError(path)


async def test_card_by_id_flags_and_scoped_messages() -> None:
    rec = Recorder(workspace)
    async with make_client(rec) as client:
        card = await build_card(client, Identifier.id("u1"))
    assert card is not None
    assert card.person.cio_id == "c1" and card.lookup_used == Identifier.cio("c1")
    assert [s.name for s in card.segments] == ["VIP"]
    assert [(a.id, a.flag) for a in card.activities] == [
        ("a1", None),
        ("a2", "profile merge"),
        ("a3", "failed attribute change"),
    ]
    assert [a.id for a in card.flagged] == ["a2", "a3"]
    assert card.messages is None and card.warnings == ["the App API key may not read messages"]
    later = [r.url.path for r in rec.requests[1:]]
    assert all(p.startswith("/v1/customers/c1/") for p in later)
    assert all(r.url.params["id_type"] == "cio_id" for r in rec.requests[1:])


async def test_card_by_email_resolves_through_email_lookup_and_reports_others() -> None:
    rec = Recorder(workspace)
    async with make_client(rec) as client:
        card = await build_card(client, Identifier.detect("ann@x.co"))
    assert card.person.id == "u1" and [o.cio_id for o in card.others] == ["c9"]
    assert "2 people share this email" in card.warnings[0]
    data = card.model_dump(mode="json")
    assert data["lookup"] == {"kind": "email", "value": "ann@x.co"}
    assert data["activities"][1]["flag"] == "profile merge"


async def test_card_missing_person_is_none() -> None:
    async with make_client(Recorder(workspace)) as client:
        assert await build_card(client, Identifier.id("ghost")) is None
        assert await build_card(client, Identifier.email("ghost@x.co")) is None
