"""A cio_id on two rows, one linked and one not: every path lists the person once and reports the repeated row."""

from __future__ import annotations

import json
from pathlib import Path

from cio_tui.identity.duplicates.engine import analyse_export
from cio_tui.identity.duplicates.engines import ORDINAL, DuckDBEngine, people_columns
from cio_tui.identity.duplicates.export import read_header
from cio_tui.identity.duplicates.runners import run_rules

EXPORT = "cio_id,id,email,created_at,plan\nc1,u1,a@x.io,,gold\nc2,u2,a@x.io,,free\nc1,u3,,,trial\n"
PROBLEM = (4, "duplicate_cio_id", "cio_id c1 already appeared on line 2; this row is ignored")


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(EXPORT)
    return path


def _sql_rows(path: Path) -> list[tuple[str, str, bool]]:
    """The DuckDB SQL engine's result rows for the export, as (group_id, cio_id, is_primary)."""
    cols = read_header(path)
    engine = DuckDBEngine()
    try:
        rows = run_rules(engine, engine.load(path, cols), people_columns(cols, ordinal=ORDINAL))
    finally:
        engine.close()
    return [(r.group_id, r.cio_id, r.is_primary) for r in rows]


def test_every_path_that_carries_attributes_lists_the_person_once(tmp_path: Path) -> None:
    path = _export(tmp_path)
    for keep in (False, True):
        with analyse_export(path, keep_attributes=keep) as analysis:
            problems = [(p.line, p.kind, p.message) for p in analysis.problems]
            for groups in (analysis.groups(limit=10), analysis.groups()):
                [group] = groups
                assert [m.cio_id for m in group.members] == ["c1", "c2"], keep
                assert group.primary == "c1"
                if keep:  # the counting row's attributes, not the repeated row's
                    assert [m.attributes for m in group.members] == [{"plan": "gold"}, {"plan": "free"}]
            [text] = list(analysis.iter_group_json())
        assert problems == [PROBLEM], keep
        got = json.loads(text)
        assert [m["cio_id"] for m in got["members"]] == ["c1", "c2"]
        assert got["primary"] == "c1"


def test_the_sql_path_finds_the_same_group(tmp_path: Path) -> None:
    assert _sql_rows(_export(tmp_path)) == [("c1", "c1", True), ("c1", "c2", False)]


def test_a_repeated_row_first_in_the_file_counts_on_every_path(tmp_path: Path) -> None:
    """The first row of a cio_id counts even when it links nobody: c1's email row is ignored, so no group."""
    path = tmp_path / "first.csv"
    path.write_text("cio_id,id,email,created_at,plan\nc1,u3,,,trial\nc1,u1,a@x.io,,gold\nc2,u2,a@x.io,,free\n")
    for keep in (False, True):
        with analyse_export(path, keep_attributes=keep) as analysis:
            assert analysis.groups() == []
            assert [(p.line, p.kind) for p in analysis.problems] == [(3, "duplicate_cio_id")]
    assert _sql_rows(path) == []
