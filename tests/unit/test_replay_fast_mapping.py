"""The replay's mapping shortcuts give exactly what the general path gives.

- ``timestamps.utc_seconds`` (the common ``...Z`` shape without a parser) equals the strict-ISO parser, and
  ``convert_valid_timestamp`` still equals the general rule on every string, shortcut or not.
- The presets' compiled senders (``replay_requests`` without subscriptions) send what ``actions_for_message`` sends,
  the event presets read straight from the message too (``preset_direct``).
"""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from cio_tui.segment import plain_calls, timestamps
from cio_tui.segment.action_compiled import validated_payload
from cio_tui.segment.action_fields import FIELDS
from cio_tui.segment.action_validation import validate_payload
from cio_tui.segment.actions import actions_for_message, replay_requests
from cio_tui.segment.actions_payload import default_mappings
from cio_tui.segment.mapping_compiled import compile_mapping
from cio_tui.segment.mapping_kit import MappingError
from cio_tui.segment.plain_calls import plain_message
from cio_tui.segment.preset_direct import direct_sender
from cio_tui.segment.timestamps import _parse_strict_iso, convert_valid_timestamp

from .test_replay_fast_path import message


def _stamps(rng: random.Random, count: int) -> list[str]:
    start = datetime(1969, 12, 25, tzinfo=UTC)
    out = ["2024-02-30T00:00:00Z", "0000-01-01T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
           "2024-01-01T23:59:60Z", "2024-13-01T00:00:00Z", "2024-01-01t00:00:00Z", "2024-01-01T00:00:00z",
           "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.123456Z", "2024-01-01T00:00:00.12345Z",
           "2024-01-01T00:00:0\u0661Z", "\u0662024-01-01T00:00:00Z", "2024-01-01T00:00:00+00:00",
           "9999-12-31T23:59:59Z",
           "2024-01-01 00:00:00Z", "2024-01-01T00:00Z", "+024-01-01T00:00:00Z", "2024-01-01T-1:00:00Z",
           "1969-12-31T23:59:59.5Z", "2024-1-01T00:00:00Z", ""]  # fmt: skip
    for _ in range(count):
        moment = start + timedelta(seconds=rng.randrange(-(10**10), 10**10), microseconds=rng.randrange(10**6))
        text = moment.isoformat().replace("+00:00", "Z")
        if rng.random() < 0.5 and "." in text:
            text = text[: text.index(".") + rng.randrange(1, 8)] + "Z"
        if rng.random() < 0.3:  # one character changed anywhere
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice("0 9-:.TZ+a\u0663") + text[i + 1 :]
        out.append(text)
    return out


def test_utc_seconds_is_the_strict_parser_on_its_shape() -> None:
    rng = random.Random(3)
    hits = 0
    for text in _stamps(rng, 20_000):
        fast = timestamps.utc_seconds(text)
        strict = _parse_strict_iso(text)
        if fast is not None:
            hits += 1
            assert strict is not None and strict[0] == fast, text
        assert convert_valid_timestamp(text) == timestamps.general_timestamp(text), text
    assert hits > 5_000  # the shortcut is taken for the common shape
    for value in [None, 12, 1.5, True, "12", "12.5", ["2024-01-01T00:00:00Z"]]:
        assert convert_valid_timestamp(value) == timestamps.general_timestamp(value)


def test_preset_senders_send_what_the_actions_destination_sends() -> None:
    rng = random.Random(5)
    messages = [message(rng, n, 40) for n in range(3000)]
    messages += [{"type": "track", "event": "Report Delivery Event", "properties": {"deliveryId": "d", "metric": m}}
                 for m in ("opened", "bogus")]  # fmt: skip
    messages += [{"type": "track", "event": "Application Installed", "userId": "u", "context": {"device": {}}}]
    sent = 0
    for msg in messages:
        fields = plain_message(msg, deep=True)  # the call's message, as a replay maps it
        if fields is None:
            continue
        for single in (True, False):
            expected = actions_for_message(fields, single=single, notes=False)
            got = replay_requests(fields, single=single)
            want = [("POST", r.path, r.body, expected.preset == "mergePeople") for r in expected.requests]
            assert got == want, fields
            sent += len(got)
    assert sent > 3000


def test_fused_mappings_of_every_directive_shape_validate_as_resolving_then_validating() -> None:
    """The generated straight-line functions, on mappings mixing literals, one-key and deep paths, templates,
    ``@if``, nested objects, lists and directives the compiler leaves to mapping-kit, in any order: the payload (key
    order and types included: ``True`` is no ``1``) and the errors of
    ``validate_payload(compile_mapping(mapping)(message))``."""
    rng = random.Random(11)
    settings: list[object] = [True, False, "", None, 50, 0, 101, "true", "12", "opened", "bogus", 2.5, [1], {"a": 1},
                              "2024-01-01T00:00:00Z", {"@path": "$.userId"}, {"@path": "$.traits.email"},
                              {"@path": "$.properties"}, {"@path": "$.context.device.token"}, {"@path": "$.length"},
                              {"@path": "$.0"}, {"@path": "$."}, {"@path": "$.timestamp"}, {"@path": "$.event"},
                              {"@template": "{{userId}}"}, {"@template": "x {{traits.plan}} y"},
                              {"@if": {"exists": {"@path": "$.userId"}, "then": {"@path": "$.userId"},
                                       "else": {"@path": "$.anonymousId"}}},
                              {"@if": {"blank": {"@path": "$.event"}, "then": "yes", "else": "no"}},
                              {"@case": {"operator": "upper", "value": {"@path": "$.event"}}},
                              {"nested": {"@path": "$.userId"}, "lit": 1}, [{"@path": "$.userId"}]]  # fmt: skip
    messages = [message(rng, n, 30) for n in range(40)] + [{"type": "track", "userId": "", "event": ""}]
    messages += [{"type": "track", "userId": True, "event": 3, "properties": {"metric": "opened"}}]
    for slug, fields in FIELDS.items():
        names = [f.name for f in fields] + ["not_a_field"]
        for trial in range(25):
            mapping = {name: rng.choice(settings) for name in rng.sample(names, rng.randrange(1, len(names) + 1))}
            if trial < 2:  # every field from one path: a boolean, a number, text into fields of every type
                mapping = {name: {"@path": "$." + ("userId", "event")[trial]} for name in names}
            for single in (True, False):
                fused = validated_payload(fields, mapping, single=single)
                whole = compile_mapping(mapping)
                for msg in messages:
                    try:
                        resolved = whole(msg)
                    except MappingError as exc:
                        with pytest.raises(MappingError, match=re.escape(str(exc))):
                            fused(msg)
                        continue
                    expected = validate_payload(fields, resolved if isinstance(resolved, dict) else {}, single=single)
                    got = fused(msg)
                    assert repr(list(got[0].items())) == repr(list(expected[0].items())), (slug, mapping, msg)
                    assert got[1] == expected[1], (slug, mapping, msg)


def _reference_plain(message: dict[str, Any], *, deep: bool) -> dict[str, Any] | None:
    """The loop ``plain_message`` was before it was written out per kind (the reference)."""
    kind = message.get("type")
    if type(kind) is not str or kind not in plain_calls._DECLARED:
        return None
    declared = plain_calls._DECLARED[kind]
    get = message.get
    out: dict[str, Any] = {}
    for name, check in plain_calls._PLAN[kind]:
        value = get(name)
        if value is None:
            continue
        vtype = type(value)
        if check == 0:
            if vtype is int:
                value = str(value)
            elif vtype is not str:
                return None
        elif check == 1:
            if vtype is not dict or (deep and not plain_calls._json_native(value)):
                return None
        elif check == 2:
            if vtype is not str:
                return None
        elif check == 3:
            if not (vtype is str or vtype is int or (vtype is float and math.isfinite(value))):
                return None
        elif vtype is not int and vtype is not str:  # the version
            return None
        out[name] = value
    if len(out) == len(message):  # every key is a declared field with a value: nothing else to add
        return out
    for key, value in message.items():
        if key in declared or value is None:
            continue
        if type(key) is not str or (deep and not plain_calls._json_native(value)):
            return None
        out[key] = value
    return out


def test_plain_message_written_per_kind_is_the_loop_it_replaces() -> None:
    """The same dict (key order and types included) or the same None as the loop over the declared fields, on
    messages with every field of every kind holding values of every type."""
    rng = random.Random(17)
    values: list[object] = [None, "", "x", 0, 7, -1, True, False, 1.5, math.nan, math.inf, {}, {"a": 1},
                            {"a": math.nan}, [], [1, {"b": math.inf}], "2024-01-01T00:00:00Z", (1,), b"b"]  # fmt: skip
    names = sorted({name for fields in plain_calls.FIELDS.values() for name in fields}) + ["extra", "other"]
    seen = 0
    for n in range(20_000):
        kind = rng.choice([*plain_calls.FIELDS, "nope", 3, None])
        msg: dict[Any, object] = {"type": kind}
        for name in rng.sample(names, rng.randrange(len(names))):
            msg[name] = rng.choice(values) if rng.random() < 0.5 else "v"
        if n % 7 == 0:
            msg[5] = "a non-text key"
        for deep in (False, True):
            got = plain_message(msg, deep=deep)
            want = _reference_plain(msg, deep=deep)
            assert repr(None if got is None else list(got.items())) == repr(
                None if want is None else list(want.items())
            ), msg
            seen += got is not None
    assert seen > 2000


def test_event_presets_read_from_the_message_send_what_the_general_path_sends() -> None:
    """Track Event, Page View and Screen View built straight from the message (``preset_direct``), on values of
    every type and emptiness in the keys their default mappings read: the same requests as ``actions_for_message``
    (compared by ``repr``: key order, and ``1`` is no ``True``)."""
    rng = random.Random(17)
    values: list[object] = [None, "", "x", "u-1", "2024-01-01T00:00:00Z", "2024-01-01", 7, 1.5, True, [], ["a"],
                            {}, {"a": 1}, "cio_abc", "a@example.com"]  # fmt: skip
    properties: list[object] = [None, "", "p", 3, [], {}, {"url": "https://x"}, {"url": ""}, {"url": 5},
                                {"url": None, "sku": "2024-01-01T00:00:00Z"},
                                {"url": "u", "anonymous_id": "z"}]  # fmt: skip
    sent = 0
    for n in range(4000):
        kind = ("track", "page", "screen")[n % 3]
        msg: dict[str, Any] = {"type": kind}
        for key in ("userId", "anonymousId", "messageId", "timestamp", "event", "name"):
            if rng.random() < 0.8:
                msg[key] = rng.choice(values)
        if rng.random() < 0.9:
            msg["properties"] = rng.choice(properties)
        if kind == "track" and not isinstance(msg.get("event"), str):
            msg["event"] = rng.choice(["Signed Up", "", "2024-01-01T00:00:00Z"])
        for single in (True, False):
            expected = actions_for_message(msg, single=single, notes=False)
            want = [("POST", r.path, r.body, False) for r in expected.requests]
            got = replay_requests(msg, single=single)
            assert repr(got) == repr(want), (msg, single)
            sent += len(got)
    assert sent > 1500
    direct = direct_sender("trackPageView", default_mappings(FIELDS["trackPageView"]), single=False)
    assert direct is not None  # the default mapping is the one read straight from the message
    assert type(direct({"type": "page", "userId": "u", "properties": {"url": "https://x"}})) is dict
