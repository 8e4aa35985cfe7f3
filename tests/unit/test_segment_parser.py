"""The paste parser: JSON, JSON arrays, JSON lines, analytics.js calls with JS literal syntax, positioned errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cio_tui.segment.parser import PASTE_ANONYMOUS_ID, ParseError, parse_calls, parse_input


def messages(text: str) -> list[dict]:
    return [p.message for p in parse_input(text)]


def test_one_json_message() -> None:
    assert messages('{"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}') == [
        {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}
    ]


def test_json_array_and_json_lines_keep_positions() -> None:
    parsed = parse_input('[{"type": "track", "event": "A"},\n {"type": "page"}]\n{"type": "alias", "userId": "b"}')
    assert [p.message["type"] for p in parsed] == ["track", "page", "alias"]
    assert [(p.line, p.column) for p in parsed] == [(1, 2), (2, 2), (3, 1)]


def test_js_object_literal_syntax() -> None:
    text = """
    // a comment
    analytics.identify('u1', {
      email: 'a@b.c', plan: "pro", 'quoted key': `tick`,  /* block */
      n: -1.5e3, hex: 0x1F, big: 1_000, ok: true, no: false, nothing: null, gone: undefined,
      nested: {arr: [1, 'two', undefined, {x: .5},],},
    });
    """
    [msg] = messages(text)
    assert msg["userId"] == "u1"
    assert msg["traits"] == {
        "email": "a@b.c",
        "plan": "pro",
        "quoted key": "tick",
        "n": -1500,
        "hex": 31,
        "big": 1000,
        "ok": True,
        "no": False,
        "nothing": None,
        "nested": {"arr": [1, "two", None, {"x": 0.5}]},
    }


def test_string_escapes() -> None:
    [msg] = messages(r"""analytics.track('It\'s', {s: "a\"b\n\u00e9\x41\u{1F600}"})""")
    assert msg["event"] == "It's"
    assert msg["properties"]["s"] == 'a"b\néA\U0001f600'


def test_several_calls_share_the_analytics_js_session() -> None:
    parsed = parse_input(
        "analytics.identify('u1', {email: 'a@b.c'})\nanalytics.track('Signed Up')\n"
        "analytics.page()\nanalytics.alias('u2')"
    )
    assert [p.message.get("userId") for p in parsed] == ["u1", "u1", "u1", "u2"]
    assert all(p.message["anonymousId"] == PASTE_ANONYMOUS_ID for p in parsed)
    assert parsed[3].message["previousId"] == "u1"
    assert any("carried over" in n for n in parsed[1].notes)


def test_anonymous_browser_track_has_no_user_id() -> None:
    [msg] = messages("analytics.track('Viewed', {a: 1})")
    assert "userId" not in msg and msg["anonymousId"] == PASTE_ANONYMOUS_ID


def test_page_and_screen_positional_names() -> None:
    page, page2, screen = messages(
        "analytics.page('Docs', 'Intro', {url: 'https://x'})\nanalytics.page('Home')\nanalytics.screen('Cart', {s: 1})"
    )
    assert (page["category"], page["name"], page["properties"]) == ("Docs", "Intro", {"url": "https://x"})
    assert page2["name"] == "Home"
    assert (screen["name"], screen["properties"]) == ("Cart", {"s": 1})


def test_group_alias_and_options_object() -> None:
    group, alias = messages(
        "analytics.group('acme', {name: 'Acme'}, {context: {ip: '1.2.3.4'}, timestamp: '2024-01-01T00:00:00Z'})\n"
        "window.analytics.alias('new', 'old')"
    )
    assert group["groupId"] == "acme" and group["traits"] == {"name": "Acme"}
    assert group["context"] == {"ip": "1.2.3.4"} and group["timestamp"] == "2024-01-01T00:00:00Z"
    assert (alias["userId"], alias["previousId"]) == ("new", "old")


def test_server_library_single_message_object() -> None:
    [msg] = messages("await analytics.track({userId: 'u9', event: 'Paid', properties: {amount: 5}});")
    assert msg == {"type": "track", "userId": "u9", "event": "Paid", "properties": {"amount": 5}}


def test_identify_with_only_traits_is_anonymous() -> None:
    [msg] = messages("analytics.identify({email: 'a@b.c'})")
    assert msg["traits"] == {"email": "a@b.c"} and "userId" not in msg


def test_callbacks_and_promise_chains_are_skipped() -> None:
    [a, b] = messages("analytics.track('A', {}, {}, function () { done(); })\nanalytics.page('P').then(() => { x(1) })")
    assert a["event"] == "A" and b["name"] == "P"


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("analytics.track('x', {a: })", 1, 26, "expected a value"),
        ("{a: 1", 1, 6, "','"),
        ("analytics.track('x', {a: b})", 1, 26, "variable"),
        ("\n\n  analytics.fly('x')", 3, 13, "not a Segment call"),
        ("analytics.track('x", 1, 17, "never closed"),
        ("/* open", 1, 1, "comment"),
        ("analytics.track('x', {plan})", 1, 23, "shorthand"),
        ("analytics.identify('u', {d: new Date()})", 1, 29, "ISO string"),
        ("", 1, 1, "nothing to preview"),
        ("[1, 2]", 1, 2, "holds objects"),
        ("analytics.track({properties: {}})", 1, 17, "must be the event"),
    ],
)
def test_errors_name_line_and_column(text: str, line: int, column: int, fragment: str | None) -> None:
    with pytest.raises(ParseError) as err:
        parse_calls(text)
    assert (err.value.line, err.value.column) == (line, column)
    if fragment:
        assert fragment in err.value.reason
    assert str(err.value).startswith(f"line {line}, column {column}: ")


def test_message_validation_errors_point_at_the_message() -> None:
    with pytest.raises(ParseError) as err:
        parse_calls('{"type": "identify"}\n  {"type": "bogus"}')
    assert (err.value.line, err.value.column) == (2, 3)
    assert "unknown message type 'bogus'" in err.value.reason


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ParseError, match="nested deeper"):
        parse_input("{" + '"a": {' * 500 + "}" * 501)


JS_ALPHABET = st.sampled_from(
    list("{}[]()'\"`,:;.=/*\\-+0123456789 \n\tabcdeuxnlt_$")
    + [
        "analytics.",
        "identify(",
        "track(",
        "page(",
        "true",
        "null",
        "undefined",
        "//",
        "/*",
        "*/",
        "\\u",
        "=>",
        '{"type":"track","event":"e"}',
        "function",
        "0x",
        "1e9999",
        "\ud83d",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(JS_ALPHABET, max_size=40).map("".join))
def test_no_input_crashes_the_parser(text: str) -> None:
    try:
        results = parse_calls(text)
    except ParseError as exc:
        assert exc.line >= 1 and exc.column >= 1
        assert exc.line <= text.count("\n") + 1
    else:
        assert all(isinstance(p.message, dict) for p, _ in results)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_only_raises_parse_error(text: str) -> None:
    try:
        parse_calls(text)
    except ParseError as exc:
        assert exc.line >= 1 and exc.column >= 1
