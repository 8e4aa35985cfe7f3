"""The Actions destination's default presets, one rule of docs/reference/segment-actions.md per test, exact bodies."""

from __future__ import annotations

from typing import Any

import pytest

from cio_tui.segment.actions import RESERVED_EVENTS, actions_for
from cio_tui.segment.actions_payload import resolve_identifiers
from cio_tui.segment.models import call_from_message
from cio_tui.segment.timestamps import convert_attribute_timestamps, convert_valid_timestamp, parse_strict_iso
from cio_tui.segment.wire import batch_body


def run(message: dict[str, Any], **kw: Any):
    return actions_for(call_from_message(message), **kw)


def body(message: dict[str, Any]) -> dict[str, Any]:
    result = run(message)
    assert not result.errors, result.errors
    [request] = result.requests
    assert (request.method, request.path) == ("POST", "/api/v2/entity")
    return request.body


# -- identify / createUpdatePerson --------------------------------------------------------------------------


def test_identify_full_body() -> None:
    got = body(
        {
            "type": "identify",
            "userId": "u1",
            "anonymousId": "a1",
            "timestamp": "2024-01-01T00:00:00Z",
            "traits": {"email": "a@b.c", "plan": "pro", "createdAt": "2024-01-02T00:00:00Z"},
        }
    )
    assert got == {
        "type": "person",
        "action": "identify",
        "attributes": {"email": "a@b.c", "plan": "pro", "created_at": 1704153600, "anonymous_id": "a1"},
        "timestamp": 1704067200,
        "identifiers": {"id": "u1"},
    }
    assert run({"type": "identify", "userId": "u1"}).requests[0].action == "createUpdatePerson"


@pytest.mark.parametrize(
    ("message", "identifiers"),
    [
        ({"userId": "cio_abc123"}, {"cio_id": "abc123"}),
        ({"userId": "Ada@Example.com"}, {"email": "Ada@Example.com"}),
        ({"userId": "u1", "traits": {"email": "a@b.c"}}, {"id": "u1"}),
        ({"traits": {"email": "a@b.c"}, "anonymousId": "a1"}, {"email": "a@b.c"}),
        ({"anonymousId": "a1"}, {"anonymous_id": "a1"}),
        ({"userId": 42}, {"id": "42"}),
    ],
)
def test_identifier_resolution_order(message: dict, identifiers: dict) -> None:
    assert body({"type": "identify", **message})["identifiers"] == identifiers


def test_identify_with_no_identifier_has_no_identifiers_key() -> None:
    assert "identifiers" not in body({"type": "identify", "traits": {"plan": "x"}})


def test_resolve_identifiers_object_first() -> None:
    assert resolve_identifiers(object_id="o1", person_id="u1") == {"object_id": "o1", "object_type_id": "1"}
    assert resolve_identifiers() is None


def test_anonymous_id_attribute_only_when_identified() -> None:
    assert body({"type": "identify", "userId": "u", "anonymousId": "a"})["attributes"] == {"anonymous_id": "a"}
    assert body({"type": "identify", "anonymousId": "a"})["attributes"] == {}


def test_created_at_wins_over_created_at_camel_and_created_is_not_renamed() -> None:
    got = body(
        {
            "type": "identify",
            "userId": "u",
            "traits": {"created_at": "2020-01-01", "createdAt": "2021-01-01", "created": "2019-01-01"},
        }
    )
    assert got["attributes"] == {"created": 1546300800, "created_at": 1577836800}


def test_object_keys_leave_attributes_and_create_a_relationship() -> None:
    got = body(
        {
            "type": "identify",
            "userId": "u",
            "traits": {
                "objectId": "acme",
                "objectTypeId": "2",
                "relationshipAttributes": {"role": "admin"},
                "plan": "x",
            },
        }
    )
    assert got["attributes"] == {"objectId": "acme", "plan": "x"}
    assert got["cio_relationships"] == [
        {"identifiers": {"object_type_id": "2", "object_id": "acme"}, "relationship_attributes": {"role": "admin"}}
    ]


def test_numeric_created_at_is_coerced_to_a_string_and_not_converted() -> None:
    assert body({"type": "identify", "userId": "u", "traits": {"created_at": 1700000000}})["attributes"] == {
        "created_at": "1700000000"
    }


def test_empty_email_trait_is_removed_on_the_single_path() -> None:
    assert body({"type": "identify", "userId": "u", "traits": {"email": ""}})["attributes"] == {"email": ""}
    assert "email" not in run({"type": "identify", "userId": "u"}).requests[0].body["attributes"]


# -- timestamps -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-02-01", 1548979200),
        ("2007-01-02T18:04:07", 1167761047),
        ("2007-01-02T18:04:07Z", 1167761047),
        ("2007-01-02T18:04:07+02:00", 1167753847),
        ("2007-01-02T18:04:07+0200", 1167753847),
        ("2007-01-02T18:04", 1167761040),
        ("2007-01-02T18:04:07.123Z", 1167761047),
        ("1969-12-31T23:59:59Z", -1),
        ("25 Mar 2015", None),
        ("01/01/2019", None),
        ("2018-03-04T12:08:56.235 PDT", None),
        ("11-Jan-18", None),
        ("2019-02-30", None),
        ("2024-05-01T10:11:48.6527521Z", None),
    ],
)
def test_strict_iso_conversion(value: str, expected: int | None) -> None:
    got = parse_strict_iso(value)
    assert (got[0] if got else None) == expected


def test_attribute_conversion_recurses_objects_not_arrays_and_skips_numbers() -> None:
    converted = convert_attribute_timestamps(
        {"a": "2019-02-01", "n": {"b": "2019-02-01"}, "arr": ["2019-02-01"], "num": 5, "s": "hello"}
    )
    assert converted == {"a": 1548979200, "n": {"b": 1548979200}, "arr": ["2019-02-01"], "num": 5, "s": "hello"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1712345678, 1712345678),
        ("1712345678", "1712345678"),
        ("1712345678.123", "1712345678.123"),
        ("2024-01-01T00:00:00.000Z", 1704067200),
        ("2018-03-04T12:08:56.235 PDT", "2018-03-04T12:08:56.235 PDT"),
        ("Mon, 01 Jan 2024 00:00:00 +0000", 1704067200),
    ],
)
def test_top_level_timestamp_conversion(value: Any, expected: Any) -> None:
    assert convert_valid_timestamp(value) == expected


def test_conversion_report_lists_skipped_and_utc_assumptions() -> None:
    result = run(
        {
            "type": "identify",
            "userId": "u",
            "traits": {"d": "01/02/2020", "l": ["2020-01-01"], "t": "2020-01-01T10:00:00"},
        }
    )
    assert {s.path for s in result.conversions.skipped} == {"attributes.d", "attributes.l[0]"}
    assert result.conversions.assumed_utc == ["attributes.t"]


# -- track and reserved names -----------------------------------------------------------------------------


def test_track_event_body() -> None:
    got = body(
        {
            "type": "track",
            "userId": "u",
            "anonymousId": "a",
            "event": "Paid",
            "messageId": "m1",
            "timestamp": "2024-01-01T00:00:00Z",
            "properties": {"amount": 5, "at": "2024-01-01"},
        }
    )
    assert got == {
        "type": "person",
        "action": "event",
        "name": "Paid",
        "id": "m1",
        "attributes": {"amount": 5, "at": 1704067200, "anonymous_id": "a"},
        "timestamp": 1704067200,
        "identifiers": {"id": "u"},
    }


def test_anonymous_track_uses_anonymous_identifier() -> None:
    got = body({"type": "track", "anonymousId": "a", "event": "E", "properties": {"x": 1}})
    assert got["identifiers"] == {"anonymous_id": "a"} and got["attributes"] == {"x": 1}


def test_track_email_trait_is_not_an_identifier() -> None:
    got = body({"type": "track", "event": "E", "context": {"traits": {"email": "a@b.c"}}})
    assert "identifiers" not in got


@pytest.mark.parametrize("event", sorted(RESERVED_EVENTS))
def test_reserved_names_route_to_their_action(event: str) -> None:
    message = {
        "type": "track",
        "userId": "u",
        "anonymousId": "a",
        "event": event,
        "context": {"device": {"token": "t", "type": "ios"}},
        "properties": {"objectId": "o", "deliveryId": "d", "metric": "opened", "actionType": "viewed_content"},
    }
    result = run(message)
    assert not result.errors
    assert [r.action for r in result.requests] == [RESERVED_EVENTS[event]]
    assert result.requests[0].body.get("action") != "event"


def test_user_deleted_and_suppress_bodies() -> None:
    assert body({"type": "track", "userId": "u", "event": "User Deleted"}) == {
        "type": "person",
        "action": "delete",
        "identifiers": {"id": "u"},
    }
    assert body({"type": "track", "userId": "u", "event": "User Suppressed"})["action"] == "suppress"
    assert body({"type": "track", "userId": "u", "event": "User Unsuppressed"})["action"] == "unsuppress"


def test_device_bodies() -> None:
    ctx = {"device": {"token": "tok", "type": "android"}, "app": {"version": "2.1"}}
    got = body(
        {
            "type": "track",
            "userId": "u",
            "event": "Application Opened",
            "context": ctx,
            "timestamp": "2024-01-01T00:00:00Z",
            "properties": {"k": "v"},
        }
    )
    assert got == {
        "type": "person",
        "action": "add_device",
        "identifiers": {"id": "u"},
        "device": {
            "token": "tok",
            "platform": "android",
            "last_used": 1704067200,
            "attributes": {"k": "v", "app_version": "2.1"},
        },
    }
    assert body({"type": "track", "userId": "u", "event": "Device Deleted", "context": ctx}) == {
        "type": "person",
        "action": "delete_device",
        "device": {"token": "tok"},
        "identifiers": {"id": "u"},
    }


def test_object_and_relationship_deletes() -> None:
    assert body({"type": "track", "event": "Object Deleted", "properties": {"objectId": "o", "objectTypeId": "3"}}) == {
        "type": "object",
        "action": "delete",
        "identifiers": {"object_id": "o", "object_type_id": "3"},
    }
    got = body({"type": "track", "userId": "u", "event": "Relationship Deleted", "properties": {"objectId": "o"}})
    assert got == {
        "type": "object",
        "action": "delete_relationships",
        "cio_relationships": [{"identifiers": {"id": "u"}}],
        "identifiers": {"object_id": "o", "object_type_id": "1"},
    }


def test_report_delivery_event_goes_to_metrics() -> None:
    [request] = run(
        {
            "type": "track",
            "event": "Report Delivery Event",
            "timestamp": "2024-01-01T00:00:00Z",
            "properties": {"deliveryId": "d1", "metric": "clicked", "href": "https://x", "actionName": "n"},
        }
    ).requests
    assert (request.path, request.action) == ("/api/v1/metrics", "reportDeliveryEvent")
    assert request.body == {
        "delivery_id": "d1",
        "metric": "clicked",
        "timestamp": 1704067200,
        "href": "https://x",
        "metadata": {"action_name": "n"},
    }


def test_report_content_event() -> None:
    got = body(
        {
            "type": "track",
            "anonymousId": "a",
            "event": "Report Content Event",
            "properties": {"actionType": "clicked_content", "x": 1},
        }
    )
    assert got == {
        "type": "person",
        "action": "clicked_content",
        "name": "clicked_content",
        "attributes": {"x": 1},
        "identifiers": {"anonymous_id": "a"},
    }


# -- required fields --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "action", "missing"),
    [
        ({"type": "page", "userId": "u", "name": "Home"}, "trackPageView", "url"),
        ({"type": "screen", "userId": "u"}, "trackScreenView", "name"),
        ({"type": "track", "userId": "u"}, "trackEvent", "name"),
        ({"type": "track", "event": "User Deleted", "anonymousId": "a"}, "deletePerson", "person_id"),
        (
            {"type": "track", "userId": "u", "event": "Application Installed", "context": {"device": {"token": "t"}}},
            "createUpdateDevice",
            "platform",
        ),
        ({"type": "alias", "userId": "u"}, "mergePeople", "secondary"),
        ({"type": "group", "userId": "u"}, "createUpdateObject", "id"),
    ],
)
def test_missing_required_field(message: dict, action: str, missing: str) -> None:
    result = run(message)
    assert result.requests == []
    assert [(e.action, e.message) for e in result.errors] == [
        (action, f"The root value is missing the required field '{missing}'.")
    ]


def test_batch_mode_says_the_event_gets_its_own_400() -> None:
    # actions-core validates each batch item and reports the invalid ones in the multi-status response
    result = run({"type": "page", "userId": "u"}, single=False)
    assert "its own 400, PAYLOAD_VALIDATION_FAILED" in result.errors[0].message


# -- page / screen naming ---------------------------------------------------------------------------------


def test_page_name_is_the_url() -> None:
    got = body(
        {
            "type": "page",
            "userId": "u",
            "name": "Pricing",
            "messageId": "m",
            "properties": {"url": "https://x/p", "title": "T"},
        }
    )
    assert got == {
        "type": "person",
        "action": "page",
        "name": "https://x/p",
        "id": "m",
        "attributes": {"url": "https://x/p", "title": "T"},
        "identifiers": {"id": "u"},
    }


def test_screen_name_is_the_screen_name() -> None:
    got = body({"type": "screen", "userId": "u", "name": "Cart", "properties": {"step": 2}})
    assert got == {
        "type": "person",
        "action": "screen",
        "name": "Cart",
        "attributes": {"step": 2},
        "identifiers": {"id": "u"},
    }


# -- group / object, alias / merge ------------------------------------------------------------------------


def test_group_identified() -> None:
    got = body(
        {
            "type": "group",
            "userId": "u",
            "anonymousId": "a",
            "groupId": "acme",
            "traits": {
                "name": "Acme",
                "objectAttributes": {"plan": "x", "since": "2020-01-01"},
                "relationshipAttributes": {"role": "owner"},
                "object_type_id": "2",
                "createdAt": "2020-01-01",
            },
        }
    )
    assert got == {
        "type": "object",
        "action": "identify",
        "created_at": 1577836800,
        "attributes": {"plan": "x", "since": 1577836800, "anonymous_id": "a"},
        "cio_relationships": [{"identifiers": {"id": "u"}, "relationship_attributes": {"role": "owner"}}],
        "identifiers": {"object_id": "acme", "object_type_id": "2"},
    }


def test_group_anonymous_and_without_person() -> None:
    anon = body({"type": "group", "anonymousId": "a", "groupId": "g"})
    assert anon["action"] == "identify_anonymous"
    assert anon["cio_relationships"] == [{"identifiers": {"anonymous_id": "a"}}]
    assert anon["attributes"] == {"anonymous_id": "a"}
    bare = body({"type": "group", "groupId": "g"})
    assert bare == {"type": "object", "action": "identify", "identifiers": {"object_id": "g", "object_type_id": "1"}}


def test_alias_merges_with_resolved_sides() -> None:
    assert body({"type": "alias", "userId": "cio_x1", "previousId": "a@b.c", "anonymousId": "z"}) == {
        "type": "person",
        "action": "merge",
        "primary": {"cio_id": "x1"},
        "secondary": {"email": "a@b.c"},
    }
    assert body({"type": "alias", "userId": "u2", "previousId": "anon-123"})["secondary"] == {"id": "anon-123"}


def test_batch_body_wraps_entity_bodies() -> None:
    result = run({"type": "identify", "userId": "u"})
    assert batch_body(result.requests) == {"batch": [result.requests[0].body]}
