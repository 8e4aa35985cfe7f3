"""Read what an operator pastes into Segment calls.

Accepted, also mixed in one paste: one Segment message as JSON, a JSON array of messages, JSON lines, and calls as
written in application code: ``analytics.identify('u1', {email: 'a@b.c'})``, ``.track``, ``.page``, ``.screen``,
``.group``, ``.alias`` (analytics.js positional arguments), or server-library calls with one message object
(``analytics.track({userId: 'u1', event: 'Signed Up'})``). JavaScript literal syntax is read by ``jsliteral``.

Browser-style calls share one session, as analytics.js does: a later call carries the ``userId`` of the last
``identify`` in the paste, and every call carries the session's ``anonymousId`` (a placeholder, since the real
one is generated in the browser). Each such filling-in is reported in the call's ``notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cio_tui.segment.jsliteral import Lexer as _Lexer
from cio_tui.segment.jsliteral import ParseError, Token, ValueReader, describe
from cio_tui.segment.models import CALL_TYPES, MessageError, SegmentCall, call_from_message

__all__ = ["ParseError", "ParsedCall", "parse_input", "parse_calls", "PASTE_ANONYMOUS_ID"]

PASTE_ANONYMOUS_ID = "anon-pasted-session"
MAX_INPUT_CHARS = 1_000_000
_OPTION_FIELDS = ("context", "integrations", "timestamp", "anonymousId", "userId", "messageId")
_OWN_KEY = {"track": "event", "group": "groupId", "alias": "previousId"}


@dataclass
class ParsedCall:
    """One Segment message read from the input, where it starts, and what the parser filled in."""

    message: dict[str, Any]
    line: int
    column: int
    notes: list[str] = field(default_factory=list)

    def call(self) -> SegmentCall:
        """The typed call; a message that is not a valid Segment call raises ParseError at its position."""
        try:
            return call_from_message(self.message)
        except MessageError as exc:
            raise ParseError(str(exc), self.line, self.column) from None


@dataclass
class _Session:
    user_id: str | None = None
    browser_calls: int = 0


def parse_input(text: str) -> list[ParsedCall]:
    """Every message in ``text``, in order. Raises ``ParseError`` (with line and column) on the first problem."""
    if len(text) > MAX_INPUT_CHARS:
        raise ParseError(f"the input is over {MAX_INPUT_CHARS:,} characters; preview fewer calls at once", 1, 1)
    reader = ValueReader(_Lexer(text).tokens())
    session = _Session()
    out: list[ParsedCall] = []
    while reader.current.kind != "eof":
        if reader.is_punct(";") or reader.is_punct(","):
            reader.next()
            continue
        tok = reader.current
        if reader.is_punct("{"):
            out.append(ParsedCall(reader.value(), tok.line, tok.column))
        elif reader.is_punct("["):
            out.extend(_top_level_array(reader))
        elif tok.kind == "ident":
            out.append(_call(reader, session))
        else:
            raise ParseError(
                f"expected a JSON message or an analytics call, found {describe(tok)}", tok.line, tok.column
            )
    if not out:
        raise ParseError("nothing to preview: paste a Segment message (JSON) or an analytics.* call", 1, 1)
    return out


def parse_calls(text: str) -> list[tuple[ParsedCall, SegmentCall]]:
    """``parse_input`` plus validation of every message into its typed call."""
    return [(parsed, parsed.call()) for parsed in parse_input(text)]


def _top_level_array(reader: ValueReader) -> list[ParsedCall]:
    reader.next()  # [
    items: list[ParsedCall] = []
    while not reader.is_punct("]"):
        tok = reader.current
        if not reader.is_punct("{"):
            raise ParseError(f"a JSON array of messages holds objects; found {describe(tok)}", tok.line, tok.column)
        items.append(ParsedCall(reader.value(), tok.line, tok.column))
        if not reader.is_punct("]"):
            reader.expect(",", "',' or ']' after the message")
    reader.next()  # ]
    return items


def _call(reader: ValueReader, session: _Session) -> ParsedCall:
    start = reader.current
    while reader.current.kind == "ident" and reader.current.value in ("await", "void", "return"):
        reader.next()
    name_tok = _expect_ident(reader)
    while reader.is_punct("."):
        reader.next()
        name_tok = _expect_ident(reader)
    method = name_tok.value
    if method not in CALL_TYPES:
        raise ParseError(
            f"'{method}' is not a Segment call; expected analytics." + ", analytics.".join(CALL_TYPES),
            name_tok.line,
            name_tok.column,
        )
    reader.expect("(", f"'(' after {method}")
    args = _arguments(reader)
    while reader.is_punct("."):  # .then(...) / .catch(...) chained on the promise
        reader.next()
        _expect_ident(reader)
        reader.expect("(", "'(' of the chained call")
        _skip_balanced(reader, ")")
        reader.next()
    return _to_message(method, args, start, session)


def _expect_ident(reader: ValueReader) -> Token:
    tok = reader.current
    if tok.kind != "ident":
        raise ParseError(f"expected a name such as analytics.track, found {describe(tok)}", tok.line, tok.column)
    return reader.next()


def _arguments(reader: ValueReader) -> list[tuple[Token, Any]]:
    args: list[tuple[Token, Any]] = []
    while not reader.is_punct(")"):
        tok = reader.current
        if tok.kind == "eof":
            raise ParseError("the call is never closed; add ')'", tok.line, tok.column)
        if _is_callback(reader):
            _skip_balanced(reader, ",")
        else:
            args.append((tok, reader.value()))
        if not reader.is_punct(")"):
            reader.expect(",", "',' or ')' after the argument")
    reader.next()  # )
    return args


def _is_callback(reader: ValueReader) -> bool:
    tok = reader.current
    if tok.kind == "ident" and tok.value in ("function", "async"):
        return True
    if tok.kind == "ident" and reader.is_punct("=>", reader.peek()):
        return True
    if reader.is_punct("("):  # ( ...params ) =>
        depth, i = 0, reader.pos
        while i < len(reader.tokens) - 1:
            t = reader.tokens[i]
            if t.kind == "punct" and t.value == "(":
                depth += 1
            elif t.kind == "punct" and t.value == ")":
                depth -= 1
                if depth == 0:
                    return reader.is_punct("=>", reader.tokens[i + 1])
            i += 1
    return False


def _skip_balanced(reader: ValueReader, stop: str) -> None:
    """Skip a callback or chained argument: tokens up to ``stop`` or ``)`` at nesting depth 0."""
    closing = {"(": ")", "[": "]", "{": "}"}
    stack: list[str] = []
    while True:
        tok = reader.current
        if tok.kind == "eof":
            raise ParseError("this function or call is never closed", tok.line, tok.column)
        if tok.kind == "punct":
            if not stack and tok.value in (stop, ")"):
                return
            if tok.value in closing:
                stack.append(closing[tok.value])
            elif tok.value in (")", "]", "}"):
                if not stack or stack.pop() != tok.value:
                    raise ParseError(f"unbalanced '{tok.value}'", tok.line, tok.column)
        reader.next()


# -- analytics.js argument conventions -------------------------------------------------------------------


def _to_message(method: str, args: list[tuple[Token, Any]], start: Token, session: _Session) -> ParsedCall:
    values = [v for _, v in args]
    if len(values) == 1 and isinstance(values[0], dict) and _is_message_object(method, values[0]):
        return ParsedCall({"type": method, **values[0]}, start.line, start.column)
    message: dict[str, Any] = {"type": method}
    notes: list[str] = []
    rest = _positional(method, args, message)
    options = _first_object(rest)
    for key, value in (options or {}).items():
        if key in _OPTION_FIELDS:
            message[key] = value
        else:
            message.setdefault("context", {})[key] = value
    if method == "identify" and message.get("userId"):
        session.user_id = message["userId"]
    elif "userId" not in message and session.user_id:
        message["userId"] = session.user_id
        notes.append(f"userId '{session.user_id}' carried over from the identify above, as analytics.js does")
    if method == "alias" and "previousId" not in message:
        message["previousId"] = session.user_id or message.get("anonymousId") or PASTE_ANONYMOUS_ID
        notes.append("alias without a previousId uses the current user (or anonymous) id, as analytics.js does")
    if "anonymousId" not in message:
        message["anonymousId"] = PASTE_ANONYMOUS_ID
        if session.browser_calls == 0:
            notes.append(
                f"analytics.js sends an anonymousId with every call; the placeholder '{PASTE_ANONYMOUS_ID}' "
                "stands in for it"
            )
    session.browser_calls += 1
    return ParsedCall(message, start.line, start.column, notes)


def _positional(method: str, args: list[tuple[Token, Any]], message: dict[str, Any]) -> list[tuple[Token, Any]]:
    """Fill ``message`` from leading positional arguments; return the arguments left (options)."""
    args = list(args)

    def take_scalar() -> Any:
        if (
            args
            and (args[0][1] is None or isinstance(args[0][1], str | int | float))
            and not isinstance(args[0][1], bool)
        ):
            return args.pop(0)[1]
        return _MISSING

    def take_object(key: str) -> None:
        if args and isinstance(args[0][1], dict):
            message[key] = args.pop(0)[1]
        elif args and args[0][1] is not None:
            tok = args[0][0]
            raise ParseError(f"{method}: expected the {key} object here, found {describe(tok)}", tok.line, tok.column)
        elif args:
            args.pop(0)

    if method in ("identify", "group", "track"):
        first = take_scalar()
        key = {"identify": "userId", "group": "groupId", "track": "event"}[method]
        if first is not _MISSING and first is not None:
            message[key] = str(first) if not isinstance(first, str) else first
        elif method != "identify" and first is _MISSING:
            tok = args[0][0] if args else None
            where = (tok.line, tok.column) if tok else (1, 1)
            raise ParseError(f"{method}: the first argument must be the {key}", *where)
        take_object({"identify": "traits", "group": "traits", "track": "properties"}[method])
    elif method in ("page", "screen"):
        names: list[Any] = []
        while len(names) < 2 and (value := take_scalar()) is not _MISSING:
            names.append(value)
        names = [n for n in names if n is not None]
        if len(names) == 2:
            message["category"], message["name"] = str(names[0]), str(names[1])
        elif names:
            message["name"] = str(names[0])
        take_object("properties")
    else:  # alias(userId, previousId)
        to = take_scalar()
        if to is _MISSING or to is None:
            tok = args[0][0] if args else None
            where = (tok.line, tok.column) if tok else (1, 1)
            raise ParseError("alias: the first argument must be the new userId", *where)
        message["userId"] = str(to)
        prev = take_scalar()
        if prev is not _MISSING and prev is not None:
            message["previousId"] = str(prev)
    return args


def _is_message_object(method: str, value: dict[str, Any]) -> bool:
    """A server library's single message argument (``{userId, event, ...}``), not analytics.js traits."""
    return bool({"userId", "anonymousId"} & value.keys()) or _OWN_KEY.get(method, "\0") in value


def _first_object(args: list[tuple[Token, Any]]) -> dict[str, Any] | None:
    for tok, value in args:
        if isinstance(value, dict):
            return value
        if value is not None:
            raise ParseError(f"expected an options object, found {describe(tok)}", tok.line, tok.column)
    return None


_MISSING = object()
