"""App API: requests (paths, id_type, query, bodies, Bearer auth) and parsing of the documented answer shapes."""

from __future__ import annotations

import json

import httpx
import pytest

from cio_tui.customerio.errors import InvalidInputError, NotFoundError, UncertainWriteError
from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Device, PersonRef
from tests.unit.cio_fakes import APP_KEY, Recorder, make_client

ATTRIBUTES_ANSWER = {
    "customer": {
        "id": "u1",
        "identifiers": {"email": "ann@example.com", "id": "u1", "cio_id": "a3000001"},
        "attributes": {
            "cio_id": "a3000001",
            "created_at": "1600000000",
            "email": "ann@example.com",
            "id": "u1",
            "plan": "pro",
            "vip": True,
            "score": 7,
        },
        "timestamps": {"cio_id": 1600000000, "created_at": 1600000000},
        "unsubscribed": False,
        "devices": [{"id": "dev-1", "platform": "ios", "last_used": 1700000000}],
    }
}


async def test_customers_by_email_encodes_plus_and_parses_results() -> None:
    answer = {
        "results": [{"email": "a+b@x.co", "id": None, "cio_id": "c1"}, {"email": "a+b@x.co", "id": "7", "cio_id": "c2"}]
    }
    rec = Recorder(lambda r: httpx.Response(200, json=answer))
    async with make_client(rec, region="eu") as client:
        refs = await client.customers_by_email(" a+b@x.co ")
    assert str(rec.last.url) == "https://api-eu.customer.io/v1/customers?email=a%2Bb%40x.co"
    assert rec.last.headers["authorization"] == f"Bearer {APP_KEY}"
    assert refs == [PersonRef(cio_id="c1", email="a+b@x.co"), PersonRef(cio_id="c2", id="7", email="a+b@x.co")]
    assert refs[0].is_lead and not refs[1].is_lead


async def test_customers_by_email_no_match() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json={"results": []}))
    async with make_client(rec) as client:
        assert await client.customers_by_email("nobody@example.invalid") == []


@pytest.mark.parametrize(
    ("who", "url"),
    [
        (Identifier.id("u1"), "https://api.customer.io/v1/customers/u1/attributes?id_type=id"),
        (
            Identifier.email("ann@example.com"),
            "https://api.customer.io/v1/customers/ann%40example.com/attributes?id_type=email",
        ),
        (Identifier.cio("cio_a3000001"), "https://api.customer.io/v1/customers/a3000001/attributes?id_type=cio_id"),
    ],
)
async def test_get_person_request_and_parsing(who: Identifier, url: str) -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=ATTRIBUTES_ANSWER))
    async with make_client(rec) as client:
        person = await client.get_person(who)
    assert str(rec.last.url) == url
    assert (person.cio_id, person.id, person.email) == ("a3000001", "u1", "ann@example.com")
    attrs = person.attributes
    assert (attrs["plan"], attrs["vip"], attrs["score"]) == ("pro", "true", "7")
    assert person.devices == [Device(id="dev-1", platform="ios", last_used=1700000000)]
    assert person.created_at == 1600000000 and person.unsubscribed is False


async def test_get_person_404_is_none() -> None:
    rec = Recorder(lambda r: httpx.Response(404, json={"errors": [{"detail": "resource not found", "status": "404"}]}))
    async with make_client(rec) as client:
        assert await client.get_person(Identifier.id("ghost")) is None
    assert len(rec.requests) == 1  # 404 is not retried


async def test_get_people_splits_by_kind_and_by_100() -> None:
    def respond(request: httpx.Request) -> httpx.Response:
        ids = json.loads(request.content)["ids"]
        kind = request.url.params["id_type"]
        customers = [{"customer": {"identifiers": {"cio_id": f"c-{v}", kind: v}, "attributes": {}}} for v in ids[:1]]
        return httpx.Response(200, json={"customers": customers})

    rec = Recorder(respond)
    who = [Identifier.id(f"u{i}") for i in range(150)] + [Identifier.email("a@b.co"), Identifier.id("u0")]
    async with make_client(rec) as client:
        found = await client.get_people(who)
    calls = [(r.method, r.url.path, r.url.params["id_type"], len(json.loads(r.content)["ids"])) for r in rec.requests]
    assert calls == [
        ("POST", "/v1/customers/attributes", "id", 100),
        ("POST", "/v1/customers/attributes", "id", 50),
        ("POST", "/v1/customers/attributes", "email", 1),
    ]
    assert [p.cio_id for p in found] == ["c-u0", "c-u100", "c-a@b.co"]
    assert found[2].email == "a@b.co"


async def test_get_people_accepts_unwrapped_customers() -> None:
    answer = {"customers": [{"identifiers": {"cio_id": "c9", "id": "u9"}, "attributes": {"a": "1"}}]}
    rec = Recorder(lambda r: httpx.Response(200, json=answer))
    async with make_client(rec) as client:
        found = await client.get_people([Identifier.id("u9")])
    assert [(p.cio_id, p.id, p.attributes) for p in found] == [("c9", "u9", {"a": "1"})]


LEADS = {
    "and": [
        {"attribute": {"field": "email", "operator": "exists"}},
        {"not": {"attribute": {"field": "id", "operator": "exists"}}},
    ]
}


async def test_search_request_and_paging() -> None:
    pages = [
        {"identifiers": [{"email": "a@x.co", "id": None, "cio_id": "c1"}], "ids": [""], "next": "tok1"},
        {"identifiers": [{"email": "b@x.co", "id": "", "cio_id": "c2"}], "ids": [""], "next": ""},
    ]
    rec = Recorder()
    rec.queue.extend(httpx.Response(200, json=p) for p in pages)
    async with make_client(rec) as client:
        found = [ref async for ref in client.iter_search(LEADS, limit=2)]
        with pytest.raises(InvalidInputError):
            await client.search(LEADS, limit=1001)
    assert [r.cio_id for r in found] == ["c1", "c2"] and all(r.is_lead for r in found)
    assert [str(r.url) for r in rec.requests] == [
        "https://api.customer.io/v1/customers?limit=2",
        "https://api.customer.io/v1/customers?start=tok1&limit=2",
    ]
    assert rec.body(0) == {"filter": LEADS}


async def test_iter_search_stops_on_repeated_token() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json={"identifiers": [{"cio_id": "c1"}], "next": "same"}))
    async with make_client(rec) as client:
        found = [ref async for ref in client.iter_search(LEADS)]
    assert len(found) == 2 and len(rec.requests) == 2


async def test_segments_activities_messages() -> None:
    answers = {
        "/v1/customers/u1/segments": {
            "segments": [
                {
                    "id": 7,
                    "deduplicate_id": "7:1",
                    "name": "VIP",
                    "description": "",
                    "state": "finished",
                    "type": "dynamic",
                }
            ]
        },
        "/v1/customers/u1/activities": {
            "activities": [
                {
                    "id": "01A",
                    "customer_id": "u1",
                    "timestamp": 1700000000,
                    "type": "attribute_change",
                    "name": "plan",
                    "data": {"from": "a", "to": "b"},
                },
                {"id": 2, "timestamp": 1700000100, "type": "failed_attribute_change", "data": {}},
                {"id": "bad", "type": "x"},
            ],
            "next": "",
        },
        "/v1/customers/u1/messages": {
            "messages": [
                {"id": "m1", "type": "email", "subject": "Hi", "created": 1700000000, "metrics": {"sent": 1700000001}}
            ]
        },
    }
    rec = Recorder(lambda r: httpx.Response(200, json=answers[r.url.path]))
    who = Identifier.id("u1")
    async with make_client(rec) as client:
        segs = await client.segments(who)
        acts = await client.activities(who, activity_type="failed_attribute_change", limit=10)
        msgs = await client.messages(who, limit=5)
    assert [(s.id, s.name, s.type) for s in segs] == [(7, "VIP", "dynamic")]
    assert [(a.id, a.type) for a in acts] == [("2", "failed_attribute_change"), ("01A", "attribute_change")]
    assert acts[1].data == {"from": "a", "to": "b"} and acts[1].customer_id == "u1"
    assert [(m.id, m.subject, m.created) for m in msgs] == [("m1", "Hi", 1700000000)]
    assert [str(r.url) for r in rec.requests] == [
        "https://api.customer.io/v1/customers/u1/segments?id_type=id",
        "https://api.customer.io/v1/customers/u1/activities?id_type=id&type=failed_attribute_change&limit=10",
        "https://api.customer.io/v1/customers/u1/messages?id_type=id&limit=5",
    ]


async def test_workspaces() -> None:
    answer = {
        "workspaces": [
            {
                "id": 1,
                "name": "Prod",
                "messages_sent": 10,
                "billable_messages_sent": 9,
                "people": 1234,
                "object_types": 0,
                "objects": 0,
            }
        ]
    }
    rec = Recorder(lambda r: httpx.Response(200, json=answer))
    async with make_client(rec) as client:
        ws = await client.workspaces()
    assert [(w.id, w.name, w.people, w.messages_sent) for w in ws] == [(1, "Prod", 1234, 10)]
    assert str(rec.last.url) == "https://api.customer.io/v1/workspaces"


EXPORT = {
    "export": {
        "id": 55,
        "type": "customers",
        "status": "pending",
        "failed": False,
        "total": 0,
        "downloads": 0,
        "description": "people",
        "created_at": 1700000000,
        "updated_at": 1700000000,
        "user_id": 1,
        "user_email": "ops@x.co",
        "deduplicate_id": "55:1",
    }
}


async def test_export_start_poll_download(tmp_path) -> None:
    done = {"export": {**EXPORT["export"], "status": "done", "total": 2}}

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.host == "files.example.com":
            assert "authorization" not in request.headers
            return httpx.Response(200, content=b"id,email\nu1,a@x.co\n")
        return {
            ("POST", "/v1/exports/customers"): lambda: httpx.Response(200, json=EXPORT),
            ("GET", "/v1/exports/55"): lambda: httpx.Response(200, json=done),
            ("GET", "/v1/exports/55/download"): lambda: httpx.Response(
                200, json={"link": "https://files.example.com/e55.csv?sig=x"}
            ),
        }[(request.method, request.url.path)]()

    rec = Recorder(respond)
    dest = tmp_path / "out" / "people.csv"
    async with make_client(rec) as client:
        started = await client.start_export({"segment": {"id": 3}}, ["plan"])
        status = await client.get_export(55)
        await client.download_export(55, dest)
    assert rec.body(0) == {"filters": {"segment": {"id": 3}}, "attributes": ["plan"]}
    assert (started.id, started.status, started.total) == (55, "pending", 0)
    assert (status.status, status.total) == ("done", 2)
    assert dest.read_bytes() == b"id,email\nu1,a@x.co\n"
    assert not (tmp_path / "out" / "people.csv.part").exists()


@pytest.mark.parametrize("answer", [httpx.Response(503), httpx.Response(520), httpx.ReadTimeout("slow")])
async def test_starting_an_export_is_never_retried_blindly_it_may_have_started(answer) -> None:
    # each request that reaches Customer.io may start one more export job: a 5xx or a lost answer is not retried
    rec = Recorder(lambda r: httpx.Response(200, json=EXPORT))
    rec.queue.append(answer)
    async with make_client(rec) as client:
        with pytest.raises(UncertainWriteError) as err:
            await client.start_export({"segment": {"id": 3}})
    assert [(r.method, r.url.path) for r in rec.requests] == [("POST", "/v1/exports/customers")]
    text = str(err.value)
    assert "start export" in text and "an export job may have started" in text
    assert "Data & Integrations > Exports" in text and "--from-export" in text
    assert "reconcile" not in text  # no person to read back


async def test_starting_an_export_is_retried_when_it_surely_did_not_arrive() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json=EXPORT))
    rec.queue += [httpx.ConnectError("refused"), httpx.Response(429)]
    async with make_client(rec) as client:
        assert (await client.start_export({"segment": {"id": 3}})).id == 55
    assert len(rec.requests) == 3


async def test_export_download_accepts_url_field_and_unknown_export() -> None:
    rec = Recorder()
    rec.queue.append(httpx.Response(200, json={"url": "https://files.example.com/a"}))
    rec.queue.append(httpx.Response(404, json={"errors": [{"detail": "resource not found", "status": "404"}]}))
    async with make_client(rec) as client:
        assert await client.export_link(1) == "https://files.example.com/a"
        with pytest.raises(NotFoundError):
            await client.get_export(2)


async def test_failed_export_status() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json={"export": {**EXPORT["export"], "failed": True}}))
    async with make_client(rec) as client:
        info = await client.wait_export(55)
    assert info.status == "failed" and info.failed
