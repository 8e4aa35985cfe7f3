"""Reading a JSON lines file in delivery order in one loop (``ordering.in_file_order``) gives what the general
readers give line by line (``traffic.read_file`` -> ``ordering._valid`` -> the order check)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from .test_replay_fast_path import message


def _generic_in_order(path: Path) -> tuple[list[Any], list[tuple[int, int, str]], int | None]:
    """What ``in_file_order`` gave as ``read_file`` -> ``_valid`` -> the order check: rows, problems, the line
    ``OutOfOrder`` names."""
    from cio_tui.segment.replay.ordering import _valid

    rows: list[Any] = []
    problems: list[tuple[int, int, str]] = []
    previous = float("-inf")
    for row in _valid(path, lambda *p: problems.append(p), 0):
        if row[0] < previous:
            return rows, problems, row[2]
        previous = row[0]
        rows.append(row)
    return rows, problems, None


@pytest.mark.parametrize("disorder", ["none", "late", "shuffled"])
def test_json_lines_read_in_order_in_one_loop_as_through_the_readers(tmp_path: Path, disorder: str) -> None:
    """The one-loop reader of a JSON lines file gives the rows, the problems and the out-of-order line of the
    general readers: blank and whitespace lines, a BOM, bad JSON, a lone surrogate and an escaped pair, values
    that are no message, unknown types, untimed calls (the time of the one before), NaN, long integers."""
    from cio_tui.segment.replay.ordering import OutOfOrder, in_file_order

    rng = random.Random(29)
    lines = [json.dumps(message(rng, n, 30), separators=(",", ":")) for n in range(1500)]
    odd = ["", "   \t", "\u3000", "{not json", "[1, 2]", "7", '"text"', "null", json.dumps({"type": "bogus"}),
           json.dumps({"type": ["track"]}), json.dumps({"no": "type"}), '{"type":"track","event":"\\ud800"}',
           '{"type":"track","event":"\\ud83d\\ude00","userId":"u"}', '{"type":"track","userId":"u","x":NaN}',
           '{"type":"track","userId":"u","n":123456789012345678901234}', "\ufeff" + lines[0],
           json.dumps({"type": "track", "userId": "u", "event": "untimed"})]  # fmt: skip
    if disorder == "shuffled":
        rng.shuffle(lines)
    for text in odd:  # never first: a file starting with "[" is one JSON array
        lines.insert(rng.randrange(1, len(lines)), text)
    lines.append(json.dumps({"type": "page", "userId": "u", "timestamp": 1.9e9}))  # a number, the latest
    lines.append(json.dumps({"type": "page", "userId": "u", "receivedAt": "not a time", "sentAt": "2031-01-01"}))
    if disorder == "late":
        lines.insert(1400, lines[5])  # older than the calls around it
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows: list[Any] = []
    problems: list[tuple[int, int, str]] = []
    out_of_order = None
    try:
        for row in in_file_order(path, lambda *p: problems.append(p)):
            rows.append(row)
    except OutOfOrder as exc:
        out_of_order = exc.line
    want_rows, want_problems, want_line = _generic_in_order(path)
    assert out_of_order == want_line and (want_line is None) == (disorder == "none")
    assert problems == want_problems
    assert [(r[0], r[1], r[2]) for r in rows] == [(r[0], r[1], r[2]) for r in want_rows]
    assert json.dumps([r[3] for r in rows]) == json.dumps([r[3] for r in want_rows])
    if disorder == "none":
        assert len(problems) == 10 and len(rows) == 1500 + 6
