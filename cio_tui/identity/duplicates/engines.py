"""The engines the portable rules run in: DuckDB (the portable rendering, for comparisons), PostgreSQL (psycopg 3) and
Apache Spark (pyspark, local or a cluster). Each loads a people export (CSV, gzip CSV or Parquet) or uses a table that
is already there, and gives ``runners.run_rules`` three operations: make a table, read a number, fetch rows.

psycopg and pyspark are optional (``cio-tui[postgres]``, ``cio-tui[spark]``): imported only here, with a message
saying which extra to install when they are missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from cio_tui.errors import UserError
from cio_tui.identity.duplicates.export import ExportColumns, quote_ident
from cio_tui.identity.duplicates.one_row import one_value
from cio_tui.identity.duplicates.portable import PeopleColumns
from cio_tui.identity.duplicates.sources import export_select, read_columns

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

ORDINAL = "cio_row"  # the row order of a loaded file: a repeated cio_id keeps its first row, as in the embedded engine
SOURCE = "cio_source"


class EngineUnavailable(UserError, RuntimeError):
    """The engine's library or server is not there; the message says what to install or check."""


def people_columns(columns: ExportColumns, *, ordinal: str = "") -> PeopleColumns:
    """The roles of a loaded export's (canonical) columns, as the embedded engine reads them."""
    names = set(columns.names)

    def role(name: str) -> str:
        return name if name in names else ""

    return PeopleColumns(
        cio_id=role("cio_id") or "cio_id",
        id=role("id"),
        email=role("email"),
        created_at=role("created_at"),
        anonymous_id=role("anonymous_id"),
        email_attributes=tuple(columns.email_attributes),
        ordinal=ordinal,
    )


# -- DuckDB -------------------------------------------------------------------------------------------------------
class DuckDBEngine:
    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.con = con or duckdb.connect()
        self.con.execute("SET enable_progress_bar = false")

    def load(self, path: str | Path, columns: ExportColumns) -> str:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {SOURCE} AS {export_select(path, columns, ORDINAL)}")
        return SOURCE

    def create(self, table: str, select: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {select}")

    def scalar(self, select: str) -> object:
        return one_value(self.con, select)

    def fetch(self, select: str) -> list[tuple[object, ...]]:
        return self.con.execute(select).fetchall()

    def drop(self, table: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def close(self) -> None:
        self.con.close()


class EmbeddedDuckDB:
    """The embedded engine's connection as a runner's engine: stage tables are temporary tables."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def create(self, table: str, select: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {select}")

    def scalar(self, select: str) -> object:
        return one_value(self.con, select)

    def fetch(self, select: str) -> list[tuple[object, ...]]:
        return self.con.execute(select).fetchall()

    def drop(self, table: str) -> None:
        self.con.execute(f"DROP TABLE IF EXISTS {table}")


# -- PostgreSQL ---------------------------------------------------------------------------------------------------
class PostgresEngine:
    dialect = "postgres"

    def __init__(self, dsn: str) -> None:
        try:
            import psycopg
        except ImportError as exc:
            raise EngineUnavailable("--engine postgres needs psycopg: pip install 'cio-tui[postgres]'") from exc
        try:
            self.conn = psycopg.connect(dsn, autocommit=True)
        except psycopg.Error as exc:
            raise EngineUnavailable(f"cannot connect to PostgreSQL: {_first_line(exc)}; check --dsn") from exc

    def load(self, path: str | Path, columns: ExportColumns, batch: int = 50_000) -> str:
        """Copy the export into a temporary table (every column text), read by DuckDB and streamed with COPY."""
        names = [*columns.names, ORDINAL]
        spec = ", ".join(f"{quote_ident(n)} text" for n in columns.names)
        with self.conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {SOURCE}")
            cur.execute(f"CREATE TEMP TABLE {SOURCE} ({spec}, {ORDINAL} bigint)")
            with cur.copy(f"COPY {SOURCE} ({', '.join(quote_ident(n) for n in names)}) FROM STDIN") as copy:
                for row in _export_rows(path, columns, batch):
                    copy.write_row(row)
            cur.execute(f"ANALYZE {SOURCE}")
        return SOURCE

    def create(self, table: str, select: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TEMP TABLE {table} AS {select}")
            cur.execute(f"ANALYZE {table}")

    def columns_of(self, table: str) -> list[str]:
        """The column names of a table already in the server."""
        import psycopg

        with self.conn.cursor() as cur:
            try:
                cur.execute(f"SELECT * FROM {table} LIMIT 0")
            except psycopg.Error as exc:
                raise EngineUnavailable(f"cannot read the table {table}: {_first_line(exc)}") from exc
            return [d.name for d in cur.description or []]

    def scalar(self, select: str) -> object:
        with self.conn.cursor() as cur:
            row = cur.execute(select).fetchone()
        return None if row is None else row[0]

    def fetch(self, select: str) -> list[tuple[object, ...]]:
        with self.conn.cursor() as cur:
            return list(cur.execute(select).fetchall())

    def drop(self, table: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {table}")

    def close(self) -> None:
        self.conn.close()


def _export_rows(path: str | Path, columns: ExportColumns, batch: int) -> Iterator[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        cur = con.execute(export_select(path, columns, ORDINAL))
        while rows := cur.fetchmany(batch):
            yield from rows
    finally:
        con.close()


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


# -- Spark --------------------------------------------------------------------------------------------------------
class SparkEngine:
    """pyspark; ``master`` is ``local[*]`` (this machine's cores) unless a cluster URL is given. Each stage is
    materialised with a local checkpoint, which also cuts its lineage: a chain of views (or cached tables) over the
    label passes makes every pass re-analyse all the earlier ones (each pass reads the previous one three times)."""

    dialect = "spark"

    def __init__(
        self, master: str = "local[*]", *, app_name: str = "cio-tui duplicates", conf: Mapping[str, str] | None = None
    ) -> None:
        """``conf``: Spark settings over the defaults below (the tests run a small local JVM that starts fast)."""
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineUnavailable(
                "--engine spark needs pyspark: pip install 'cio-tui[spark]' (and Java 17+)"
            ) from exc
        builder = SparkSession.builder.master(master).appName(app_name)
        for key, value in {
            # local: one partition per core (the stages are small once the rules ran; 200 tasks each cost more)
            "spark.sql.shuffle.partitions": str(os.cpu_count() or 2) if master.startswith("local") else "200",
            "spark.sql.adaptive.enabled": "true",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
            "spark.sql.session.timeZone": "UTC",
            "spark.sql.ansi.enabled": "true",  # a bad cast fails loudly; the rules never cast unchecked text
            # local mode runs in this machine's JVM: the default 1g driver is too small for millions of rows
            "spark.driver.memory": os.environ.get("CIO_TUI_SPARK_DRIVER_MEMORY", "4g"),
            **(conf or {}),
        }.items():
            builder = builder.config(key, value)
        try:
            self.spark: SparkSession = builder.getOrCreate()
        except Exception as exc:  # noqa: BLE001 - Java missing or the master unreachable: said in words
            raise EngineUnavailable(
                f"cannot start Spark ({master}): {_first_line(exc)}; is Java 17+ installed?"
            ) from exc
        self.spark.sparkContext.setLogLevel("ERROR")
        self._frames: dict[str, DataFrame] = {}

    def load(self, path: str | Path, columns: ExportColumns) -> str:
        from pyspark.sql import functions as F

        path = Path(path)
        if _is_parquet(path):
            df = self.spark.read.parquet(str(path))
            by_name = {c.strip().lower(): c for c in df.columns}
            df = df.select(*[F.col(f"`{by_name[orig.strip().lower()]}`").cast("string").alias(name)
                             for orig, name in zip(columns.original, columns.names, strict=True)])  # fmt: skip
        else:
            df = (
                self.spark.read.option("header", True)
                .option("escape", '"')
                .option("inferSchema", False)
                .option("mode", "DROPMALFORMED")
                .csv(str(path))
            )
            df = df.toDF(*columns.names)
        df = df.withColumn(ORDINAL, F.monotonically_increasing_id())
        df.createOrReplaceTempView(SOURCE)
        return SOURCE

    def create(self, table: str, select: str) -> None:
        df = self.spark.sql(select).localCheckpoint(eager=True)
        df.createOrReplaceTempView(table)
        old = self._frames.pop(table, None)
        if old is not None:
            old.unpersist()
        self._frames[table] = df

    def scalar(self, select: str) -> object:
        return self.spark.sql(select).collect()[0][0]

    def fetch(self, select: str) -> list[tuple[object, ...]]:
        return [tuple(r) for r in self.spark.sql(select).collect()]

    def drop(self, table: str) -> None:
        """Forget the view and its checkpointed blocks (a later stage checkpointed its own data, eagerly)."""
        self.spark.catalog.dropTempView(table)
        df = self._frames.pop(table, None)
        if df is not None:
            df.unpersist()

    def close(self) -> None:
        for df in self._frames.values():
            df.unpersist()
        self._frames.clear()


def _is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


__all__ = ["DuckDBEngine", "EngineUnavailable", "PostgresEngine", "SparkEngine", "people_columns", "read_columns"]
