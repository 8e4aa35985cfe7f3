"""``cio-tui preview --subscriptions``: test vectors of our own, made from the cases of the Customer.io (Actions)
destination's tests in segmentio/action-destinations (default mappings, mappings changed by the operator, fields
left unmapped by older mappings, validation), run through the command exactly as an operator runs it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, default_mapping

TS = "2024-03-01T10:00:00.000Z"
TS_UNIX = 1709287200
BIRTH = "1990-01-01T00:00:00.000Z"
BIRTH_UNIX = 631152000


def subscription(slug: str, *, drop: tuple[str, ...] = (), title: str = "", **overrides: Any) -> dict[str, Any]:
    """A subscription as the Public API returns it: Quick Setup defaults, minus ``drop``, plus ``overrides``."""
    settings = {k: v for k, v in default_mapping(slug).items() if k not in drop}
    settings.update(overrides)
    settings["enable_batching"] = overrides.get("enable_batching", False)  # the destination tests' single path
    return {
        "id": f"sub-{slug}",
        "name": title or slug,
        "actionId": f"act-{slug}",
        "actionSlug": slug,
        "destinationId": "dest1",
        "enabled": True,
        "trigger": DEFAULT_TRIGGERS[slug],
        "settings": settings,
        "modelId": "",
    }


def run_preview(tmp_path: Path, subs: list[dict[str, Any]], *calls: dict[str, Any]) -> tuple[int, dict, str]:
    (tmp_path / "subs.json").write_text(json.dumps({"data": {"subscriptions": subs, "pagination": {}}}))
    (tmp_path / "calls.jsonl").write_text("\n".join(json.dumps(c) for c in calls))
    result = CliRunner().invoke(
        main,
        [
            "preview",
            "--offline",
            "--json",
            "--subscriptions",
            str(tmp_path / "subs.json"),
            str(tmp_path / "calls.jsonl"),
        ],
        catch_exceptions=False,
    )
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else {}, result.stderr


def actions_of(out: dict, n: int = 0) -> dict[str, Any]:
    return out["results"][n]["actions"]


PERSON_TRAITS = {"full_name": "Test User", "email": "test@example.com", "created_at": TS,
                 "person": {"over18": True, "identification": "valid", "birthdate": BIRTH}}  # fmt: skip
IDENTIFY = {"type": "identify", "userId": "abc123", "anonymousId": "unknown_123", "timestamp": TS,
            "messageId": "m-1", "traits": PERSON_TRAITS}  # fmt: skip
TRACK = {"type": "track", "userId": "abc123", "anonymousId": "anon-1", "event": "testEvent", "messageId": "m-2",
         "timestamp": TS, "properties": {"property1": "this is a test", "person": {"birthdate": BIRTH}}}  # fmt: skip
PAGE = {"type": "page", "anonymousId": "anonymous123", "messageId": "m-3", "timestamp": TS,
        "properties": {"property1": "this is a test", "url": "https://example.com/page-one"}}  # fmt: skip

VECTORS: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = [
    (
        "createUpdatePerson with default mappings converts ISO dates",
        subscription("createUpdatePerson"),
        IDENTIFY,
        {"type": "person", "action": "identify", "identifiers": {"id": "abc123"}, "timestamp": TS_UNIX,
         "attributes": {"full_name": "Test User", "email": "test@example.com", "created_at": TS_UNIX,
                        "person": {"over18": True, "identification": "valid", "birthdate": BIRTH_UNIX},
                        "anonymous_id": "unknown_123"}},
    ),
    (
        "createUpdatePerson with convert_timestamp false keeps ISO strings (the timestamp is still unix)",
        subscription("createUpdatePerson", convert_timestamp=False),
        IDENTIFY,
        {"type": "person", "action": "identify", "identifiers": {"id": "abc123"}, "timestamp": TS_UNIX,
         "attributes": {**PERSON_TRAITS, "anonymous_id": "unknown_123"}},
    ),
    (
        "createUpdatePerson with relationship_attributes unmapped sends the relationship without them",
        subscription("createUpdatePerson", drop=("relationship_attributes",)),
        {**IDENTIFY, "traits": {"email": "test@example.com", "objectId": "g1",
                                "relationshipAttributes": {"role": "admin"}}},
        {"type": "person", "action": "identify", "identifiers": {"id": "abc123"}, "timestamp": TS_UNIX,
         "attributes": {"email": "test@example.com", "objectId": "g1", "anonymous_id": "unknown_123"},
         "cio_relationships": [{"identifiers": {"object_type_id": "1", "object_id": "g1"}}]},
    ),
    (
        "trackEvent maps messageId to the event id",
        subscription("trackEvent"),
        TRACK,
        {"type": "person", "action": "event", "name": "testEvent", "id": "m-2", "identifiers": {"id": "abc123"},
         "timestamp": TS_UNIX,
         "attributes": {"property1": "this is a test", "person": {"birthdate": BIRTH_UNIX}, "anonymous_id": "anon-1"}},
    ),
    (
        "trackEvent with convert_timestamp false keeps nested dates",
        subscription("trackEvent", convert_timestamp=False),
        TRACK,
        {"type": "person", "action": "event", "name": "testEvent", "id": "m-2", "identifiers": {"id": "abc123"},
         "timestamp": TS_UNIX,
         "attributes": {"property1": "this is a test", "person": {"birthdate": BIRTH}, "anonymous_id": "anon-1"}},
    ),
    (
        "trackEvent made before event_id existed sends no id",
        subscription("trackEvent", drop=("event_id",)),
        TRACK,
        {"type": "person", "action": "event", "name": "testEvent", "identifiers": {"id": "abc123"},
         "timestamp": TS_UNIX,
         "attributes": {"property1": "this is a test", "person": {"birthdate": BIRTH_UNIX}, "anonymous_id": "anon-1"}},
    ),
    (
        "trackPageView with event_id unmapped, anonymous",
        subscription("trackPageView", drop=("event_id",)),
        PAGE,
        {"type": "person", "action": "page", "name": "https://example.com/page-one", "timestamp": TS_UNIX,
         "identifiers": {"anonymous_id": "anonymous123"},
         "attributes": {"property1": "this is a test", "url": "https://example.com/page-one"}},
    ),
    (
        "createUpdateObject for an anonymous user is identify_anonymous",
        subscription("createUpdateObject"),
        {"type": "group", "anonymousId": "anon-9", "groupId": "grp123", "timestamp": TS,
         "traits": {"objectAttributes": {"name": "Acme"}}},
        {"type": "object", "action": "identify_anonymous",
         "identifiers": {"object_id": "grp123", "object_type_id": "1"},
         "attributes": {"name": "Acme", "anonymous_id": "anon-9"},
         "cio_relationships": [{"identifiers": {"anonymous_id": "anon-9"}}]},
    ),
    (
        "an operator's own mapping: @if, @template, @case, @replace and literals",
        subscription(
            "trackEvent",
            drop=("data",),
            id={"@if": {"exists": {"@path": "$.userId"}, "then": {"@path": "$.userId"},
                        "else": {"@path": "$.properties.email"}}},
            name={"@replace": {"pattern": " ", "replacement": "_",
                               "value": {"@case": {"operator": "lower", "value": {"@path": "$.event"}}}}},
            event_id={"@template": "seg-{{messageId}}"},
            data={"plan": {"@path": "$.properties.plan"}, "source": "segment", "items": {"@arrayPath": [
                "$.properties.products", {"sku": {"@path": "$.id"}}]}},
        ),
        {"type": "track", "userId": "u7", "event": "Order Placed", "messageId": "m-7",
         "properties": {"plan": "pro", "products": [{"id": "p1", "price": 3}, {"id": "p2"}]}},
        {"type": "person", "action": "event", "name": "order_placed", "id": "seg-m-7", "identifiers": {"id": "u7"},
         "attributes": {"plan": "pro", "source": "segment", "items": [{"sku": "p1"}, {"sku": "p2"}]}},
    ),
]  # fmt: skip


@pytest.mark.parametrize(("title", "sub", "call", "expected"), VECTORS, ids=[v[0] for v in VECTORS])
def test_vector(tmp_path: Path, title: str, sub: dict, call: dict, expected: dict) -> None:
    code, out, err = run_preview(tmp_path, [sub], call)
    assert code == 0, err
    actions = actions_of(out)
    assert actions["errors"] == []
    [request] = actions["requests"]
    assert (request["method"], request["path"], request["subscription"]) == ("POST", "/api/v2/entity", sub["name"])
    assert request["body"] == expected


ERRORS = [
    (
        "a page without properties.url",
        subscription("trackPageView"),
        {"type": "page", "userId": "u1", "properties": {}},
        ["The root value is missing the required field 'url'."],
    ),
    (
        "mergePeople without userId and previousId",
        subscription("mergePeople"),
        {"type": "alias"},
        ["The root value is missing the required field 'primary'.",
         "The root value is missing the required field 'secondary'."],
    ),
    (
        "a delivery metric outside its choices and a timestamp that is not a date",
        subscription("reportDeliveryEvent"),
        {"type": "track", "event": "Report Delivery Event", "timestamp": "not a date",
         "properties": {"deliveryId": "d1", "metric": "read"}},
        ['Metric must be one of: "delivered", "opened", "clicked", "converted", "spammed", "bounced", "dropped", '
         'or "deferred".', "Timestamp must be a valid date-like string but it was not."],
    ),
    (
        "a content event with an actionType outside viewed_content/clicked_content",
        subscription("reportContentEvent"),
        {"type": "track", "event": "Report Content Event", "anonymousId": "a1",
         "properties": {"actionType": "liked_content"}},
        ['Action Type must be one of: "viewed_content" or "clicked_content".'],
    ),
    (
        "attributes mapped from a string: a type error worded with the field's label",
        subscription("createUpdatePerson", custom_attributes={"@path": "$.traits.plan"}),
        {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}},
        ["Person Attributes must be an object but it was a string."],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("title", "sub", "call", "messages"), ERRORS, ids=[e[0] for e in ERRORS])
def test_validation(tmp_path: Path, title: str, sub: dict, call: dict, messages: list[str]) -> None:
    code, out, err = run_preview(tmp_path, [sub], call)
    assert code == 0, err
    actions = actions_of(out)
    assert actions["requests"] == []
    assert [e["message"] for e in actions["errors"]] == messages
    assert {e["subscription"] for e in actions["errors"]} == {sub["name"]}


def test_valid_delivery_metric_goes_to_the_metrics_endpoint(tmp_path: Path) -> None:
    call = {"type": "track", "event": "Report Delivery Event", "timestamp": TS,
            "properties": {"deliveryId": "d1", "metric": "opened", "actionName": "cta"}}  # fmt: skip
    code, out, _ = run_preview(tmp_path, [subscription("reportDeliveryEvent")], call)
    [request] = actions_of(out)["requests"]
    assert (request["path"], request["body"]) == (
        "/api/v1/metrics",
        {"delivery_id": "d1", "metric": "opened", "timestamp": TS_UNIX, "metadata": {"action_name": "cta"}},
    )


def test_triggers_decide_which_subscriptions_fire(tmp_path: Path) -> None:
    orders = subscription("trackEvent", title="Orders only")
    orders["trigger"] = 'type = "track" and (match(event, "Order *") or contains(event, "Refund")) and !(userId = null)'
    everything = subscription("trackEvent", title="Everything")
    everything["trigger"] = 'type = "track"'
    off = subscription("trackEvent", title="Switched off")
    off["enabled"] = False
    calls = [
        {"type": "track", "userId": "u1", "event": "Order Placed"},
        {"type": "track", "userId": "u1", "event": "Big Refund"},
        {"type": "track", "anonymousId": "a1", "event": "Order Placed"},
        {"type": "identify", "userId": "u1"},
    ]
    code, out, _ = run_preview(tmp_path, [orders, everything, off], *calls)
    fired = [[r["subscription"] for r in res["actions"]["requests"]] for res in out["results"]]
    assert fired == [["Orders only", "Everything"], ["Orders only", "Everything"], ["Everything"], []]
    assert out["subscriptions"]["disabled"] == ["'Switched off' (sub-trackEvent)"]


def test_batching_shows_the_batch_body_and_the_events_segment_fails(tmp_path: Path) -> None:
    sub = subscription("trackPageView", enable_batching=True, batch_size=2)
    calls = [{"type": "page", "userId": f"u{i}", "properties": {"url": f"https://x.test/{i}"}} for i in range(1, 4)] + [
        {"type": "page", "userId": "u9", "properties": {}}
    ]
    code, out, _ = run_preview(tmp_path, [sub], *calls)
    first, second = out["batches"]
    assert (first["path"], first["calls"], second["calls"]) == ("/api/v2/batch", [1, 2], [3])
    assert [b["identifiers"] for b in first["body"]["batch"]] == [{"id": "u1"}, {"id": "u2"}]
    assert first["body"]["batch"][0]["name"] == "https://x.test/1"
    assert first["segment_errors"] == [
        {"call": 4, "status": 400, "message": "The root value is missing the required field 'url'."}
    ]


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda s: s.update(trigger='type = "track" and ('), "field trigger: does not parse: expected"),
        (lambda s: s.update(actionSlug="sendSms"), "field actionSlug: unknown action 'sendSms'"),
        (
            lambda s: s["settings"].update(name={"@liquid": "{{ event | upcase }}"}),
            "field settings.name: @liquid is not modelled by this preview",
        ),
    ],
)
def test_bad_subscriptions_name_the_subscription_and_field(tmp_path: Path, mutate: Any, problem: str) -> None:
    sub = subscription("trackEvent", title="My track")
    mutate(sub)
    code, _, err = run_preview(tmp_path, [sub], TRACK)
    assert code == 1
    assert "subscription 'My track' (sub-trackEvent), " + problem in err


def test_text_report_names_the_subscriptions_and_batches(tmp_path: Path) -> None:
    sub = subscription("trackPageView", enable_batching=True)
    (tmp_path / "s.json").write_text(json.dumps({"data": {"subscriptions": [sub]}}))
    (tmp_path / "c.json").write_text(
        json.dumps({"type": "page", "userId": "u1", "properties": {"url": "https://x.test"}})
    )
    result = CliRunner().invoke(main, ["preview", "--offline", "--subscriptions", str(tmp_path / "s.json"),
                                       str(tmp_path / "c.json")])  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Actions mappings: 1 enabled subscription(s): trackPageView (trackPageView)" in result.stdout
    assert "subscription 'trackPageView' (trackPageView): POST /api/v2/entity" in result.stdout
    assert "POST /api/v2/batch, 1 item(s) from call(s) 1" in result.stdout
    assert "Batch 207s predicted on an empty workspace (--offline" in result.stdout


def test_items_customer_io_refuses_come_back_in_a_207(tmp_path: Path) -> None:
    sub = subscription("trackEvent", enable_batching=True)
    calls = [
        {"type": "track", "userId": "u1", "event": "Signed Up"},
        {"type": "track", "userId": "x" * 151, "event": "Signed Up"},  # an id over 150 bytes
    ]
    code, out, _ = run_preview(tmp_path, [sub], *calls)
    [batch] = out["batches"]
    assert batch["status"] == 207
    [error] = batch["response"]["errors"]
    assert error["batch_index"] == 1 and "150 bytes" in error["message"]
    assert batch["segment_errors"] == [{"call": 2, "status": 400, "message": error["message"]}]


def test_notes_say_what_an_older_mapping_leaves_unmapped(tmp_path: Path) -> None:
    sub = subscription("trackEvent", drop=("event_id", "timestamp"), convert_timestamp=False, colour="blue")
    code, out, _ = run_preview(tmp_path, [sub], TRACK)
    notes = out["subscriptions"]["notes"]
    assert any("event_id, timestamp unmapped (the preset maps them): not sent" in n for n in notes)
    assert any("Convert Timestamps is off" in n for n in notes)
    assert any("settings colour are not fields of Track Event" in n for n in notes)
    assert "id" not in actions_of(out)["requests"][0]["body"]  # no event_id: no dedupe id
