"""The replay's fast path gives exactly what the reference path gives.

The reference sends every call through the pydantic call models (``replay(..., through_models=True)``); the fast
path maps plain messages as they are (``plain_calls``). Both run on a generated traffic file with every kind of
call and every kind of effect, odd values included (numeric ids, nulls, unknown keys, NaN, wrong types, a BOM,
dates in traits, emails and ``cio_`` ids as userId), in file order and shuffled (the sorted path).
"""

from __future__ import annotations

import json
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cio_tui.model import Person
from cio_tui.segment.models import MessageError, call_from_message
from cio_tui.segment.plain_calls import plain_message
from cio_tui.segment.replay import replay

START = datetime(2024, 1, 1, tzinfo=UTC)
EVENTS = ["Signed Up", "Order Completed", "Product Viewed", "Application Installed", "Logged In", " Padded "]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _odd_value(rng: random.Random) -> Any:
    return rng.choice([None, "", 0, 1, 1.5, True, "2024-02-03T04:05:06Z", "2024-02-03", "12", {"a": None},
                       [1, "x"], {"nested": {"when": "2023-01-01T00:00:00.123Z"}}, "x" * 1200])  # fmt: skip


def message(rng: random.Random, n: int, people: int) -> dict[str, Any]:
    received = START + timedelta(seconds=n * 7)
    person = rng.randrange(people)
    user_id: Any = rng.choice([f"user-{person}", f"user-{person}", person, f"u{person}@example.com",
                               f"cio_{person}", None])  # fmt: skip
    late = rng.random() < 0.1
    stamp = received - timedelta(hours=rng.randrange(1, 72)) if late else received
    device = {"token": f"t{person}", "type": "ios"}
    msg: dict[str, Any] = {"messageId": rng.choice([f"m-{n}", f"m-{n % 40}", n]), "receivedAt": _iso(received),
                           "timestamp": rng.choice([_iso(stamp), _iso(stamp), int(stamp.timestamp()), None]),
                           "anonymousId": f"anon-{person % (people // 2 or 1)}",
                           "context": {"ip": "203.0.113.9", "device": device}}  # fmt: skip
    if rng.random() < 0.1:
        msg["extra_key"] = _odd_value(rng)
    if rng.random() < 0.05:
        msg["version"] = rng.choice([2, "2", 1.0])
    roll = rng.random()
    if roll < 0.3:
        traits = {"email": rng.choice([f"user-{person}@example.com", f"lead-{person % 20}@example.com", None]),
                  "plan": rng.choice(["free", "pro", 3, None, ""]), "createdAt": _iso(START - timedelta(days=person)),
                  "renewal": rng.choice(["2025-01-01", "2025-01-01T00:00:00", 1735689600])}  # fmt: skip
        if rng.random() < 0.2:
            traits["odd"] = _odd_value(rng)
        msg.update(type="identify", userId=user_id, traits=traits)
    elif roll < 0.6:
        props = {"value": round(rng.random() * 100, 2), "sku": f"sku-{n % 13}"}
        if rng.random() < 0.2:
            props["odd"] = _odd_value(rng)
        msg.update(type="track", userId=user_id, event=rng.choice([*EVENTS, 7, None]), properties=props)
    elif roll < 0.75:
        props = {"url": rng.choice([f"https://example.com/p/{n % 5}", None]), "title": "Pricing"}
        msg.update(type="page", userId=user_id, name=rng.choice(["Pricing", "N" * 120, None]), properties=props)
    elif roll < 0.82:
        msg.update(type="screen", userId=user_id, name=rng.choice(["Home", None]), properties={"x": 1})
    elif roll < 0.88:
        msg.update(type="group", userId=user_id, groupId=rng.choice([f"g{n % 4}", 5]), traits={"name": "Acme"})
    else:
        msg.update(type="alias", userId=user_id, previousId=rng.choice([f"user-{rng.randrange(people)}", 9, None]))
    if rng.random() < 0.03:  # a field of the wrong type: the models refuse it (a malformed line)
        msg[rng.choice(["userId", "receivedAt", "traits", "context", "event"])] = ["not", "right"]
    return msg


def write_traffic(path: Path, calls: int, people: int, seed: int, *, shuffle: bool = False) -> None:
    rng = random.Random(seed)
    lines = [json.dumps(message(rng, n, people), separators=(",", ":")) for n in range(calls)]
    lines[3] = lines[3].replace('"ip":"203.0.113.9"', '"ip":NaN')  # NaN: the JSON dump of a model writes null
    lines[5] = "\ufeff" + lines[5]
    lines[7] = "{not json"
    lines[9] = json.dumps({"type": "bogus"})
    lines[11] = json.dumps([1, 2])
    if shuffle:
        rng.shuffle(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


STARTERS = [
    Person(1, "L1", None, "lead-1@example.com", 1_700_000_000, 1_700_000_000, False, {"plan": "trial"}),
    Person(2, "C1", "user-1", "user-1@example.com", 1_700_000_100, 1_700_000_100, False, {"plan": "free"}),
    Person(3, "C2", "user-2", None, 1_700_000_200, 1_700_000_200, False, {}),
]


@pytest.mark.parametrize(("shuffle", "jobs"), [(False, 1), (True, 1), (False, 2), (True, 2)])
def test_fast_path_gives_the_reference_result(tmp_path: Path, shuffle: bool, jobs: int) -> None:
    """One process or two (the copies in a worker), in order or sorted: the reference's result exactly."""
    traffic = tmp_path / "traffic.jsonl"
    write_traffic(traffic, 3000, 150, seed=11, shuffle=shuffle)
    fast = replay(traffic, STARTERS, jobs=jobs)
    assert fast.processes == jobs
    reference = replay(traffic, STARTERS, through_models=True, jobs=1)
    assert json.dumps(fast.to_json()) == json.dumps(reference.to_json())
    assert (fast.requests, fast.refused) == (reference.requests, reference.refused)
    assert fast.people_differing > 0 and len(fast.malformed) >= 4  # the file does exercise the diff and the errors
    seen = {k.kind for k in fast.kinds if k.count}
    assert seen >= {"merged_by_alias", "created_only_classic", "dropped_by_timestamp_order", "failed_attribute_change"}


def _messages(count: int) -> list[dict[str, Any]]:
    rng = random.Random(5)
    out = [message(rng, n, 50) for n in range(count)]
    out.append({"type": "track", "event": "E", "userId": "u", "context": {"ip": math.nan}})
    out.append({"type": "identify", "userId": "u", "timestamp": math.inf})
    out.append({"type": "identify", "userId": True})
    out.append({"type": "identify", "userId": 1.5, "messageId": 2.0})
    out.append({"type": "page", "userId": "u", "properties": None, "unknown": None, "other": [{"a": math.nan}]})
    return out


def test_plain_message_is_the_models_dump() -> None:
    """For every message: the same dict (key order included) or None; None only where the models must decide."""
    plain_count = 0
    for deep in (False, True):
        for raw in _messages(2000):
            plain = plain_message(raw, deep=deep)
            try:
                expected: dict[str, Any] | None = call_from_message(raw).to_message()
            except MessageError:
                expected = None
            if plain is None:
                continue
            plain_count += 1
            assert expected is not None, raw
            if not deep and "nan" in repr(raw):
                continue  # without deep, the caller promises there is no NaN (none was parsed)
            assert list(plain.items()) == list(expected.items()), raw
    assert plain_count > 3000  # most messages take the fast path


def test_a_file_out_of_order_is_replayed_sorted_and_says_each_problem_once(tmp_path: Path) -> None:
    """Read once while in order; at the first older call the replay starts again sorted. A malformed line before
    that point and one after are each said once, and the result is the one of the same calls in order."""

    def line(n: int, received: int, **extra: Any) -> str:
        msg = {"type": "track", "userId": f"u{n % 3}", "event": "E", "messageId": f"m{n}",
               "receivedAt": _iso(START + timedelta(seconds=received)), **extra}  # fmt: skip
        return json.dumps(msg)

    lines = [line(n, n * 10) for n in range(10)]
    lines[2] = "{not json"
    lines[6] = line(6, 5)  # older than line 6's neighbours: delivered second
    lines[8] = json.dumps({"type": "identify", "userId": ["x"]})
    traffic = tmp_path / "t.jsonl"
    traffic.write_text("\n".join(lines) + "\n", encoding="utf-8")
    said: list[int] = []
    result = replay(traffic, [], on_malformed=lambda m: said.append(m.line), jobs=1)
    assert sorted(said) == [3, 9]  # each once
    assert [m.line for m in result.malformed] == [3, 9]
    assert result.calls == 8
    ordered = sorted((t for i, t in enumerate(lines) if i not in (2, 8)), key=lambda t: json.loads(t)["receivedAt"])
    in_order = tmp_path / "sorted.jsonl"
    in_order.write_text("\n".join(ordered) + "\n", encoding="utf-8")
    again = replay(in_order, [], jobs=1)
    assert again.calls == 8 and again.people_differing == result.people_differing
    assert [k.count for k in again.kinds] == [k.count for k in result.kinds]


def test_compiled_templates_render_as_mapping_kit_does() -> None:
    """A template compiled once renders what ``resolve`` renders, for placeholders of every shape."""
    from cio_tui.segment.mapping_compiled import compile_mapping
    from cio_tui.segment.mapping_kit import resolve

    rng = random.Random(3)
    data = [{"traits": {"email": "a@b.c", "n": 1.0, "b": True, "l": [1, None, "x"], "d": {"k": "{{traits.email}}"},
                        "z": ""}, "userId": None, "s": "abc"}, {}, {"traits": None}]  # fmt: skip
    bits = ["{{traits.email}}", "{{ traits.n }}", "x", "{{traits.b}}", "{{traits.l}}", "{{traits.d}}", "{{nope}}",
            "{{traits.d.k}}", "{{userId}}", "{{s.length}}", "{{.}}", "{{ }}", "{", "}}", "{{{traits.email}}}",
            "{{traits.l[0]}}", "{{traits['email']}}"]  # fmt: skip
    for _ in range(2000):
        mapping = {"v": {"@template": "".join(rng.choice(bits) for _ in range(rng.randrange(1, 5)))}}
        for payload in data:
            assert compile_mapping(mapping)(payload) == resolve(mapping, payload), mapping


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_diff_runs_while_the_collector_runs_less_often(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The diff allocates while both copies (the classic one just unpickled, all young) are alive: under the
    default thresholds a collection of the young generations scanned them all; the result is the same."""
    import gc

    from cio_tui.segment.replay import run
    from cio_tui.segment.replay.drive import GC_YOUNG

    traffic = tmp_path / "traffic.jsonl"
    write_traffic(traffic, 300, 40, seed=5)
    thresholds: list[tuple[int, int, int]] = []
    diff = run.population_diff

    def watched(*args: Any) -> Any:
        thresholds.append(gc.get_threshold())
        return diff(*args)

    before = gc.get_threshold()
    monkeypatch.setattr(run, "population_diff", watched)
    watched_result = replay(traffic, STARTERS, jobs=jobs)
    monkeypatch.setattr(run, "population_diff", diff)
    assert len(thresholds) == 1 and thresholds[0][0] >= GC_YOUNG
    assert gc.get_threshold() == before
    assert json.dumps(watched_result.to_json()) == json.dumps(replay(traffic, STARTERS, jobs=1).to_json())


def test_two_processes_on_empty_and_unreadable_traffic(tmp_path: Path) -> None:
    """The second process ends cleanly when there is nothing to replay, and is stopped when the reading fails."""
    from cio_tui.segment.replay import TrafficError

    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    result = replay(empty, STARTERS, jobs=2)
    assert (result.processes, result.calls, result.people_differing) == (2, 0, 0)
    assert result.worker_peak_rss > 0
    table = tmp_path / "events.csv"  # not named after a warehouse table and no type column
    table.write_text("user_id,event\nu1,E\n", encoding="utf-8")
    with pytest.raises(TrafficError, match="name the file after its warehouse table"):
        replay(table, [], jobs=2)


def test_traffic_lines_parse_to_json_loads_values_and_errors() -> None:
    """orjson reads the lines where it gives json.loads' values; every other line gets json.loads' value or error
    (integers beyond 64 bits, which orjson would make floats; NaN; a lone surrogate; huge exponents; bad JSON)."""
    from cio_tui.segment.plain_calls import loads

    lines = ['{"a":1,"a":2}', '"\\ud800"', "-0", "1e400", '{"a":18446744073709551616}', "[-9223372036854775809]",
             '{"x":"12345678901234567890"}', '{"a":NaN}', '{"a":-Infinity}', '{"a":1}garbage', "[1,]", "'a'",
             '{"a" 1}', "", '{"a":"\x01"}', '{"t":"2024-01-01T00:00:00Z","v":1.5e300,"n":null,"b":[true,false]}',
             '{"e":"\u00e9\U0001f600"}', "\ufeff{}", " [1, 2.5, -3] \n", "18446744073709551615"]  # fmt: skip
    for text in lines:
        try:
            expected: object = ("ok", repr(json.loads(text)), type(json.loads(text)))
        except ValueError as exc:
            expected = ("error", str(exc))
        try:
            got: object = ("ok", repr(loads(text)), type(loads(text)))
        except ValueError as exc:
            got = ("error", str(exc))
        assert got == expected, text


def test_fused_mapping_and_validation_give_what_validate_payload_gives() -> None:
    """Literals checked once, directives per call: the same payload (key order included) and the same errors in the
    same order as resolving the mapping and validating the result, for every action and generated mappings."""
    from cio_tui.segment.action_compiled import validated_payload
    from cio_tui.segment.action_fields import FIELDS, NO_DEFAULT
    from cio_tui.segment.action_validation import validate_payload
    from cio_tui.segment.mapping_compiled import compile_mapping

    rng = random.Random(9)
    literals: list[object] = [True, False, "", None, 50, 1, 0, 500, "false", "true", "12", "delivered", "bogus",
                              "2024-01-01T00:00:00Z", "not a date", 3.5, [1], {"a": 1}]  # fmt: skip
    paths = ["userId", "traits.email", "properties", "timestamp", "event", "properties.value", "nope", "context"]
    messages = [message(rng, n, 30) for n in range(60)] + [{"type": "track", "userId": "", "event": ""}]
    for slug, fields in FIELDS.items():
        for trial in range(40):
            if trial == 0:
                mapping: dict[str, object] = {f.name: f.default for f in fields if f.default is not NO_DEFAULT}
            else:
                names = [f.name for f in fields] + ["not_a_field"]
                mapping = {}
                for name in rng.sample(names, rng.randrange(1, len(names) + 1)):
                    roll = rng.random()
                    mapping[name] = rng.choice(literals) if roll < 0.5 else {"@path": "$." + rng.choice(paths)}
            for single in (True, False):
                fused = validated_payload(fields, mapping, single=single)
                whole = compile_mapping(mapping)
                for msg in messages:
                    resolved = whole(msg)
                    expected = validate_payload(fields, resolved if isinstance(resolved, dict) else {}, single=single)
                    got = fused(msg)
                    assert list(got[0].items()) == list(expected[0].items()), (slug, mapping, msg)
                    assert got[1] == expected[1], (slug, mapping, msg)


@pytest.mark.parametrize("number", ["1e999", "-1e999"])
def test_a_number_that_overflows_replays_as_the_models_give_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: str
) -> None:
    """``1e999`` is no NaN/Infinity literal but parses to an infinity all the same: it is counted, so the fast path
    checks the nested values and leaves the message to the models (which dump it as null), as the reference does."""
    from cio_tui.segment import plain_calls
    from cio_tui.segment.replay import drive

    monkeypatch.setattr(plain_calls, "_seen_non_finite", [0])  # as in a fresh process: nothing non-finite seen yet
    line = '{"type":"track","event":"Order Completed","userId":"user-1","receivedAt":"2024-01-01T00:00:00Z",'
    line += f'"properties":{{"x":{number},"sku":"a"}}}}'
    message_ = plain_calls.loads(line)
    assert message_["properties"]["x"] == float(number) and plain_calls.non_finite_seen() == 1
    assert call_from_message(message_).to_message()["properties"] == {"x": None, "sku": "a"}

    seen: list[dict[str, Any]] = []
    real = drive.replay_requests

    def spy(fields: dict[str, Any], **kwargs: Any) -> Any:
        seen.append(fields)
        return real(fields, **kwargs)

    monkeypatch.setattr(drive, "replay_requests", spy)
    traffic = tmp_path / "traffic.jsonl"
    traffic.write_text(line + "\n", encoding="utf-8")
    monkeypatch.setattr(plain_calls, "_seen_non_finite", [0])
    fast = replay(traffic, STARTERS, jobs=1)
    fast_fields, seen[:] = list(seen), []
    reference = replay(traffic, STARTERS, through_models=True, jobs=1)
    assert fast_fields == seen and fast_fields[0]["properties"] == {"x": None, "sku": "a"}
    assert json.dumps(fast.to_json(), allow_nan=False) == json.dumps(reference.to_json(), allow_nan=False)


def test_compiled_mappings_are_kept_by_content_and_bounded() -> None:
    """An equal mapping (another object) reuses the compiled function; a mapping changed in place is compiled
    afresh (the old function would send the old value); however many mappings a session replays, at most
    CACHE_SIZE are kept."""
    import copy

    from cio_tui.segment import action_compiled
    from cio_tui.segment.action_compiled import validated_payload
    from cio_tui.segment.action_fields import FIELDS

    fields = FIELDS["trackEvent"]
    data = {"a": 1}
    mapping: dict[str, object] = {"id": {"@path": "$.userId"}, "name": {"@path": "$.event"}, "data": data}
    msg = {"type": "track", "userId": "u1", "event": "Signed Up"}
    first = validated_payload(fields, mapping, single=True)
    assert validated_payload(fields, copy.deepcopy(mapping), single=True) is first
    assert validated_payload(fields, mapping, single=False) is not first  # batching is part of the key
    assert first(msg)[0] == {"id": "u1", "name": "Signed Up", "data": {"a": 1}}

    mapping["name"] = "Renamed"  # changed in place, then replayed again
    assert validated_payload(fields, mapping, single=True)(msg)[0] == {"id": "u1", "name": "Renamed", "data": {"a": 1}}
    data["a"] = 2  # a nested change too
    assert validated_payload(fields, mapping, single=True)(msg)[0]["data"] == {"a": 2}
    data["a"] = 1
    mapping["name"] = {"@path": "$.event"}
    assert validated_payload(fields, mapping, single=True) is first  # back to the first content

    for n in range(3 * action_compiled.CACHE_SIZE):
        validated_payload(fields, {"id": {"@path": "$.userId"}, "name": f"event {n}"}, single=True)
    assert action_compiled.cache_size() == action_compiled.CACHE_SIZE
    assert len(action_compiled._BY_ID) <= action_compiled.CACHE_SIZE
    assert validated_payload(fields, {"id": {"@path": "$.userId"}, "name": "event 0"}, single=True)(msg)[0] == {
        "id": "u1",
        "name": "event 0",
    }
