"""Track API v1/v2: URL building per region, auth, exact bodies, response parsing (documented shapes)."""

from __future__ import annotations

import base64

import httpx
import pytest

from cio_tui.customerio.errors import AuthError, InvalidInputError
from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.customerio.models import RegionInfo
from cio_tui.customerio.track import MAX_OP_BYTES, plan_batches
from tests.unit.cio_fakes import SITE_ID, TRACK_KEY, Recorder, make_client


@pytest.mark.parametrize(
    ("region", "host"), [("us", "https://track.customer.io"), ("eu", "https://track-eu.customer.io")]
)
async def test_region_request_and_parsing(region: str, host: str) -> None:
    rec = Recorder(lambda r: httpx.Response(200, json={"url": host, "region": region, "environment_id": 42}))
    async with make_client(rec, region=region) as client:
        info = await client.region()
    assert info == RegionInfo(url=host, region=region, environment_id=42)
    assert str(rec.last.url) == f"{host}/api/v1/accounts/region"
    expected = base64.b64encode(f"{SITE_ID}:{TRACK_KEY}".encode()).decode()
    assert rec.last.headers["authorization"] == f"Basic {expected}"


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (Identifier.id("u1"), "/api/v1/customers/u1"),
        (Identifier.id("a/b c"), "/api/v1/customers/a%2Fb%20c"),
        (Identifier.email("Ann+x@Example.com"), "/api/v1/customers/Ann%2Bx%40Example.com"),
        (Identifier.cio("a3000001"), "/api/v1/customers/cio_a3000001"),
    ],
)
async def test_identify_path_forms_and_body(who: Identifier, path: str) -> None:
    rec = Recorder()
    async with make_client(rec) as client:
        await client.identify(who, {"email": "new@x.co", "plan": "pro", "_update": True})
    req = rec.last
    assert req.method == "PUT" and req.url.raw_path.decode() == path and req.url.host == "track.customer.io"
    assert rec.body() == {"email": "new@x.co", "plan": "pro", "_update": True}


async def test_identify_refuses_misleading_ids_without_sending() -> None:
    rec = Recorder()
    async with make_client(rec) as client:
        with pytest.raises(IdentifierError):
            await client.identify(Identifier.id("someone@example.com"), {})
        with pytest.raises(IdentifierError):
            await client.identify(Identifier.id("cio_abc"), {})
    assert rec.requests == []


async def test_delete_suppress_unsuppress() -> None:
    rec = Recorder()
    who = Identifier.email("a@b.co")
    async with make_client(rec, region="eu") as client:
        await client.delete(who)
        await client.suppress(who)
        await client.unsuppress(Identifier.cio("abc1"))
    got = [(r.method, str(r.url), r.content) for r in rec.requests]
    assert got == [
        ("DELETE", "https://track-eu.customer.io/api/v1/customers/a%40b.co", b""),
        ("POST", "https://track-eu.customer.io/api/v1/customers/a%40b.co/suppress", b""),
        ("POST", "https://track-eu.customer.io/api/v1/customers/cio_abc1/unsuppress", b""),
    ]


async def test_merge_body_uses_raw_forms() -> None:
    rec = Recorder()
    async with make_client(rec) as client:
        await client.merge(Identifier.cio("cio_a3000001"), Identifier.email("b@x.co"))
        with pytest.raises(InvalidInputError):
            await client.merge(Identifier.id("u1"), Identifier.id("u1"))
    assert str(rec.last.url) == "https://track.customer.io/api/v1/merge_customers"
    assert rec.body() == {"primary": {"cio_id": "a3000001"}, "secondary": {"email": "b@x.co"}}
    assert len(rec.requests) == 1


async def test_merge_error_shape_meta_error() -> None:
    rec = Recorder(lambda r: httpx.Response(400, json={"meta": {"error": "primary must have one key"}}))
    async with make_client(rec) as client:
        with pytest.raises(InvalidInputError) as info:
            await client.merge(Identifier.id("u1"), Identifier.id("u2"))
    assert info.value.status == 400 and info.value.details[0].message == "primary must have one key"
    assert "Track API merge" in str(info.value)


async def test_track_event() -> None:
    rec = Recorder()
    async with make_client(rec) as client:
        await client.track_event(Identifier.id("u1"), "purchase", {"amount": 3})
        await client.track_event(Identifier.id("u1"), "ping")
        with pytest.raises(InvalidInputError):
            await client.track_event(Identifier.id("u1"), "x" * 101)
    assert [r.url.path for r in rec.requests] == ["/api/v1/customers/u1/events"] * 2
    assert rec.body(0) == {"name": "purchase", "data": {"amount": 3}}
    assert rec.body(1) == {"name": "ping"}


async def test_entity_and_v2_error_shape() -> None:
    op = {"type": "person", "identifiers": Identifier.id("u1").body(), "action": "identify", "attributes": {"a": 1}}
    rec = Recorder()
    rec.queue.append(httpx.Response(200, json={}))
    rec.queue.append(
        httpx.Response(400, json={"errors": [{"reason": "invalid", "field": "identifiers", "message": "bad"}]})
    )
    async with make_client(rec) as client:
        await client.entity(op)
        with pytest.raises(InvalidInputError) as info:
            await client.entity(op)
        with pytest.raises(InvalidInputError):
            await client.entity({"type": "person", "attributes": {"x": "y" * MAX_OP_BYTES}})
    assert str(rec.requests[0].url) == "https://track.customer.io/api/v2/entity"
    assert rec.body(0) == op
    detail = info.value.details[0]
    assert (detail.message, detail.code, detail.field) == ("bad", "invalid", "identifiers")
    assert len(rec.requests) == 2


async def test_batch_200_and_207_mapped_per_index() -> None:
    ops = [{"type": "person", "identifiers": {"id": f"u{i}"}, "action": "identify"} for i in range(4)]
    rec = Recorder()
    rec.queue.append(httpx.Response(200, json={}))
    rec.queue.append(
        httpx.Response(
            207,
            json={"errors": [{"batch_index": 2, "reason": "required", "field": "identifiers", "message": "missing"}]},
        )
    )
    async with make_client(rec) as client:
        ok = await client.batch(ops)
        partial = await client.batch(ops)
    assert rec.body(0) == {"batch": ops}
    assert str(rec.requests[0].url) == "https://track.customer.io/api/v2/batch"
    assert ok.accepted == [0, 1, 2, 3] and ok.errors == []
    assert partial.accepted == [0, 1, 3]
    assert [(e.batch_index, e.reason, e.field, e.message) for e in partial.errors] == [
        (2, "required", "identifiers", "missing")
    ]


def test_batch_planning_splits_by_size_and_refuses_huge_ops() -> None:
    big = {"type": "person", "attributes": {"x": "y" * 30_000}}
    huge = {"type": "person", "attributes": {"x": "y" * 40_000}}
    ops = [big] * 20 + [huge, big]
    chunks, errors = plan_batches(ops)
    assert [e.batch_index for e in errors] == [20]
    assert sum(len(c) for c in chunks) == 21 and len(chunks) == 2
    assert chunks[0] == list(range(17)) and chunks[1] == [17, 18, 19, 21]  # 17 x 30 KB < 500 KB


async def test_batch_index_offsets_across_chunks() -> None:
    big = {"type": "person", "identifiers": {"id": "u"}, "attributes": {"x": "y" * 30_000}}
    ops = [big] * 20
    rec = Recorder()
    rec.queue.append(httpx.Response(200, json={}))
    rec.queue.append(httpx.Response(207, json={"errors": [{"batch_index": 1, "reason": "r", "message": "m"}]}))
    async with make_client(rec) as client:
        result = await client.batch(ops)
    assert len(rec.requests) == 2
    assert [e.batch_index for e in result.errors] == [18]
    assert result.accepted == [*range(18), 19]


async def test_auth_error_on_track() -> None:
    rec = Recorder(lambda r: httpx.Response(401, json={"meta": {"errors": ["unauthorized"]}}))
    async with make_client(rec) as client:
        with pytest.raises(AuthError) as info:
            await client.region()
    assert info.value.api == "track" and info.value.status == 401
    assert str(info.value).startswith("Track API region check: HTTP 401")
