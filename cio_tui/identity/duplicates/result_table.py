"""The result table every engine writes: ``(group_id, cio_id, rules, confidence, is_primary, needs_review_reason)``.

One row per person in a group. ``group_id`` is the group's smallest ``cio_id`` (byte order), so the embedded engine,
PostgreSQL, Spark and a warehouse script name each group alike and their tables can be compared row for row.
``needs_review_reason`` is empty (NULL) when the group is merge-ready. Files are CSV (gzip too) or Parquet, read and
written by DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from cio_tui.errors import UserError
from cio_tui.identity.duplicates.export import quote_literal
from cio_tui.identity.duplicates.one_row import one_value
from cio_tui.identity.duplicates.portable import RESULT_COLUMNS

if TYPE_CHECKING:
    from cio_tui.identity.duplicates.engine import DuplicateAnalysis

# The embedded engine's result table (``ranking.RESULT``), as every engine writes it.
EMBEDDED_RESULT_SQL = "SELECT * FROM dup_result"
ORDER = "ORDER BY group_id, is_primary DESC, cio_id"


class ResultTableError(UserError, ValueError):
    """The file is not a result table (missing columns, unreadable); the message says what to do."""


@dataclass(frozen=True, slots=True)
class ResultRow:
    group_id: str
    cio_id: str
    rules: str
    confidence: str
    is_primary: bool
    needs_review_reason: str | None


def rows_of(con: duckdb.DuckDBPyConnection, select: str) -> list[ResultRow]:
    """The rows of ``select`` (the six columns), in a fixed order: group, primary first, then cio_id."""
    cur = con.execute(f"SELECT {', '.join(RESULT_COLUMNS)} FROM ({select}) AS r {ORDER}")
    return [ResultRow(str(g), str(c), str(r), str(conf), bool(p), n or None) for g, c, r, conf, p, n in cur.fetchall()]


def embedded_rows(analysis: DuplicateAnalysis) -> list[ResultRow]:
    return rows_of(analysis.con, EMBEDDED_RESULT_SQL)


def file_format(path: Path) -> str:
    name = path.name.lower()
    return "parquet" if name.endswith((".parquet", ".parq", ".pq")) else "csv"


def write_result(con: duckdb.DuckDBPyConnection, select: str, path: str | Path) -> int:
    """Write the result table of ``select`` to ``path`` (``.parquet`` -> Parquet, else CSV; ``.gz`` compressed)."""
    path = Path(path)
    fmt = file_format(path)
    opts = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    if fmt == "csv" and path.name.lower().endswith(".gz"):
        opts += ", COMPRESSION gzip"
    query = f"SELECT {', '.join(RESULT_COLUMNS)} FROM ({select}) AS r {ORDER}"
    # COPY answers the number of rows it wrote: counting the SELECT again would run it twice
    return int(one_value(con, f"COPY ({query}) TO {quote_literal(str(path))} ({opts})"))


def write_rows(rows: list[ResultRow], path: str | Path) -> None:
    """Write rows fetched from another engine (PostgreSQL, Spark) in the same file forms. The rows go through a
    temporary CSV file that DuckDB reads with fixed types: inserting millions of rows one statement at a time
    (``executemany``) took minutes."""
    import csv
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cio-tui-rows-") as tmp:
        staged = Path(tmp) / "rows.csv"
        with staged.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            for r in rows:  # an empty field is NULL: no reason (the rules never write an empty one)
                writer.writerow([r.group_id, r.cio_id, r.rules, r.confidence, "true" if r.is_primary else "false",
                                 r.needs_review_reason or ""])  # fmt: skip
        types = ", ".join(f"{quote_literal(c)}: {quote_literal(t)}" for c, t in _ROW_TYPES)
        reader = (
            f"read_csv({quote_literal(str(staged))}, header = false, auto_detect = false, delim = ',', "
            f"quote = '\"', escape = '\"', columns = {{{types}}}, nullstr = '')"
        )
        con = duckdb.connect()
        try:
            write_result(con, f"SELECT * FROM {reader}", path)
        finally:
            con.close()


_ROW_TYPES = (
    ("group_id", "VARCHAR"), ("cio_id", "VARCHAR"), ("rules", "VARCHAR"), ("confidence", "VARCHAR"),
    ("is_primary", "BOOLEAN"), ("needs_review_reason", "VARCHAR"),
)  # fmt: skip


def vars_of(row: ResultRow) -> list[object]:
    return [row.group_id, row.cio_id, row.rules, row.confidence, row.is_primary, row.needs_review_reason]


def is_result_table(path: str | Path) -> bool:
    """Whether the file holds a result table (by its columns), not a people export. OSError when unreadable."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == b"PAR1":
        con = duckdb.connect()
        try:
            cur = con.execute(f"SELECT * FROM read_parquet({quote_literal(str(path))}) LIMIT 0")
            names = {str(d[0]).strip().lower() for d in cur.description}
        except duckdb.Error:
            return False
        finally:
            con.close()
    else:
        import csv
        import gzip

        opener = gzip.open if head[:2] == b"\x1f\x8b" else open
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
        names = {n.strip().lower() for n in next(csv.reader([first]), [])}
    return {"group_id", "is_primary"} <= names


def read_result(path: str | Path) -> list[ResultRow]:
    """Read a result table file (CSV, gzip CSV or Parquet) and check it has the six columns."""
    path = Path(path)
    if not path.is_file():
        raise ResultTableError(f"no result table at {path}; pass the CSV or Parquet file the duplicate rules wrote")
    src = quote_literal(str(path))
    reader = (
        f"read_parquet({src})"
        if file_format(path) == "parquet"
        else f"read_csv({src}, header = true, all_varchar = true, auto_detect = true)"
    )
    con = duckdb.connect()
    try:
        try:
            names = [str(d[0]).strip().lower() for d in con.execute(f"SELECT * FROM {reader} LIMIT 0").description]
        except duckdb.Error as exc:
            raise ResultTableError(f"{path.name} cannot be read as a result table: {exc}") from exc
        missing = [c for c in RESULT_COLUMNS if c not in names]
        if missing:
            raise ResultTableError(
                f"{path.name} is not a duplicate result table: it has no {', '.join(missing)} column(s); it needs "
                f"{', '.join(RESULT_COLUMNS)} (what cio-tui duplicates --out or a printed script writes)"
            )
        select = (
            "SELECT CAST(group_id AS VARCHAR) AS group_id, CAST(cio_id AS VARCHAR) AS cio_id, rules, confidence, "
            "lower(CAST(is_primary AS VARCHAR)) IN ('true', 't', '1', 'yes') AS is_primary, "
            f"nullif(CAST(needs_review_reason AS VARCHAR), '') AS needs_review_reason FROM {reader} "
            "WHERE cio_id IS NOT NULL"
        )
        return rows_of(con, select)
    finally:
        con.close()


__all__ = [
    "EMBEDDED_RESULT_SQL",
    "ResultRow",
    "ResultTableError",
    "embedded_rows",
    "read_result",
    "rows_of",
    "write_result",
    "write_rows",
]
