"""merge_customers, Track v2 entity/batch and the ID-only workspace mode over a loopback sandbox."""

from __future__ import annotations

import pytest

from tests.integration.conftest import SandboxApi


def test_merge_moves_history_fills_attributes_and_deletes_secondary(api: SandboxApi, sandbox_clock) -> None:
    api.identify("prim", {"email": "prim@test.io", "plan": "pro", "city": ""})
    sandbox_clock.advance(10)
    api.identify("sec", {"email": "sec@test.io", "plan": "free", "company": "Acme", "city": "Rome"})
    api.track("POST", "/api/v1/customers/sec/events", json={"name": "Clicked"})
    api.track("PUT", "/api/v1/customers/sec/devices", json={"device": {"id": "d-1", "platform": "android"}})
    sec_cio = api.person("sec")["identifiers"]["cio_id"]
    r = api.merge({"id": "prim"}, {"email": "SEC@test.io"})
    assert (r.status_code, r.json()) == (200, {})
    assert api.person("sec") is None and api.by_email("sec@test.io") == []
    merged = api.person("prim")
    assert merged["attributes"]["plan"] == "pro"  # primary wins
    assert merged["attributes"]["company"] == "Acme" and merged["attributes"]["city"] == "Rome"  # filled
    assert merged["identifiers"]["email"] == "prim@test.io"
    assert [d["id"] for d in merged["devices"]] == ["d-1"]
    types = [a["type"] for a in api.activities("prim")]
    assert types[0] == "profile_merge" and "event" in types and types.count("profile_create") == 2
    assert api.activities("prim", "profile_merge")[0]["data"]["merged_cio_id"] == sec_cio


def test_merge_without_primary_does_nothing_and_bad_bodies_are_400(api: SandboxApi) -> None:
    api.identify("lonely", {"email": "lonely@test.io"})
    assert api.merge({"id": "ghost"}, {"id": "lonely"}).status_code == 200
    assert api.person("lonely") is not None
    two_keys = api.merge({"id": "lonely", "email": "lonely@test.io"}, {"id": "x"})
    assert two_keys.status_code == 400 and "exactly one" in two_keys.json()["meta"]["error"]
    assert api.merge({"phone": "+1"}, {"id": "x"}).status_code == 400
    assert api.track("POST", "/api/v1/merge_customers", json={"primary": {"id": "a"}}).status_code == 400


def test_v2_entity_and_batch(api: SandboxApi) -> None:
    op = {
        "type": "person",
        "identifiers": {"id": "v2-1"},
        "action": "identify",
        "attributes": {"email": "v2@test.io", "plan": "pro"},
    }
    assert api.track("POST", "/api/v2/entity", json=op).json() == {}
    assert api.person("v2-1")["identifiers"]["email"] == "v2@test.io"
    bad = api.track("POST", "/api/v2/entity", json={**op, "identifiers": {"id": "a", "email": "b@c.de"}})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "identifiers"
    batch = [
        {"type": "person", "identifiers": {"id": "v2-2"}, "action": "identify", "attributes": {"a": 1}},
        {"type": "person", "identifiers": {"id": "v2-3"}, "action": "identify", "attributes": {"big": "x" * 1001}},
        {"type": "person", "identifiers": {"id": "v2-2"}, "action": "event", "name": "Paid"},
        {"type": "person", "action": "merge", "primary": {"id": "v2-1"}, "secondary": {"id": "v2-2"}},
    ]
    r = api.track("POST", "/api/v2/batch", json={"batch": batch})
    assert r.status_code == 207
    assert [e["batch_index"] for e in r.json()["errors"]] == [1]
    assert api.person("v2-2") is None and api.person("v2-3") is None
    assert api.activities("v2-1", "event")[0]["name"] == "Paid"
    big = {"batch": [op] * 1, "pad": "x" * (500 * 1024)}
    assert api.track("POST", "/api/v2/batch", json=big).status_code == 400
    huge = {**op, "attributes": {f"k{i}": "v" * 900 for i in range(40)}}
    assert api.track("POST", "/api/v2/entity", json=huge).status_code == 400  # > 32 KB


@pytest.mark.parametrize("sandbox_server", [{"mode": "id_only", "people": 20}], indirect=True)
def test_id_only_mode(api: SandboxApi) -> None:
    api.identify("io-1", {"email": "shared@test.io"})
    api.identify("io-2", {"email": "Shared@test.io"})
    assert sorted(p["id"] for p in api.by_email("shared@test.io")) == ["io-1", "io-2"]  # not unique
    api.identify("mail@test.io", {})  # an email-shaped path is an id here
    assert api.person("mail@test.io")["identifiers"]["id"] == "mail@test.io"
    r = api.app("GET", "/v1/customers/shared%40test.io/attributes", params={"id_type": "email"})
    assert r.status_code == 400 and r.json()["errors"][0]["status"] == "400"
    assert api.merge({"email": "shared@test.io"}, {"id": "io-2"}).status_code == 400
    assert api.merge({"id": "io-1"}, {"id": "io-2"}).status_code == 200
    assert [p["id"] for p in api.by_email("shared@test.io")] == ["io-1"]
