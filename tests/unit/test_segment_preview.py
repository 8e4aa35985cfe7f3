"""Classic requests, diff, warnings, text report, call sets, samples and the CLI JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cio_tui.cli import main
from cio_tui.segment import preview_call, preview_text
from cio_tui.segment.callsets import CallSetError, list_call_sets, load_call_set, save_call_set
from cio_tui.segment.classic import classic_for
from cio_tui.segment.models import MessageError, call_from_message
from cio_tui.segment.parser import ParseError
from cio_tui.segment.presets import RESERVED_EVENTS
from cio_tui.segment.report import annotated_json, render_text
from cio_tui.segment.samples import SAMPLES, all_samples


def classic(message: dict[str, Any]):
    return classic_for(call_from_message(message))


def codes(text: str) -> list[str]:
    return [w.code for r in preview_text(text) for w in r.warnings]


# -- classic ----------------------------------------------------------------------------------------------


def test_classic_identify_renames_created_and_converts_iso() -> None:
    result = classic({"type": "identify", "userId": "u 1", "traits": {"createdAt": "2024-01-01T00:00:00Z", "p": 1}})
    [request] = result.requests
    assert (request.method, request.path) == ("PUT", "/api/v1/customers/u%201")
    assert request.body == {"p": 1, "created_at": 1704067200}
    assert any("unconfirmed" in n for n in result.notes)


def test_classic_track_page_screen_paths_and_names() -> None:
    track = classic({"type": "track", "userId": "u", "event": "Paid", "properties": {"a": 1}}).requests[0]
    assert (track.path, track.body) == ("/api/v1/customers/u/events", {"name": "Paid", "data": {"a": 1}})
    page = classic({"type": "page", "userId": "u", "properties": {"url": "https://x"}}).requests[0]
    assert page.body == {"name": "https://x", "type": "page", "data": {"url": "https://x"}}
    named = classic({"type": "page", "userId": "u", "name": "Home", "properties": {"url": "https://x"}})
    assert named.requests[0].body["name"] == "Home"
    assert classic({"type": "screen", "userId": "u"}).requests[0].body["name"] == "Viewed Undefined Screen"


@pytest.mark.parametrize(
    "message",
    [
        {"type": "track", "anonymousId": "a", "event": "E"},
        {"type": "page", "anonymousId": "a"},
        {"type": "identify", "anonymousId": "a"},
        {"type": "group", "userId": "u", "groupId": "g"},
        {"type": "alias", "userId": "u", "previousId": "p"},
    ],
)
def test_classic_drops(message: dict) -> None:
    result = classic(message)
    assert result.dropped and result.requests == [] and result.notes


def test_classic_devices() -> None:
    ctx = {"device": {"token": "t/1", "type": "ios"}}
    add = classic({"type": "track", "userId": "u", "event": "Application Installed", "context": ctx}).requests[0]
    assert (add.method, add.path, add.body) == (
        "PUT",
        "/api/v1/customers/u/devices",
        {"device": {"id": "t/1", "platform": "ios"}},
    )
    rm = classic({"type": "track", "userId": "u", "event": "Application Uninstalled", "context": ctx}).requests[0]
    assert (rm.method, rm.path) == ("DELETE", "/api/v1/customers/u/devices/t%2F1")


def test_classic_email_only_identify_is_flagged_unconfirmed() -> None:
    result = classic({"type": "identify", "traits": {"email": "a@b.c"}})
    assert result.requests[0].path == "/api/v1/customers/a%40b.c"
    assert any("unconfirmed" in n for n in result.notes)


# -- warnings ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('{"type": "track", "anonymousId": "a", "event": "E"}', "classic_drops_anonymous"),
        ('{"type": "alias", "userId": "u", "previousId": "p"}', "alias_merges"),
        ('{"type": "track", "userId": "u", "event": "User Deleted"}', "reserved_event"),
        ('{"type": "page", "userId": "u", "name": "Home"}', "missing_required_field"),
        ('{"type": "page", "userId": "u", "name": "Home", "properties": {"url": "https://x"}}', "page_name_changes"),
        ('{"type": "screen", "userId": "u", "name": "Cart"}', "screen_name_changes"),
        ('{"type": "identify", "userId": "a@b.co"}', "email_as_user_id"),
        ('{"type": "identify", "userId": "cio_abc"}', "cio_id_user_id"),
        ('{"type": "identify", "userId": "u", "traits": {"unsubscribed": true}}', "unsubscribes"),
        ('{"type": "identify", "userId": "u", "traits": {"d": "01/02/2020"}}', "timestamp_not_converted"),
        ('{"type": "identify", "userId": "u", "traits": {"created_at": 1700000000}}', "timestamp_not_converted"),
        ('{"type": "group", "userId": "u", "groupId": "g", "traits": {"name": "n"}}', "group_traits_ignored"),
        ('{"type": "identify", "userId": "u", "anonymousId": "a"}', "anonymous_id_attribute"),
        ('{"type": "identify", "userId": "u", "traits": {"created": "2020-01-01"}}', "created_not_renamed"),
        ('{"type": "identify", "anonymousId": "a"}', "anonymous_identify_unconfirmed"),
        ('{"type": "identify", "userId": "u", "traits": {"t": "2020-01-01T10:00:00"}}', "timestamp_offset_assumed_utc"),
    ],
)
def test_each_warning_code(text: str, code: str) -> None:
    [result] = preview_text(text)
    found = {w.code: w for w in result.warnings}
    assert code in found
    assert found[code].explanation and found[code].todo
    assert found[code].to_json() == {"code": code, "message": found[code].message}


def test_quiet_call_has_no_warnings() -> None:
    assert codes('{"type": "track", "userId": "u", "event": "Paid", "properties": {"a": 1}}') == []


def test_screen_unnamed_still_reports_rename_and_failure() -> None:
    assert set(codes('{"type": "screen", "userId": "u"}')) >= {"missing_required_field"}


# -- diff and rendering -----------------------------------------------------------------------------------


def test_diff_for_page_and_markers_in_text() -> None:
    [result] = preview_text('{"type": "page", "userId": "u", "name": "Home", "properties": {"url": "https://x"}}')
    by_field = {d.field: d for d in result.diff}
    assert by_field["name"].change == "changed"
    assert (by_field["name"].classic, by_field["name"].actions) == ("Home", "https://x")
    requests = result.to_json()["actions"]["requests"]
    lines = annotated_json(requests, result.diff, "actions", body_only=True)
    assert ("~", '  "name": "https://x",') in lines
    assert '~ name: "Home" -> "https://x"' in render_text([result])


def test_diff_when_classic_sends_nothing() -> None:
    [result] = preview_text('{"type": "alias", "userId": "u", "previousId": "p"}')
    assert [(d.field, d.change, d.actions) for d in result.diff] == [("request", "added", "merge people")]
    marks = {m for m, _ in annotated_json(result.to_json()["actions"]["requests"], result.diff, "actions")}
    assert marks == {"+"}


def test_every_sample_previews_and_one_per_type() -> None:
    assert set(SAMPLES) == {"identify", "track", "page", "screen", "group", "alias"}
    results = preview_text(all_samples())
    assert [r.call.type for r in results] == ["identify", "track", "page", "screen", "group", "alias"]
    assert all(r.actions.requests for r in results)


# -- call sets --------------------------------------------------------------------------------------------


def test_call_sets_round_trip(tmp_path: Path) -> None:
    text = "// signup flow\n" + SAMPLES["identify"]
    path = save_call_set(tmp_path, "Signup flow", text)
    assert path.name == "signup-flow.json"
    loaded = load_call_set(tmp_path, "signup flow")
    assert (loaded.name, loaded.text) == ("Signup flow", text)
    assert [s.name for s in list_call_sets(tmp_path)] == ["Signup flow"]


def test_call_sets_refuse_bad_input(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        save_call_set(tmp_path, "bad", "analytics.track(")
    with pytest.raises(CallSetError, match="no call set named"):
        load_call_set(tmp_path, "missing")
    with pytest.raises(CallSetError):
        save_call_set(tmp_path, "!!!", SAMPLES["track"])


# -- CLI --------------------------------------------------------------------------------------------------


def test_cli_json_shape_offline() -> None:
    text = SAMPLES["identify"] + '{"type": "page", "userId": "u", "name": "Home"}\n'
    out = CliRunner().invoke(main, ["preview", "-", "--offline", "--json"], input=text)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert list(data) == ["results"]
    first, second = data["results"]
    assert list(first) == ["input", "classic", "actions", "diff", "warnings", "outcome"]
    assert list(first["classic"]) == ["requests", "notes"]
    assert list(first["classic"]["requests"][0]) == ["method", "path", "body"]
    assert list(first["actions"]) == ["requests", "errors"]
    assert list(first["actions"]["requests"][0]) == ["action", "method", "path", "body"]
    assert first["actions"]["requests"][0]["action"] == "createUpdatePerson"
    assert all(list(w) == ["code", "message"] for w in first["warnings"])
    assert first["outcome"] is None
    assert first["input"]["userId"] == "user-1001"
    assert second["actions"]["errors"] == [
        {"action": "trackPageView", "message": "The root value is missing the required field 'url'."}
    ]


def test_cli_text_report_from_file(tmp_path: Path) -> None:
    path = tmp_path / "calls.js"
    path.write_text(SAMPLES["screen"])
    out = CliRunner().invoke(main, ["preview", str(path), "--offline"])
    assert out.exit_code == 0, out.output
    assert "Call 1 (line 1): screen 'Checkout'" in out.output
    assert "[screen_name_changes]" in out.output


def test_cli_parse_error_exit_1_names_position() -> None:
    out = CliRunner().invoke(main, ["preview", "--offline"], input="analytics.track('x', {a: })")
    assert out.exit_code == 1
    assert "line 1, column 26" in out.output


# -- robustness: any message the parser accepts previews without crashing -----------------------------------

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "a@b.co", "cio_x1", "2020-01-01", "2020-01-01T10:00:00.1234567Z", "01/02/2020", "u1"]),
    st.text(max_size=12),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "email",
                    "url",
                    "objectId",
                    "token",
                    "type",
                    "created_at",
                    "createdAt",
                    "objectAttributes",
                    "relationshipAttributes",
                    "device",
                    "metric",
                    "deliveryId",
                    "actionType",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)
MESSAGES = st.fixed_dictionaries(
    {"type": st.sampled_from(["identify", "track", "page", "screen", "group", "alias"])},
    optional={
        "userId": st.sampled_from(["u1", "a@b.co", "cio_abc", "", "x" * 200]),
        "anonymousId": st.sampled_from(["a1", ""]),
        "event": st.sampled_from([*RESERVED_EVENTS, "Paid", ""]),
        "name": st.sampled_from(["Home", ""]),
        "groupId": st.sampled_from(["g1", ""]),
        "previousId": st.sampled_from(["p1", "a@b.co"]),
        "timestamp": st.sampled_from(["2024-01-01T00:00:00Z", "garbage", "1712345678"]),
        "traits": VALUES,
        "properties": VALUES,
        "context": VALUES,
    },
)


@settings(max_examples=300, deadline=None)
@given(MESSAGES)
@example({"type": "track", "event": "Application Installed", "userId": "u1", "context": {"device": True}})
def test_any_message_previews_or_is_refused_cleanly(message: dict) -> None:
    try:
        call = call_from_message(message)
    except MessageError:
        return
    result = preview_call(call)
    data = result.to_json()
    json.dumps(data)  # always serialisable
    assert data["actions"]["requests"] or data["actions"]["errors"]
    assert all(w["code"] and w["message"] for w in data["warnings"])
