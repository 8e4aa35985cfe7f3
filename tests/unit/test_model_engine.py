"""The engine's public API as its docstring shows it, and the behaviours of the issue on an in-memory workspace."""

from __future__ import annotations

import json

from cio_tui.model import Engine, MemoryStorage, Person, WorkspaceSettings
from cio_tui.model.timeconv import to_unix

NOW = 1_700_000_000


def engine(**settings: object) -> tuple[Engine, MemoryStorage]:
    store = MemoryStorage()
    return Engine(store, WorkspaceSettings(**settings), clock=lambda: NOW, record=True), store  # type: ignore[arg-type]


def test_docstring_example() -> None:
    e, store = engine()
    store.add_person(Person(pk=1, cio_id="a3000001", id=None, email="lead@x.io", created_at=100, updated_at=100))
    result = e.execute(
        "POST",
        "/api/v2/entity",
        {"type": "person", "action": "identify", "identifiers": {"id": "u1"}, "attributes": {"email": "lead@x.io"}},
    )
    assert (result.status, result.body, result.record.kind) == (200, {}, "assigns_id_to_lead")
    [change] = result.record.changes
    assert change.to_json()["after"]["identifiers"]["id"] == "u1"
    assert "v2_identify_like_v1" in result.record.assumed


def test_string_created_at_is_converted() -> None:
    assert to_unix("2024-01-01") == to_unix("2024-01-01T00:00:00Z") == 1704067200
    assert to_unix("Mon, 01 Jan 2024 00:00:00 GMT") == 1704067200
    assert to_unix("not a date") is None
    e, store = engine()
    assert e.execute("PUT", "/api/v1/customers/u1", {"created_at": "2024-01-01T01:00:00+01:00"}).status == 200
    assert store.by_id("u1")[0].created_at == 1704067200
    assert e.execute("PUT", "/api/v1/customers/u2", {"created_at": "whenever"}).status == 400


def test_unsubscribed_spellings() -> None:
    e, store = engine()
    for value, want in (("TRUE", True), ("1", True), (1, True), ("yes", False), (True, True), ("false", False)):
        e.execute("PUT", "/api/v1/customers/u1", {"unsubscribed": value})
        assert store.by_id("u1")[0].unsubscribed is want, value


def test_event_dedupe_trim_screen_and_page_url() -> None:
    e, store = engine()
    path = "/api/v1/customers/u1/events"
    e.execute("POST", path, {"name": "  Paid ", "id": "01A"})
    assert e.execute("POST", path, {"name": "Paid", "id": "01A"}).record.kind == "event_duplicate"
    e.execute("POST", path, {"name": "Home", "type": "screen"})
    e.execute("POST", path, {"name": "https://x.io/p", "type": "page"})
    rows = [(t, n, d.get("url")) for _, t, n, _, d in store.activity_rows(store.by_id("u1")[0].cio_id)]
    assert rows[1:] == [("event", "Paid", None), ("screen", "Home", None), ("page", "https://x.io/p", "https://x.io/p")]


def test_anonymous_events_merge_within_30_days_unless_off() -> None:
    for merge, expected in ((True, ["watched"]), (False, [])):
        e, store = engine(anonymous_merge=merge)
        e.execute("POST", "/api/v1/events", {"anonymous_id": "a1", "name": "watched", "timestamp": NOW - 86400})
        e.execute("POST", "/api/v1/events", {"anonymous_id": "a1", "name": "ancient", "timestamp": NOW - 40 * 86400})
        e.execute(
            "POST",
            "/api/v2/entity",
            {"type": "person", "action": "identify", "identifiers": {"id": "u1"}, "attributes": {"anonymous_id": "a1"}},
        )
        cio = store.by_id("u1")[0].cio_id
        assert [n for _, t, n, _, _ in store.activity_rows(cio) if t == "event"] == expected


def test_phone_identifiers_only_when_enabled() -> None:
    body = {"type": "person", "action": "identify", "identifiers": {"phone": "+14155550100"}, "attributes": {}}
    assert engine()[0].execute("POST", "/api/v2/entity", body).status == 400
    e, store = engine(phone_identifiers=True)
    assert e.execute("POST", "/api/v2/entity", body).record.kind == "creates_person"
    assert store.by_phone("+14155550100")


def test_older_v2_update_is_ignored_behind_its_setting() -> None:
    def body(plan: str, ts: int) -> dict[str, object]:
        return {
            "type": "person",
            "action": "identify",
            "identifiers": {"id": "u1"},
            "attributes": {"plan": plan},
            "timestamp": ts,
        }

    e, store = engine()
    e.execute("POST", "/api/v2/entity", body("new", NOW))
    rec = e.execute("POST", "/api/v2/entity", body("old", NOW - 10)).record
    assert rec.kind == "update_ignored_older" and "timestamp_order" in rec.assumed
    assert store.by_id("u1")[0].attrs["plan"] == "new"
    e, store = engine(ignore_older_updates=False)
    e.execute("POST", "/api/v2/entity", body("new", NOW))
    e.execute("POST", "/api/v2/entity", body("old", NOW - 10))
    assert store.by_id("u1")[0].attrs["plan"] == "old"


def test_merge_moves_only_the_last_30_days_of_events() -> None:
    e, store = engine()
    for uid in ("p", "s"):
        e.execute("PUT", f"/api/v1/customers/{uid}", {})
    e.execute("POST", "/api/v1/customers/s/events", {"name": "old", "timestamp": NOW - 31 * 86400})
    e.execute("POST", "/api/v1/customers/s/events", {"name": "new", "timestamp": NOW - 29 * 86400})
    e.execute("POST", "/api/v1/merge_customers", {"primary": {"id": "p"}, "secondary": {"id": "s"}})
    names = [n for _, t, n, _, _ in store.activity_rows(store.by_id("p")[0].cio_id) if t == "event"]
    assert names == ["new"] and not store.by_id("s")


def test_keep_history_off_keeps_people_not_events() -> None:
    store = MemoryStorage(keep_history=False)
    e = Engine(store, clock=lambda: NOW)
    for i in range(100):
        e.execute("POST", "/api/v1/customers/u1/events", {"name": f"e{i}"})
    assert store.by_id("u1") and store.activity_rows(store.by_id("u1")[0].cio_id) == []


def test_event_data_limits_hold_whether_or_not_the_operation_was_measured() -> None:
    """v1 events measure their data (100,000 bytes); a v2 entity or batch item is measured whole (32 KB) first, so
    its event data needs no second measure, and oversized data is still refused."""
    e, _store = engine()
    big = {"blob": "x" * 100_001}
    refused = e.execute("POST", "/api/v1/customers/u1/events", {"name": "E", "data": big})
    assert refused.status == 400 and "event data is larger than 100000 bytes" in str(refused.body)
    assert e.execute("POST", "/api/v1/customers/u1/events", {"name": "E", "data": {"blob": "x" * 99_000}}).status == 200
    entity = {"type": "person", "action": "event", "name": "E", "identifiers": {"id": "u1"}, "attributes": big}
    too_large = e.execute("POST", "/api/v2/entity", entity)
    assert too_large.status == 400 and '"reason": "too_large"' in json.dumps(too_large.body)
    batch = e.execute("POST", "/api/v2/batch", {"batch": [entity, {**entity, "attributes": {"a": 1}}]})
    assert batch.status == 207
    assert json.loads(json.dumps(batch.body))["errors"][0]["batch_index"] == 0
    assert len(json.loads(json.dumps(batch.body))["errors"]) == 1
    ok = e.execute("POST", "/api/v2/entity", {**entity, "attributes": {"blob": "x" * 30_000}})
    assert ok.status == 200 and ok.record.kind == "event_on_person"


def test_a_body_with_nan_infinity_or_an_out_of_range_number_is_not_json() -> None:
    """``json.loads`` makes floats of ``NaN``, ``Infinity`` and ``1e999``; JSON has no such numbers, and a body
    holding one is refused as invalid, never run (it used to stop the engine converting the timestamp)."""
    bodies = [
        b'{"type":"person","action":"event","identifiers":{"id":"u1"},"name":"x","timestamp":NaN}',
        b'{"type":"person","action":"identify","identifiers":{"id":"u1"},"attributes":{},"timestamp":Infinity}',
        b'{"type":"person","action":"identify","identifiers":{"id":"u1"},"attributes":{"x":-Infinity}}',
        b'{"type":"person","action":"identify","identifiers":{"id":"u1"},"attributes":{},"timestamp":1e999}',
    ]
    for shortcuts in (True, False):
        e, store = engine()
        e._shortcuts = shortcuts
        for raw in bodies:
            result = e.execute_raw("POST", "/api/v2/entity", raw)
            assert (result.status, result.body["errors"][0]["message"]) == (400, "the request body is not valid JSON")
        assert e.execute_raw("PUT", "/api/v1/customers/u1", b'{"created_at": NaN}').status == 400
        assert store.by_id("u1") == []
        ok = b'{"type":"person","action":"identify","identifiers":{"id":"u1"},"attributes":{"x":1.5e3}}'
        assert e.execute_raw("POST", "/api/v2/entity", ok).status == 200
        assert store.by_id("u1")[0].attrs["x"] == 1500.0
