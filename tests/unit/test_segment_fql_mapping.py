"""FQL triggers and mapping-kit directives, one behaviour per case, as Segment's docs and mapping-kit define them."""

from __future__ import annotations

from typing import Any

import pytest

from cio_tui.segment.action_validation import is_date_like
from cio_tui.segment.fql import FqlError, compile_trigger
from cio_tui.segment.mapping_kit import UNDEFINED, MappingError, resolve, unmodelled_directives

MESSAGE = {
    "type": "track",
    "event": "Button Clicked",
    "userId": "u1",
    "context": {"library": {"name": "analytics.js", "version": "1.0"}},
    "properties": {"features": ["discounts", "dark-mode"], "total": 12.5, "my key": "x", "flag": True},
}


@pytest.mark.parametrize(
    ("trigger", "expected"),
    [
        ("event = 'Button Clicked'", True),
        ('event = "Screen Tapped"', False),
        ("context.path.path = '/login'", False),
        ("type = 'identify' or type = 'track'", True),
        ("event = 'Button Clicked' and type = 'track'", True),
        ("match( context.library.version, '1.*' )", True),
        ("match( context.library.version, '2.*' )", False),
        ("type = 'track' and ( event = 'Click' or match( event, 'Button *' ) )", True),
        ("!contains( context.library.name, 'js' )", False),
        ("'dark-mode' in properties.features", True),
        ("'blink' in properties.features", False),
        ("properties.total > 10 and properties.total <= 12.5", True),
        ("properties.missing = null and userId != null", True),
        ("properties.my\\ key = 'x'", True),
        ("properties.flag = true and properties.flag != 'true'", True),
        ("lowercase(event) = 'button clicked' and length(userId) = 2 and typeof(properties.total) = 'number'", True),
    ],
)
def test_fql(trigger: str, expected: bool) -> None:
    assert compile_trigger(trigger)(MESSAGE) is expected


@pytest.mark.parametrize(
    ("trigger", "reason"),
    [
        ('type = "track" and', "expected a field, a value or '(' but found the end of the trigger"),
        ('type = "track', 'the string that starts with " is not closed'),
        ("(type = 'track'", "expected ')' but found the end of the trigger"),
        ("startsWith(event, 'B')", "unknown function startsWith()"),
        ("type = 'track' event = 'x'", "unexpected 'event'"),
        ("", "the trigger is empty"),
    ],
)
def test_fql_errors(trigger: str, reason: str) -> None:
    with pytest.raises(FqlError) as info:
        compile_trigger(trigger)
    assert reason in str(info.value)


@pytest.mark.parametrize(
    ("mapping", "expected"),
    [
        ({"@path": "$.properties.features[1]"}, "dark-mode"),
        ({"@path": "$.properties.nothing"}, UNDEFINED),
        ({"@template": "{{event}} by {{userId}} {{missing}}!"}, "Button Clicked by u1 !"),
        ({"@template": "{{properties.features}}"}, "discounts,dark-mode"),
        ({"@if": {"exists": {"@path": "$.anonymousId"}, "then": "yes", "else": {"@path": "$.userId"}}}, "u1"),
        ({"@if": {"blank": {"@path": "$.properties.empty"}, "then": "yes", "else": "no"}}, "no"),
        ({"@case": {"operator": "upper", "value": {"@path": "$.event"}}}, "BUTTON CLICKED"),
        ({"@replace": {"pattern": "t", "replacement": "T", "value": {"@path": "$.event"}}}, "BuTTon Clicked"),
        ({"@replace": {"pattern": "T", "ignorecase": True, "global": False, "value": "tattoo"}}, "attoo"),
        ({"@replace": {"pattern": ".", "replacement": "", "pattern2": "1", "replacement2": "one",
                       "value": {"@path": "$.properties.total"}}}, "one25"),
        ({"@arrayPath": ["$.properties.features"]}, ["discounts", "dark-mode"]),
        ({"@json": {"mode": "encode", "value": {"@path": "$.context.library"}}},
         '{"name":"analytics.js","version":"1.0"}'),
        ({"@merge": {"direction": "right", "objects": [{"a": 1, "b": 1}, {"b": 2}]}}, {"a": 1, "b": 2}),
        ({"@flatten": {"separator": ".", "value": {"@path": "$.context"}}},
         {"library.name": "analytics.js", "library.version": "1.0"}),
        ({"a": {"@path": "$.nope"}, "b": "literal", "c": [{"@path": "$.nope"}]}, {"b": "literal", "c": [None]}),
    ],
)  # fmt: skip
def test_mapping_kit(mapping: Any, expected: Any) -> None:
    assert resolve(mapping, {**MESSAGE, "properties": {**MESSAGE["properties"], "empty": ""}}) == expected


def test_unmodelled_and_unknown_directives() -> None:
    settings = {"name": {"@liquid": "{{ event }}"}, "data": {"x": {"@transform": {}}}, "ok": {"@path": "$.a"}}
    assert unmodelled_directives(settings) == [("name", "@liquid"), ("data.x", "@transform")]
    with pytest.raises(MappingError, match="@nope is not a mapping-kit directive"):
        resolve({"@nope": 1}, {})
    with pytest.raises(MappingError, match="at most 10 characters"):
        resolve({"@replace": {"pattern": "a" * 11, "value": "a"}}, {})


@pytest.mark.parametrize(
    ("value", "ok"),
    [("2024-01-01T00:00:00Z", True), ("1712345678", True), ("Mon, 01 Jan 2024 00:00:00 GMT", True),
     ("2024/01/31", True), ("not a date", False), ("soon", False)],
)  # fmt: skip
def test_date_like(value: str, ok: bool) -> None:
    assert is_date_like(value) is ok
