"""Reading people exports: header matching, missing columns, malformed rows with line numbers, gzip, --print-sql."""

from __future__ import annotations

import gzip
from pathlib import Path

import duckdb
import pytest

from cio_tui.identity.duplicates.dialects import render_script
from cio_tui.identity.duplicates.engine import analyse_export
from cio_tui.identity.duplicates.engines import people_columns
from cio_tui.identity.duplicates.export import ExportError, read_csv_sql, read_header


def test_header_is_matched_case_insensitively_and_extra_columns_are_attributes(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("\ufeffCIO_ID, Id ,EMAIL,Created_At,Anonymous_ID,Plan,Work Email\n", encoding="utf-8")
    cols = read_header(path)
    assert cols.names == ["cio_id", "id", "email", "created_at", "anonymous_id", "plan", "work email"]
    assert cols.attributes == ["anonymous_id", "plan", "work email"]
    assert cols.email_attributes == ["work email"]
    assert cols.has_anonymous_id and cols.problems == []


def test_missing_required_column_is_reported_on_line_1_and_the_rest_is_analysed(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("cio_id,email,anonymous_id\na,x@example.com,anon-1\nb,y@example.com,anon-1\n")
    with analyse_export(path) as analysis:
        problems = [(p.line, p.kind) for p in analysis.problems]
        groups = analysis.groups()
    assert problems == [(1, "missing_column"), (1, "missing_column")]
    assert "'id'" in analysis.problems[0].message and "'created_at'" in analysis.problems[1].message
    [group] = groups
    assert group.rules == ["shared_anonymous_id"] and group.members[0].created_at is None


def test_created_at_out_of_any_calendar_is_unknown_not_a_crash(tmp_path: Path) -> None:
    # once, one such value stopped the whole analysis with a DuckDB conversion error
    path = tmp_path / "t.csv"
    path.write_text(
        "cio_id,id,email,created_at\n"
        "a,,same@example.com,1e30\n"
        "b,,same@example.com,99999999999999999999\n"
        "c,,same@example.com,-5e20\n"
        "d,,same@example.com,1700000000123\n"  # milliseconds
    )
    with analyse_export(path) as analysis:
        [group] = analysis.groups()
    assert {m.cio_id: m.created_at for m in group.members} == {"a": None, "b": None, "c": None, "d": 1700000000}
    assert group.primary == "d" and "(created 2023-11-14)" in group.primary_reason


def test_malformed_rows_are_reported_with_their_line_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "cio_id,id,email,created_at\n"
        "a,,same@example.com,1\n"  # line 2
        "b,too,many,fields,here\n"  # line 3: rejected
        "c,cid,same@example.com,2\n"  # line 4
        ',"unterminated,x@example.com,3\n'  # line 5: rejected (quote never closed) or read as one odd row
    )
    with analyse_export(path) as analysis:
        lines = {p.line: p.kind for p in analysis.problems}
        [group] = analysis.groups()
    assert lines[3] == "malformed_row"
    assert "the row is skipped" in next(p.message for p in analysis.problems if p.line == 3)
    assert sorted(m.cio_id for m in group.members) == ["a", "c"]


def test_rows_without_cio_id_are_reported_with_line_numbers_after_rejected_lines(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_text(
        "cio_id,id,email,created_at\n"
        "a,u1,a@example.com,1\n"  # 2
        "broken\n"  # 3 (rejected)
        ",u2,b@example.com,1\n"  # 4
        "d,u4,d@example.com,1\n"  # 5
        '"",u5,e@example.com,1\n'  # 6
    )
    with analyse_export(path) as analysis:
        got = [(p.line, p.kind) for p in analysis.problems]
    assert got == [(3, "malformed_row"), (4, "missing_cio_id"), (6, "missing_cio_id")]


def test_a_repeated_row_is_reported_not_merged_into_itself(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("cio_id,id,email,created_at\na,,r@example.com,1\nb,rita,r@example.com,2\na,,r@example.com,1\n")
    with analyse_export(path) as analysis:
        [problem] = analysis.problems
        [group] = analysis.groups()
    assert (problem.line, problem.kind) == (4, "duplicate_cio_id")
    assert "already appeared on line 2" in problem.message
    assert sorted(m.cio_id for m in group.members) == ["a", "b"]


def test_gzip_export_is_read(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"  # compressed but not named .gz (the download format is not documented)
    path.write_bytes(gzip.compress(b"cio_id,id,email,created_at\na,,g@example.com,1\nb,gid,g@example.com,2\n"))
    with analyse_export(path) as analysis:
        assert [g.size for g in analysis.groups()] == [2]


def test_unreadable_inputs_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no export file"):
        read_header(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(ExportError, match="header row"):
        read_header(tmp_path / "empty.csv")


def test_printed_sql_runs_in_duckdb_and_finds_the_same_groups(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "cio_id,id,email,created_at,anonymous_id\n"
        "a,,p@example.com,1,\nb,pat,P@example.com,2,anon-x\nc,,q@example.com,3,anon-x\n"
        "d,Kim,k@example.com,1,\ne,kim,l@example.com,2,\nf,solo,s@example.com,1,\n"
    )
    cols = read_header(path)
    script = render_script("duckdb", cols=people_columns(cols), source_sql=read_csv_sql(path, cols, rejects=False))
    con = duckdb.connect()
    con.execute(script)  # the whole script, as an operator would paste it
    rows = con.execute("SELECT group_id, rules, cio_id FROM cio_duplicate_groups").fetchall()
    groups: dict[str, set[str]] = {}
    for group_id, _rules, cio_id, *_ in rows:
        groups.setdefault(group_id, set()).add(cio_id)
    assert sorted(map(sorted, groups.values())) == [["a", "b", "c"], ["d", "e"]]


@pytest.mark.parametrize(
    ("header", "named"),
    [("name,phone,city\n", "'cio_id' column"), ("cio_id,plan,city\n", "'id', 'email' or 'anonymous_id' column")],
)
def test_a_file_that_is_not_a_people_export_is_refused(tmp_path: Path, header: str, named: str) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text(header + "a,b,c\n")
    with pytest.raises(ExportError) as err:
        read_header(path)
    assert "wrong.csv is not a people export" in str(err.value) and named in str(err.value)
