"""``cio-tui replay``: a generated traffic file whose effects are known call by call gives exactly those counts; the
readers (JSON lines, JSON array, warehouse tables), delivery order and malformed lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, default_mapping
from cio_tui.segment.replay.ordering import delivery_order
from cio_tui.segment.replay.traffic import row_message

T0 = 1_704_067_200  # 2024-01-01T00:00:00Z


def iso(seconds: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(T0 + seconds, UTC).isoformat().replace("+00:00", "Z")


def at(received: int, timestamp: int | None = None, **message: Any) -> dict[str, Any]:
    """A message Segment received at ``received`` seconds, its own ``timestamp`` defaulting to the same moment."""
    return {**message, "receivedAt": iso(received), "timestamp": iso(received if timestamp is None else timestamp)}


PEOPLE = [
    ["cio_id", "id", "email", "created_at", "plan"],
    ["L1", "", "l1@x.io", str(T0 - 1000), ""],  # a lead
    ["C1", "c1", "c1@x.io", str(T0 - 900), "free"],
    ["C2", "c2", "c2@x.io", str(T0 - 800), "free"],
    ["C3", "c3", "c3@x.io", str(T0 - 700), "free"],
]

# Each block is one known effect; the comments say what each destination does with it.
TRAFFIC: list[dict[str, Any] | str] = [
    # created_only_classic: a page without properties.url fails Actions validation; classic logs it, creating p-new
    at(10, type="page", userId="p-new", name="Pricing", properties={"title": "Pricing"}),
    # created_only_actions: classic names the page view after its name (over 100 bytes: refused), Actions by URL
    at(20, type="page", userId="p-long", name="N" * 120, properties={"url": "https://x.io/a"}),
    # merged_by_alias (+1 created_only_classic: u-b survives only under classic, which ignores alias)
    at(30, type="identify", userId="u-a", traits={"email": "a@x.io"}),
    at(31, type="identify", userId="u-b", traits={"email": "b@x.io"}),
    at(32, type="alias", userId="u-a", previousId="u-b"),
    # anonymous_activity_attached: classic drops the anonymous event; Actions keeps it and attaches it on identify
    at(40, type="track", anonymousId="anon-1", event="Viewed Pricing"),
    at(41, type="identify", userId="u-c", anonymousId="anon-1", traits={"email": "c@x.io"}),
    # dropped_by_timestamp_order: a late identify older than c2's last update: Actions ignores it, classic applies it
    at(50, type="identify", userId="c2", traits={"plan": "pro"}),
    at(51, timestamp=45, type="identify", userId="c2", traits={"plan": "old"}),
    # failed_attribute_change (+1 created_only_actions): b@x.io still belongs to u-b under classic, so giving it to
    # a new id fails; under Actions u-b was merged away and the identify creates u-b2
    at(55, type="identify", userId="u-b2", traits={"email": "b@x.io"}),
    # lead_converted_only_one (+1 dropped_by_timestamp_order): the lead is updated by email, then a late identify
    # with an id: classic converts the lead, Actions ignores the older identify
    at(60, type="identify", traits={"email": "l1@x.io", "plan": "trial"}),
    at(61, timestamp=55, type="identify", userId="l1-id", traits={"email": "l1@x.io"}),
    # attribute_type_changed: the subscription has Convert Timestamps off, classic converts ISO dates
    at(70, type="identify", userId="c3", traits={"renewal": "2025-01-01"}),
    # no effect: the same event under both (the order in the file is not the delivery order: sorted on replay)
    at(5, type="track", userId="c1", event="Logged In"),
    "{not json",
    json.dumps({"type": "bogus"}),
    at(80, type="identify", userId=["not", "a", "string"]),
]


def subscriptions_file(tmp_path: Path) -> Path:
    subs = []
    for slug in ("createUpdatePerson", "trackEvent", "trackPageView", "mergePeople"):
        settings = {**default_mapping(slug), "enable_batching": False}
        if slug == "createUpdatePerson":
            settings["convert_timestamp"] = False
        subs.append({"id": f"s-{slug}", "name": slug, "actionId": "a", "actionSlug": slug, "destinationId": "d",
                     "enabled": True, "trigger": DEFAULT_TRIGGERS[slug], "settings": settings})  # fmt: skip
    path = tmp_path / "subscriptions.json"
    path.write_text(json.dumps({"data": {"subscriptions": subs}}))
    return path


def write_traffic(tmp_path: Path, items: list[dict[str, Any] | str]) -> Path:
    path = tmp_path / "traffic.jsonl"
    path.write_text("\n".join(i if isinstance(i, str) else json.dumps(i) for i in items) + "\n")
    return path


def write_people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows(PEOPLE)
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_known_effects_give_exactly_their_counts(tmp_path: Path) -> None:
    code, out, err = run("replay", str(write_traffic(tmp_path, TRAFFIC)), "--from-export", str(write_people(tmp_path)),
                         "--subscriptions", str(subscriptions_file(tmp_path)), "--json",
                         "--out", str(tmp_path / "report.md"))  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert set(result) == {"calls", "malformed", "people_differing", "kinds"}
    assert result["calls"] == 14
    assert [(m["line"], m["reason"][:30]) for m in result["malformed"]] == [
        (15, "not JSON: Expecting property n"),
        (16, "unknown type 'bogus'; expected"),
        (17, "identify message: field 'userI"),
    ]
    counts = {k["kind"]: k["count"] for k in result["kinds"]}
    assert counts == {
        "created_only_classic": 2,
        "created_only_actions": 2,
        "lead_converted_only_one": 1,
        "failed_attribute_change": 1,
        "merged_by_alias": 1,
        "attribute_type_changed": 1,
        "anonymous_activity_attached": 1,
        "dropped_by_timestamp_order": 2,
    }
    examples = {k["kind"]: k["examples"] for k in result["kinds"]}
    assert [e["person"]["id"] for e in examples["created_only_classic"]] == ["p-new", "u-b"]
    assert [e["person"]["id"] for e in examples["created_only_actions"]] == ["p-long", "u-b2"]
    assert examples["lead_converted_only_one"][0] == {
        "person": {"id": "l1-id", "email": "l1@x.io", "cio_id": "L1"}, "detail": "under classic only",
        "source": 0, "line": 12,
    }  # fmt: skip
    assert examples["merged_by_alias"][0]["person"]["id"] == "u-b"
    assert examples["merged_by_alias"][0]["line"] == 5
    assert {e["person"].get("cio_id") for e in examples["dropped_by_timestamp_order"]} == {"C2", "L1"}
    assert examples["failed_attribute_change"][0]["person"] == {
        "id": "u-b",
        "email": "b@x.io",
        "created_under": "classic",
    }
    assert "renewal: number under classic, string under Actions" in examples["attribute_type_changed"][0]["detail"]
    assert examples["anonymous_activity_attached"][0]["person"]["id"] == "u-c"
    # p-new, u-b (classic only), p-long, u-b2 (Actions only), u-c (anonymous_id attribute), c2 (plan), the lead
    # (id) and c3 (renewal): u-a and c1 end up the same under both
    assert result["people_differing"] == 8
    assert "skipped traffic.jsonl line 15: not JSON" in err
    assert "replaying: 100.0% 15 of 15 calls" in err  # progress counts every message read
    report = (tmp_path / "report.md").read_text()
    assert "**8 people end up different**" in report
    assert "| `merged_by_alias` | 1 |" in report
    assert "- Starting people: 4 (the same in both copies): the people export people.csv." in report
    assert "- Actions mappings: your subscriptions from subscriptions.json: 4 enabled subscription(s)" in report


def test_default_presets_and_an_empty_start(tmp_path: Path) -> None:
    code, out, err = run("replay", str(write_traffic(tmp_path, TRAFFIC[:5])))
    assert code == 0, err
    assert "note: no starting people" in err
    assert "created_only_classic: 2" in out and "merged_by_alias: 1" in out


def test_json_array_and_warehouse_tables_read_the_same_calls(tmp_path: Path) -> None:
    calls = [
        at(3, type="identify", userId="u1", anonymousId="a1", traits={"email": "u1@x.io", "plan": "pro"}),
        at(1, type="track", userId="u1", event="Signed Up"),
        at(2, type="page", userId="u1", name="Home", properties={"url": "https://x.io"}),
        at(4, type="alias", userId="u1", previousId="a1"),
    ]
    (tmp_path / "array.json").write_text(json.dumps(calls, indent=2))
    got = list(delivery_order([tmp_path / "array.json"], lambda *a: None, run_size=2))
    assert [m["type"] for _, _, m in got] == ["track", "page", "identify", "alias"]
    assert [line for _, line, _ in got] == [13, 20, 2, 30]  # the line where each element starts
    tables = tmp_path / "warehouse"
    tables.mkdir()
    rows = {
        "identifies": [{"id": "m1", "user_id": "u1", "anonymous_id": "a1", "received_at": iso(3), "timestamp": iso(3),
                        "email": "u1@x.io", "plan": "pro", "context_ip": "1.2.3.4", "uuid_ts": "x"}],
        "tracks": [{"id": "m2", "user_id": "u1", "event": "signed_up", "event_text": "Signed Up",
                    "received_at": iso(1), "timestamp": iso(1)}],
        "pages": [{"id": "m3", "user_id": "u1", "name": "Home", "url": "https://x.io", "received_at": iso(2),
                   "timestamp": iso(2)}],
        "aliases": [{"id": "m4", "user_id": "u1", "previous_id": "a1", "received_at": iso(4), "timestamp": iso(4)}],
    }  # fmt: skip
    for table, table_rows in rows.items():
        with (tables / f"{table}.csv").open("w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(table_rows[0]))
            writer.writeheader()
            writer.writerows(table_rows)
    import duckdb

    duckdb.sql(f"COPY (SELECT * FROM read_csv('{tables / 'pages.csv'}')) TO '{tables / 'pages.parquet'}'")
    (tables / "pages.csv").unlink()
    got = list(delivery_order(sorted(tables.iterdir()), lambda *a: None))
    assert [m["type"] for _, _, m in got] == ["track", "page", "identify", "alias"]
    identify = got[2][2]
    assert identify["traits"] == {"email": "u1@x.io", "plan": "pro"}
    assert (identify["userId"], identify["anonymousId"], identify["messageId"]) == ("u1", "a1", "m1")
    assert got[1][2]["properties"] == {"url": "https://x.io"} and got[1][2]["name"] == "Home"
    assert got[3][2]["previousId"] == "a1"
    code, out, err = run("replay", str(tables), "--json")
    assert code == 0, err
    assert json.loads(out)["calls"] == 4


def test_row_message_keeps_typed_values() -> None:
    assert row_message("group", {"group_id": "g1", "user_id": "u", "plan": 3, "name": None}) == {
        "type": "group", "groupId": "g1", "userId": "u", "traits": {"plan": 3},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("", "")],
)
def test_unreadable_traffic(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "t.jsonl"
    if content is not None:
        path.write_text(content)
    code, out, err = run("replay", str(path), "--json")
    if content is None:
        assert code == 1 and message in err
    else:
        assert code == 0 and json.loads(out)["calls"] == 0


def test_sandbox_people_are_the_starting_people(tmp_path: Path) -> None:
    import re

    code, out, err = run("replay", str(write_traffic(tmp_path, TRAFFIC[:3])), "--sandbox")
    assert code == 0, err
    started = re.search(r"starting people: ([\d,]+) \(the sandbox.s people\)\.", out)
    assert started and int(started.group(1).replace(",", "")) > 100
    code, _, err = run("replay", str(write_traffic(tmp_path, TRAFFIC[:3])), "--sandbox", "--from-export", "x.csv")
    assert code == 2 and "give one of --from-export, --sandbox and --live" in err


def test_the_call_at_an_example_line_reads_back_from_every_format(tmp_path: Path) -> None:
    from cio_tui.segment.replay.traffic import call_at_line

    calls = [at(1, type="identify", userId="u1", traits={"plan": "pro"}), at(2, type="alias", userId="u1",
             previousId="a1")]  # fmt: skip
    lines = tmp_path / "t.jsonl"
    lines.write_text("\n".join(json.dumps(c) for c in calls) + "\n")
    assert json.loads(call_at_line(lines, 2) or "{}")["previousId"] == "a1"
    array = tmp_path / "t.json"
    array.write_text(json.dumps(calls, indent=2))
    starts = [line for _, line, _ in delivery_order([array], lambda *a: None)]
    assert json.loads(call_at_line(array, starts[1]) or "{}")["previousId"] == "a1"
    table = tmp_path / "aliases.csv"
    table.write_text("id,user_id,previous_id,received_at\nm1,u1,a1,2024-01-01T00:00:02Z\n")
    assert json.loads(call_at_line(table, 2) or "{}") == {
        "type": "alias", "messageId": "m1", "userId": "u1", "previousId": "a1", "receivedAt": "2024-01-01T00:00:02Z",
    }  # fmt: skip
    assert call_at_line(table, 9) is None and call_at_line(tmp_path / "gone.jsonl", 1) is None


@pytest.mark.parametrize("form", ["lines", "array"])
def test_a_lone_surrogate_escape_is_a_malformed_line_not_a_crash(tmp_path: Path, form: str) -> None:
    """JSON's syntax allows ``\\ud800`` alone, but no UTF-8 message carries it: the line is reported and skipped
    (it used to stop the run when the model encoded the attribute name), and an escaped pair (an emoji) is text."""
    good = at(1_700_000_000, type="identify", userId="u-s", traits={"name": "smile \\ud83d\\ude00"})
    lines = [
        json.dumps(good).replace("\\\\ud83d\\\\ude00", "\\ud83d\\ude00"),
        '{"type": "identify", "userId": "u-t", "traits": {"\\ud800": 1}, "receivedAt": "2023-11-14T22:13:21Z"}',
        '{"type": "track", "userId": "u-s", "event": "x\\udc00", "receivedAt": "2023-11-14T22:13:22Z"}',
    ]
    path = tmp_path / "traffic.json"
    path.write_text("\n".join(lines) + "\n" if form == "lines" else "[\n" + ",\n".join(lines) + "\n]\n")
    code, out, err = run("replay", str(path), "--json", "--jobs", "1")
    assert code == 0, err
    result = json.loads(out)
    assert result["calls"] == 1
    why = "a string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF not in a pair), which is not text"
    first = 2 if form == "lines" else 3  # the array's "[" is line 1
    assert [(m["line"], m["reason"]) for m in result["malformed"]] == [(first, why), (first + 1, why)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_nan_and_infinity_replay_as_the_null_json_sends(tmp_path: Path, jobs: str) -> None:
    """``json.loads`` reads ``NaN``, ``Infinity`` and ``1e999`` as floats; JSON has no such numbers and a
    destination's request carries null there. A NaN ``created_at``, an infinite nested value or a NaN timestamp
    used to stop the whole run; now the calls replay, and the replay is the one of the same calls with null."""
    calls = [
        at(1, type="identify", userId="u-ok", traits={"email": "ok@x.io"}),
        at(2, type="identify", userId="u-n", traits={"email": "n@x.io", "created_at": 1.5}),
        at(3, type="track", userId="u-ok", event="E", properties={"n": [1, 2.5]}),
        {"type": "identify", "userId": "u-big", "traits": {"plan": 3.5}, "timestamp": 4.5},
        at(5, type="track", userId="u-ok", event="Signed Up"),
    ]
    odd = [json.dumps(c).replace("1.5", "NaN").replace("2.5", "-Infinity").replace("4.5", "1e999") for c in calls]
    nulls = [json.dumps(c).replace("1.5", "null").replace("2.5", "null").replace("4.5", "null") for c in calls]
    results = []
    for name, lines in (("odd", odd), ("nulls", nulls)):
        folder = tmp_path / name
        folder.mkdir()
        code, out, err = run("replay", str(write_traffic(folder, list(lines))), "--json", "--jobs", jobs)
        assert code == 0, err
        results.append(json.loads(out))
    assert results[0]["calls"] == 5 and results[0]["malformed"] == []
    assert results[0] == results[1]
