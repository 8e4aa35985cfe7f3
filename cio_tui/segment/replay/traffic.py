"""Reading a file of real Segment traffic, one message at a time (constant memory in the number of calls).

Accepted: JSON lines (one message per line), a JSON array of messages (read incrementally, element by element), and
Segment's warehouse tables exported as CSV or Parquet (``identifies``, ``tracks``, ``pages``, ``screens``,
``groups``, ``aliases``: one file per table named after it, or a ``type`` column), alone or as a directory holding
several (https://segment.com/docs/connections/storage/warehouses/schema/). A table row becomes the Segment message it
was loaded from: ``user_id`` -> ``userId``, ``received_at`` -> ``receivedAt``...; an identify's or a group's other
columns are its traits, a page's or a screen's its properties (a track row has no properties: Segment keeps them in
one table per event). CSV cells are text, so numbers arrive as strings; Parquet keeps their types.

Every item is ``Item(line, message)`` or ``Item(line, None, problem)``: a line that is not JSON, not an object, or
not a Segment call is reported with its line number (for a table, the row's line in the CSV or its row number) and
never stops the reading.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from cio_tui.errors import UserError
from cio_tui.segment.models import CALL_TYPES
from cio_tui.segment.plain_calls import DECODER
from cio_tui.segment.plain_calls import loads as plain_loads

TABLES = {"identifies": "identify", "tracks": "track", "pages": "page", "screens": "screen", "groups": "group",
          "aliases": "alias"}  # fmt: skip
_COMMON = {"id": "messageId", "anonymous_id": "anonymousId", "user_id": "userId", "received_at": "receivedAt",
           "sent_at": "sentAt", "timestamp": "timestamp", "original_timestamp": "originalTimestamp"}  # fmt: skip
_PER_TABLE = {"track": {"event": "event"}, "page": {"name": "name", "category": "category"},
              "screen": {"name": "name", "category": "category"}, "group": {"group_id": "groupId"},
              "alias": {"previous_id": "previousId"}}  # fmt: skip
_DROPPED = {"uuid", "uuid_ts", "loaded_at", "event_text", "type", "context_traits"}
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Item:
    line: int
    message: dict[str, Any] | None
    problem: str | None = None


class TrafficError(UserError, ValueError):
    """The traffic cannot be read at all (no such file, unknown format); the message says what to do."""


def _bad(line: int, problem: str) -> Item:
    return Item(line, None, problem)


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
LONE_SURROGATE = "a string holds a lone UTF-16 surrogate escape (\\uD800-\\uDFFF not in a pair), which is not text"


def lone_surrogate(raw: str, value: object) -> bool:
    """Whether ``value`` (parsed from ``raw``) holds a lone surrogate: JSON's syntax allows the escape, but no
    UTF-8 message (what Segment sends and Customer.io reads) can carry it. Checked only when ``raw`` has such an
    escape (a pair, an escaped emoji, is fine: it decodes to one character)."""
    if _SURROGATE_ESCAPE.search(raw) is None:
        return False
    try:
        orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is one: "str is not valid UTF-8: surrogates not allowed"
        return True
    return False


def not_json(exc: ValueError) -> str:
    """Why a line that does not parse is skipped (the parser's message without its position)."""
    return f"not JSON: {exc.args[0].split(':', 1)[0]}"


def json_lines(path: Path) -> bool:
    """Whether ``read_file`` reads ``path`` as JSON lines (not a table, not one JSON array)."""
    suffixes = [s.lower() for s in path.suffixes]
    return ".parquet" not in suffixes and ".csv" not in suffixes and _first_char(path) != "["


def check_message(line: int, value: object) -> Item:
    """A parsed JSON value as an item: a Segment message (a dict with a known ``type``) or a problem."""
    if not isinstance(value, dict):
        return _bad(line, f"a Segment message is a JSON object, not {type(value).__name__}")
    kind = value.get("type")
    if kind not in CALL_TYPES:
        shown = "no 'type'" if kind is None else f"unknown type {str(kind)[:40]!r}"
        return _bad(line, f"{shown}; expected one of " + ", ".join(CALL_TYPES))
    return Item(line, value)


def _json_lines(handle: IO[str]) -> Iterator[Item]:
    loads = plain_loads  # json.loads, counting NaN / Infinity (plain_calls)
    for number, raw in enumerate(handle, 1):
        if not raw.strip():
            continue
        try:
            value = loads(raw)
        except ValueError as exc:
            yield _bad(number, not_json(exc))
            continue
        if "\\u" in raw and lone_surrogate(raw, value):
            yield _bad(number, LONE_SURROGATE)
            continue
        if type(value) is dict and value.get("type") in CALL_TYPES:  # check_message's answer for a Segment call
            yield Item(number, value)
            continue
        yield check_message(number, value)


_SPACE_RE = re.compile(r"[\s,]*")


def _json_array(handle: IO[str]) -> Iterator[Item]:
    """The elements of a top-level JSON array, decoded one by one from a sliding buffer."""
    decoder = DECODER
    buffer, line, eof = handle.read(_CHUNK), 1, False
    start = buffer.index("[") + 1
    line += buffer.count("\n", 0, start)
    while True:
        gap = _SPACE_RE.match(buffer, start)
        end_gap = gap.end() if gap else start
        line += buffer.count("\n", start, end_gap)
        start = end_gap
        if start < len(buffer) and buffer[start] == "]":
            return
        try:
            value, end = decoder.raw_decode(buffer, start)
        except ValueError as exc:
            if not eof:
                more = handle.read(_CHUNK)
                eof = not more
                buffer, start = buffer[start:] + more, 0
                continue
            yield _bad(line, f"not JSON: {exc.args[0].split(':', 1)[0]}; the rest of the array cannot be read")
            return
        if end == len(buffer) and not eof:  # a number or literal may continue in the next chunk
            more = handle.read(_CHUNK)
            eof = not more
            buffer, start = buffer[start:] + more, 0
            continue
        yield _bad(line, LONE_SURROGATE) if lone_surrogate(buffer[start:end], value) else check_message(line, value)
        line += buffer.count("\n", start, end)
        start = end
        if len(buffer) - start < _CHUNK // 4 and not eof:
            more = handle.read(_CHUNK)
            eof = not more
            buffer, start = buffer[start:] + more, 0


def row_message(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """One warehouse row as the Segment message it was loaded from."""
    message: dict[str, Any] = {"type": kind}
    rest: dict[str, Any] = {}
    specific = _PER_TABLE.get(kind, {})
    for column, value in row.items():
        key = column.strip().lower()
        if value is None or value == "" or key in _DROPPED or key.startswith("context_"):
            continue
        if key in _COMMON:
            message[_COMMON[key]] = value.isoformat() if hasattr(value, "isoformat") else value
        elif key in specific:
            message[specific[key]] = value
        else:
            rest[key] = value.isoformat() if hasattr(value, "isoformat") else value
    if kind in ("identify", "group"):
        message["traits"] = rest
    elif kind in ("page", "screen"):
        message["properties"] = rest
    return message


def _table_kind(path: Path, columns: list[str]) -> str | None:
    stem = path.name.split(".")[0].lower()
    return TABLES.get(stem) or (stem if stem in CALL_TYPES else None)


def _csv_rows(path: Path) -> Iterator[Item]:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        reader = csv.DictReader(handle)
        kind = _table_kind(path, list(reader.fieldnames or []))
        typed = "type" in [c.strip().lower() for c in reader.fieldnames or []]
        if kind is None and not typed:
            raise TrafficError(f"{path.name}: name the file after its warehouse table ({', '.join(TABLES)}) "
                               "or give it a 'type' column")  # fmt: skip
        line = 1
        for row in reader:
            line = reader.line_num
            if None in row:
                yield _bad(line, "more fields than the header has")
                continue
            row_kind = kind or TABLES.get(str(row.get("type", "")).strip(), str(row.get("type", "")).strip())
            if row_kind not in CALL_TYPES:
                yield _bad(line, f"unknown type {str(row.get('type'))[:40]!r}")
                continue
            yield Item(line, row_message(row_kind, row))


def _parquet_rows(path: Path) -> Iterator[Item]:
    import duckdb

    con = duckdb.connect()
    try:
        cursor = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        columns = [str(d[0]).lower() for d in cursor.description or []]
        kind = _table_kind(path, columns)
        if kind is None and "type" not in columns:
            raise TrafficError(f"{path.name}: name the file after its warehouse table ({', '.join(TABLES)}) "
                               "or give it a 'type' column")  # fmt: skip
        number = 0
        while batch := cursor.fetchmany(10_000):
            for values in batch:
                number += 1
                row = dict(zip(columns, values, strict=True))
                row_kind = kind or TABLES.get(str(row.get("type")), str(row.get("type")))
                if row_kind not in CALL_TYPES:
                    yield _bad(number, f"unknown type {str(row.get('type'))[:40]!r}")
                    continue
                yield Item(number, row_message(row_kind, row))
    finally:
        con.close()


def _first_char(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        while chunk := handle.read(4096):
            stripped = chunk.lstrip()
            if stripped:
                return stripped[0]
    return ""


def sources(path: Path) -> list[Path]:
    """The files of ``path``: itself, or the warehouse tables of a directory."""
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if p.is_file() and p.name.split(".")[0].lower() in TABLES)
        if not found:
            raise TrafficError(f"{path}: no warehouse table files ({', '.join(TABLES)} as .csv or .parquet)")
        return found
    if not path.is_file():
        raise TrafficError(f"no such file: {path}")
    return [path]


def read_file(path: Path) -> Iterator[Item]:
    """Every item of one traffic file, in file order."""
    suffixes = [s.lower() for s in path.suffixes]
    if ".parquet" in suffixes:
        yield from _parquet_rows(path)
        return
    if ".csv" in suffixes:
        yield from _csv_rows(path)
        return
    first = _first_char(path)
    with path.open(encoding="utf-8", errors="replace") as handle:
        yield from (_json_array(handle) if first == "[" else _json_lines(handle))


def json_only(paths: list[Path]) -> bool:
    """Whether every file is JSON (lines or an array): its values are what ``json.loads`` makes."""
    return not any(".csv" in p.suffixes or ".parquet" in p.suffixes for p in paths)


def size_of(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


def call_at_line(path: Path, line: int) -> str | None:
    """The message at ``line`` of a traffic file, as text for Preview: a JSON lines file's line as written; for a
    JSON array (the line its element starts on) or a warehouse table (the row's line in the CSV, its row number in
    Parquet), the Segment message the replay read there, as JSON. None when nothing readable is there."""
    if not path.is_file():
        return None
    suffixes = [s.lower() for s in path.suffixes]
    if ".csv" not in suffixes and ".parquet" not in suffixes and _first_char(path) != "[":
        with path.open(encoding="utf-8", errors="replace") as handle:
            for number, raw in enumerate(handle, 1):
                if number == line:
                    return raw.strip() or None
        return None
    for item in read_file(path):  # streamed: one click reads up to the line, never the whole file into memory
        if item.line == line:
            return json.dumps(item.message, ensure_ascii=False, indent=2, default=str) if item.message else None
        if item.line > line:
            return None
    return None
