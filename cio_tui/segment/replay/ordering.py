"""The order a replay runs the calls in: the order Segment delivered them, by time, in bounded memory.

Customer.io sees calls in the order Segment delivers them, which follows ``receivedAt`` (when Segment's servers got
the call); a call's ``timestamp`` can be much older (a phone that was offline flushes late), and that is when the
Actions destination's timestamp ordering drops an update the classic destination applied. So calls are replayed by
``receivedAt``, else ``timestamp``, else ``originalTimestamp``, else ``sentAt``; ties and calls without any time keep
their place in the file.

A first pass checks whether the input is already in that order (then it is streamed as it is); otherwise the calls
are sorted in runs of ``run_size`` kept in temporary files and merged, so memory stays bounded by ``run_size`` and
not by the number of calls. One JSON lines file is read once when it is in order: ``in_file_order`` streams it and
raises ``OutOfOrder`` at the first call older than the one before (the replay then starts again, sorted).
"""

from __future__ import annotations

import heapq
import json
import math
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cio_tui.segment.models import CALL_TYPES
from cio_tui.segment.plain_calls import loads as plain_loads
from cio_tui.segment.replay.traffic import (
    LONE_SURROGATE,
    Item,
    check_message,
    json_lines,
    lone_surrogate,
    not_json,
    read_file,
)

ORDER_FIELDS = ("receivedAt", "timestamp", "originalTimestamp", "sentAt")
RUN_SIZE = 100_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moment(message: dict[str, Any]) -> float | None:
    """Unix seconds of the message's delivery time, None when it has none that parses."""
    for name in ORDER_FIELDS:
        value = message.get(name)
        if isinstance(value, str) and value:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                continue
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)
            return (parsed - _EPOCH).total_seconds()
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)  # a NaN or an infinity is no time (JSON sends it as null)
    return None


Problem = Callable[[int, int, str], None]  # (source file index, line, why)
Counter = Callable[[int], None]


def _valid(path: Path, problem: Problem | None, source: int) -> Iterator[tuple[float, int, int, dict[str, Any]]]:
    """(time, source, line, message) for the valid items of one file; the time of an untimed call is the last one."""
    last = float("-inf")
    for item in read_file(path):
        if item.message is None:
            if problem is not None:
                problem(source, item.line, item.problem or "unreadable")
            continue
        when = moment(item.message)
        last = when if when is not None else last
        yield last, source, item.line, item.message


def _in_order(paths: list[Path], problem: Problem, progress: Counter | None) -> bool:
    ordered = True
    for source, path in enumerate(paths):
        previous, n = float("-inf"), 0
        for n, (when, _, _, _) in enumerate(_valid(path, problem, source), 1):
            if when < previous:
                ordered = False
            previous = when
            if progress is not None and n % 10_000 == 0:
                progress(10_000)
        if progress is not None and n % 10_000:
            progress(n % 10_000)
    return ordered


class OutOfOrder(Exception):  # noqa: N818 - a signal, not an error
    """The file is not in delivery order: ``line`` is the first call older than the one before it."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def streamable(paths: list[Path]) -> bool:
    """One JSON lines file: it can be replayed while it is read, before its order is known."""
    if len(paths) != 1 or ".csv" in paths[0].suffixes or ".parquet" in paths[0].suffixes:
        return False
    with paths[0].open(encoding="utf-8", errors="replace") as handle:
        while chunk := handle.read(4096):
            stripped = chunk.lstrip()
            if stripped:
                return stripped[0] != "["
    return True


def count_lines(path: Path) -> int:
    """Lines of a file (an estimate of its calls for progress before they are read)."""
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


def in_file_order(path: Path, problem: Problem) -> Iterator[tuple[float, int, int, dict[str, Any]]]:
    """``timed_delivery_order`` of one file that is in delivery order, read once; raises ``OutOfOrder`` as soon as
    a call is older than the one before it (the calls yielded until then were in order)."""
    if json_lines(path):
        yield from _json_lines_in_order(path, problem)
        return
    previous = float("-inf")
    for row in _valid(path, problem, 0):
        if row[0] < previous:
            raise OutOfOrder(row[2])
        previous = row[0]
        yield row


def _json_lines_in_order(path: Path, problem: Problem) -> Iterator[tuple[float, int, int, dict[str, Any]]]:
    """``in_file_order`` of a JSON lines file in one loop: what ``read_file``, ``_valid`` and the order check do
    line by line, without a generator and an ``Item`` per line between them (a replay reads millions)."""
    previous = last = float("-inf")
    loads, calls, timed = plain_loads, CALL_TYPES, moment
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, raw in enumerate(handle, 1):
            if raw.isspace():  # what ``not raw.strip()`` tells of a line (never empty), without a copy of it
                continue
            try:
                value = loads(raw)
            except ValueError as exc:
                problem(0, number, not_json(exc))
                continue
            if "\\u" in raw and lone_surrogate(raw, value):
                problem(0, number, LONE_SURROGATE)
                continue
            if not (type(value) is dict and value.get("type") in calls):  # else check_message's answer is the call
                item = check_message(number, value)
                if item.message is None:
                    problem(0, number, item.problem or "unreadable")
                    continue
                value = item.message
            when = timed(value)
            if when is not None:
                last = when
            if last < previous:
                raise OutOfOrder(number)
            previous = last
            yield last, 0, number, value


def _spill(rows: list[tuple[float, int, int, dict[str, Any]]], folder: Path, number: int) -> Path:
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    path = folder / f"run{number}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        dumps = json.dumps
        for when, source, line, message in rows:
            out.write(f"{when!r}\t{source}\t{line}\t{dumps(message, ensure_ascii=False)}\n")
    return path


def _read_run(handle: IO[str]) -> Iterator[tuple[float, int, int, dict[str, Any]]]:
    loads = plain_loads
    for raw in handle:
        when, source, line, text = raw.split("\t", 3)
        yield float(when), int(source), int(line), loads(text)


def delivery_order(
    paths: list[Path], problem: Problem, *, run_size: int = RUN_SIZE, checked: Counter | None = None
) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(source, line, message) of every valid call in delivery order; ``problem(source, line, why)`` gets the others.

    ``checked(n)`` is told how many calls the first (ordering) pass has read, for progress.
    """
    for _, source, line, message in timed_delivery_order(paths, problem, run_size=run_size, checked=checked):
        yield source, line, message


def timed_delivery_order(
    paths: list[Path], problem: Problem, *, run_size: int = RUN_SIZE, checked: Counter | None = None
) -> Iterator[tuple[float, int, int, dict[str, Any]]]:
    """``delivery_order`` with each call's delivery time first (unix seconds; an untimed call has the time of the
    call before it in its file, ``-inf`` when none has one), so a replay does not parse it again."""
    problems: list[tuple[int, int, str]] = []
    in_order = _in_order(paths, lambda source, line, why: problems.append((source, line, why)), checked)
    for source, line, why in problems:
        problem(source, line, why)
    quiet: Problem | None = None  # the second pass reads the same files: their problems are already reported
    if in_order:
        streams = [_valid(p, quiet, s) for s, p in enumerate(paths)]
        merged = streams[0] if len(streams) == 1 else heapq.merge(*streams, key=lambda r: (r[0], r[1], r[2]))
        yield from merged
        return
    with tempfile.TemporaryDirectory(prefix="cio-tui-replay-") as tmp:
        folder = Path(tmp)
        runs: list[Path] = []
        rows: list[tuple[float, int, int, dict[str, Any]]] = []
        for source, path in enumerate(paths):
            for row in _valid(path, quiet, source):
                rows.append(row)
                if len(rows) >= run_size:
                    runs.append(_spill(rows, folder, len(runs)))
                    rows = []
        if rows:
            runs.append(_spill(rows, folder, len(runs)))
        handles = [run.open(encoding="utf-8") for run in runs]
        try:
            merged_runs = heapq.merge(*(_read_run(h) for h in handles), key=lambda r: (r[0], r[1], r[2]))
            yield from merged_runs
        finally:
            for handle in handles:
                handle.close()


__all__ = ["ORDER_FIELDS", "Item", "OutOfOrder", "count_lines", "delivery_order", "in_file_order", "moment",
           "streamable", "timed_delivery_order"]  # fmt: skip
