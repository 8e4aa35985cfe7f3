"""The same duplicate rules in every engine: the embedded DuckDB engine, the portable rules run in DuckDB, in a REAL
PostgreSQL server (started by the suite, see ``tests/pg_server.py``), and the printed scripts run as an operator
would run them. Identical result tables on generated exports with known clusters and on hand-made edge cases."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb
import pytest

from cio_tui.identity.duplicates.dialects import render_script
from cio_tui.identity.duplicates.engine import analyse_export
from cio_tui.identity.duplicates.engines import ORDINAL, DuckDBEngine, PostgresEngine, people_columns
from cio_tui.identity.duplicates.portable import PeopleColumns
from cio_tui.identity.duplicates.result_table import ResultRow, embedded_rows, rows_of
from cio_tui.identity.duplicates.runners import run_rules, sort_rows
from cio_tui.identity.duplicates.sources import read_columns
from cio_tui.sandbox.seeding import write_export_csv
from tests.pg_server import PgServer, pg_server  # noqa: F401 - the session fixture

EDGE_ROWS = [
    # created_at in every accepted form, and bad ones (unknown, so they sort last)
    ["t1", "", "t@example.com", "2021-03-04T05:06:07+02:00", "", ""],
    ["t2", "", "T@example.com ", "2021-03-04 03:06:06Z", "", ""],
    ["t3", "", "t@example.com", "1614830000000", "", ""],
    ["t4", "", "t@example.com", "2021-02-30", "", ""],
    ["t5", "", "t@example.com", "not a date", "", ""],
    ["t6", "", "t@example.com", "99999999999999999999", "", ""],
    # a lead, a person with the email in another attribute, an id that is an email
    ["l1", "", "lee@example.com", "5", "", ""],
    ["l2", "u-lee", "other@example.com", "6", "", "Lee@Example.com"],
    ["m1", "mo@example.com", "", "7", "", ""],
    ["m2", "u-mo", "mo@example.com", "8", "", ""],
    # case variants (two real ids: needs review), shared anonymous ids and a placeholder that links nobody
    ["c1", "Kim", "k1@example.com", "1", "", ""],
    ["c2", "kim", "k2@example.com", "2", "", ""],
    ["a1", "ua", "a1@example.com", "1", "anon-1", ""],
    ["a2", "", "a2@example.com", "2", "anon-1", ""],
    ["n1", "", "n1@example.com", "1", "null", ""],
    ["n2", "", "n2@example.com", "2", "null", ""],
    # a group bigger than max_group_size (4 in these tests)
    *[[f"z{i}", "", "zed@example.com", str(i), "", ""] for i in range(6)],
    # a repeated cio_id keeps its first row
    ["d1", "", "dup@example.com", "1", "", ""],
    ["d2", "", "dup@example.com", "2", "", ""],
]
HEADER = ["cio_id", "id", "email", "created_at", "anonymous_id", "work_email"]


def edge_export(path: Path) -> Path:
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(EDGE_ROWS)
    return path


def embedded(path: Path, max_group_size: int = 50) -> list[ResultRow]:
    with analyse_export(path, max_group_size=max_group_size) as analysis:
        return embedded_rows(analysis)


def portable_duckdb(path: Path, max_group_size: int = 50) -> list[ResultRow]:
    engine = DuckDBEngine()
    try:
        cols = read_columns(path)
        return run_rules(engine, engine.load(path, cols), people_columns(cols, ordinal=ORDINAL),
                         max_group_size=max_group_size)  # fmt: skip
    finally:
        engine.close()


def postgres(server: PgServer, path: Path, max_group_size: int = 50) -> list[ResultRow]:
    engine = PostgresEngine(server.dsn)
    try:
        cols = read_columns(path)
        return run_rules(engine, engine.load(path, cols), people_columns(cols, ordinal=ORDINAL),
                         max_group_size=max_group_size)  # fmt: skip
    finally:
        engine.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, list[list[str]]]]:
    out = []
    for mode, seed in (("email_or_id", 11), ("id_only", 12)):
        path = tmp_path_factory.mktemp("gen") / f"people-{mode}.csv"
        truth = write_export_csv(path, people=2500, seed=seed, mode=mode)
        out.append((path, [c["cio_ids"] for c in truth]))
    return out


def test_edge_cases_give_the_expected_groups(tmp_path: Path) -> None:
    rows = embedded(edge_export(tmp_path / "e.csv"), max_group_size=4)
    groups: dict[str, list[ResultRow]] = {}
    for row in rows:
        groups.setdefault(row.group_id, []).append(row)
    t = groups["t1"]
    assert [r.cio_id for r in t] == ["t2", "t1", "t3", "t4", "t5", "t6"]  # primary first, then by cio_id
    assert t[0].is_primary and t[0].rules == "same_email"  # 03:06:06Z is a second before 05:06:07+02:00
    assert groups["l1"][0].rules == "lead_and_id_person" and {r.cio_id for r in groups["l1"]} == {"l1", "l2"}
    assert [r.cio_id for r in groups["m1"] if r.is_primary] == ["m2"]  # the real id, not the email-shaped one
    assert "different real ids ('Kim', 'kim')" in (groups["c1"][0].needs_review_reason or "")
    assert groups["a1"][0].confidence == "low" and "n1" not in groups
    assert "6 people, more than max_group_size (4): likely a bad key" in (groups["z0"][0].needs_review_reason or "")
    assert groups["d1"][0].needs_review_reason is None


def test_created_at_forms_are_read_alike_everywhere(tmp_path: Path) -> None:
    from cio_tui.identity.duplicates.dialects import render_select
    from cio_tui.identity.duplicates.portable import created_ts

    def created_ts_sql(col: str) -> str:
        return render_select(f"SELECT {created_ts(f'TRIM({col})')}", "duckdb").removeprefix("SELECT ")

    con = duckdb.connect()
    values = {
        "2021-03-04T05:06:07+02:00": 1614827167, "2021-03-04 03:06:06Z": 1614827166, "1614830000000": 1614830000,
        "2021-02-30": None, "2024-02-29": 1709164800, "not a date": None, "0000-01-01": None, "1": 1,
        "2021-03-04T05:06-0130": 1614839760, "2021-03-04T05:06:07.250Z": 1614834367, " 1700000000 ": 1700000000,
    }  # fmt: skip
    for text, expected in values.items():
        got = con.execute(f"SELECT {created_ts_sql('v')} FROM (SELECT ? AS v)", [text]).fetchone()[0]
        assert got == expected, text


def test_portable_rules_in_duckdb_equal_the_embedded_engine(
    tmp_path: Path, generated: list[tuple[Path, list[list[str]]]]
) -> None:
    for path, _ in generated:
        assert portable_duckdb(path) == embedded(path)
    edge = edge_export(tmp_path / "e.csv")
    assert portable_duckdb(edge, 4) == embedded(edge, 4)


def test_postgres_equals_duckdb_on_generated_exports_with_known_clusters(
    pg_server: PgServer,  # noqa: F811
    generated: list[tuple[Path, list[list[str]]]],
) -> None:
    for path, truth in generated:
        pg, duck = postgres(pg_server, path), embedded(path)
        assert pg == duck and len(pg) > 100
        found: dict[str, set[str]] = {}
        for row in pg:
            found.setdefault(row.group_id, set()).add(row.cio_id)
        assert {frozenset(c) for c in truth} <= {frozenset(g) for g in found.values()}  # every known cluster


def test_postgres_equals_duckdb_on_edge_cases(pg_server: PgServer, tmp_path: Path) -> None:  # noqa: F811
    edge = edge_export(tmp_path / "e.csv")
    assert postgres(pg_server, edge, 4) == embedded(edge, 4)


def test_printed_postgres_script_runs_as_printed(pg_server: PgServer, tmp_path: Path) -> None:  # noqa: F811
    import psycopg

    path = edge_export(tmp_path / "e.csv")
    cols = PeopleColumns(email_attributes=("work_email",))
    script = render_script("postgres", source="crm.people", result="crm.dupes", max_group_size=4, cols=cols)
    with psycopg.connect(pg_server.dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS crm CASCADE")
        conn.execute("CREATE SCHEMA crm")
        conn.execute("CREATE TABLE crm.people (cio_id text, id text, email text, created_at text, "
                     "anonymous_id text, work_email text)")  # fmt: skip
        with conn.cursor().copy("COPY crm.people FROM STDIN") as copy:
            for row in EDGE_ROWS:
                copy.write_row([v or None for v in row])
        conn.execute(script)  # the whole script, as an operator pastes it into psql
        got = conn.execute("SELECT group_id, cio_id, rules, confidence, is_primary, needs_review_reason "
                           "FROM crm.dupes").fetchall()  # fmt: skip
    rows = sort_rows([ResultRow(*r) for r in got])
    assert rows == embedded(path, 4)


def test_printed_duckdb_script_runs_as_printed(tmp_path: Path) -> None:
    path = edge_export(tmp_path / "e.csv")
    con = duckdb.connect()
    con.execute(f"CREATE TABLE people AS SELECT * FROM read_csv('{path}', all_varchar = true)")
    con.execute(render_script("duckdb", max_group_size=4, cols=PeopleColumns(email_attributes=("work_email",))))
    assert rows_of(con, "SELECT * FROM cio_duplicate_groups") == embedded(path, 4)


# A small local JVM that starts and answers fast: the rules run on a few hundred rows, where a second core, a big
# heap, whole-stage code generation and the optimising JIT cost more than they save. Results are unchanged: the
# same SQL, the same engine.
FAST_LOCAL_SPARK = {
    "spark.driver.memory": "1g",
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto",
    "spark.sql.shuffle.partitions": "1",
    "spark.default.parallelism": "1",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
}


def _spark_or_skip() -> None:
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java 17+ and none is installed (no java on PATH, no JAVA_HOME)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (pip install 'cio-tui[spark]')")


@pytest.mark.slow
@pytest.mark.long(47)
def test_spark_equals_duckdb_on_a_generated_export_and_edge_cases(tmp_path: Path) -> None:
    from cio_tui.identity.duplicates.engines import SparkEngine

    _spark_or_skip()
    generated = tmp_path / "people.csv"
    truth = write_export_csv(generated, people=400, seed=21, mode="id_only")
    edge = edge_export(tmp_path / "e.csv")
    parquet = tmp_path / "e.parquet"  # the edge cases as Parquet: Spark's other reader
    duckdb.connect().execute(
        f"COPY (SELECT * FROM read_csv('{edge}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)"
    )
    gen_rows = embedded(generated)
    groups: dict[str, set[str]] = {}
    for row in gen_rows:
        groups.setdefault(row.group_id, set()).add(row.cio_id)
    assert {frozenset(c["cio_ids"]) for c in truth} <= {frozenset(g) for g in groups.values()}
    engine = SparkEngine("local[1]", conf=FAST_LOCAL_SPARK)
    try:
        for path, expected, size in ((generated, gen_rows, 50), (parquet, embedded(edge, 4), 4)):
            cols = read_columns(path)
            got = run_rules(engine, engine.load(path, cols), people_columns(cols, ordinal=ORDINAL), max_group_size=size)
            assert got == expected, path.name
    finally:
        engine.close()


def test_cli_engine_postgres_on_a_file_and_on_a_table(pg_server: PgServer, tmp_path: Path) -> None:  # noqa: F811
    import psycopg
    from click.testing import CliRunner

    from cio_tui.cli import main
    from cio_tui.identity.duplicates.result_table import read_result

    edge = edge_export(tmp_path / "e.csv")
    out = tmp_path / "pg.parquet"
    result = CliRunner().invoke(main, ["duplicates", "--from-export", str(edge), "--engine", "postgres", "--dsn",
                                       pg_server.dsn, "--max-group-size", "4", "--out", str(out),
                                       "--price-per-profile", "1"], catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert read_result(out) == embedded(edge, 4)
    assert "duplicate group(s) (postgres)" in result.stderr and "duplicates cost about $" in result.stderr
    with psycopg.connect(pg_server.dsn, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS public.crm_people")
        conn.execute("CREATE TABLE public.crm_people (person text, uid text, email text, created_at text)")
        conn.execute("INSERT INTO public.crm_people VALUES ('l1', NULL, 'lee@example.com', '1'), "
                     "('c1', 'lee', 'LEE@example.com', '2'), ('x1', 'xan', 'x@example.com', '3')")  # fmt: skip
    result = CliRunner().invoke(main, ["duplicates", "--engine", "postgres", "--dsn", pg_server.dsn, "--table",
                                       "public.crm_people", "--columns", "cio_id=person,id=uid"],
                                catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "group_id,cio_id,rules,confidence,is_primary,needs_review_reason",
        "c1,c1,lead_and_id_person+same_email,high,true,", "c1,l1,lead_and_id_person+same_email,high,false,",
    ]  # fmt: skip
    bad = CliRunner().invoke(main, ["duplicates", "--engine", "postgres", "--dsn", "host=/nonexistent dbname=x",
                                    "--table", "t"], catch_exceptions=False)  # fmt: skip
    assert bad.exit_code == 1 and "cannot connect to PostgreSQL" in bad.stderr and "check --dsn" in bad.stderr


def test_run_rules_refuses_the_embedded_engines_row_numbers_with_a_clear_error(tmp_path: Path) -> None:
    """The embedded engine numbers people by DuckDB's rowid and ranks its groups in its listings: it writes no result
    table for ``run_rules`` to fetch, so asking for one says so instead of failing on an empty query."""
    from cio_tui.identity.duplicates.portable import ROWID

    path = tmp_path / "people.csv"
    path.write_text("cio_id,id,email,created_at\nc1,u1,a@example.com,1700000000\n")
    with pytest.raises(ValueError, match="ordinal column"):
        run_rules(DuckDBEngine(duckdb.connect()), "(SELECT 1)", people_columns(read_columns(path, None), ordinal=ROWID))
