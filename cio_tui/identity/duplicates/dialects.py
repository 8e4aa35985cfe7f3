"""Rendering the portable duplicate rules (``portable.py``) for one engine, and checking what was rendered.

sqlglot renders each stage's SELECT (functions, casts, quoting, string escapes), with unsupported constructs raising
instead of passing through. The pieces sqlglot cannot know are written here by hand, per engine:

- the marker functions of ``portable.py``: text values, and byte-order comparison of ``cio_id`` and ids
  (PostgreSQL compares text by the database's locale unless told ``COLLATE "C"``; the others compare bytes);
- how a stage becomes a table: temporary tables where the engine has them in a script; on Databricks and Spark, real
  tables (Delta; Parquet), dropped at the end: a chain of views or cached views over the label passes keeps its
  lineage, and each pass reads the previous one three times, so the plan would grow exponentially.

``check_script`` parses a rendered script back in its dialect with errors raised, and refuses any function sqlglot
does not model (an unknown function would otherwise pass through silently, and fail only in the warehouse).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, cast

from cio_tui.errors import UserError
from cio_tui.identity.duplicates.portable import RESULT_COLUMNS, PeopleColumns, Stage, Tables, script_stages
from cio_tui.identity.duplicates.rules import MAX_GROUP_SIZE, RULES
from cio_tui.identity.duplicates.sql_cache import render_cache

if TYPE_CHECKING:
    from sqlglot import exp

# --dialect NAME -> sqlglot dialect
DIALECTS = {
    "duckdb": "duckdb",
    "postgres": "postgres",
    "snowflake": "snowflake",
    "bigquery": "bigquery",
    "databricks": "databricks",
    "spark": "spark",
    "redshift": "redshift",
}
BYTE_ORDER_COLLATION = {"postgres": '"C"'}


class DialectError(UserError, ValueError):
    """A name or a rendered statement the dialect cannot take; the message says which."""


HAND_FUNCTIONS = {"duckdb": {"HASH"}}  # functions written by hand for one engine (sqlglot does not model them)


def _marker(node: exp.Expression, dialect: str) -> exp.Expression:
    from sqlglot import exp

    if not isinstance(node, exp.Anonymous):
        return node
    name = str(node.this).upper()
    if name not in ("CIO_TEXT", "CIO_NODE", "CIO_ORD", "CIO_HASH"):
        return node
    (arg,) = node.expressions
    if name == "CIO_HASH":  # DuckDB's 64-bit hash (only rendered for DuckDB: edges_select(hashed=True))
        if dialect != "duckdb":
            raise DialectError(f"CIO_HASH has no {dialect} piece")
        return exp.Anonymous(this="HASH", expressions=[arg])
    collation = BYTE_ORDER_COLLATION.get(dialect)

    def collate(e: exp.Expression) -> exp.Expression:
        return exp.Collate(this=e, expression=exp.to_identifier(str(collation).strip('"'), quoted=True))

    if name == "CIO_ORD":
        return collate(arg) if collation else arg
    text = exp.cast(arg, exp.DataType.build("TEXT" if collation else "VARCHAR"))
    return collate(text) if name == "CIO_NODE" and collation else text


def _unknown(tree: exp.Expr, dialect: str) -> list[str]:
    from sqlglot import exp

    hand = HAND_FUNCTIONS.get(dialect, set())
    return sorted({str(f.this) for f in tree.find_all(exp.Anonymous) if str(f.this).upper() not in hand})


@functools.lru_cache(maxsize=256)
def render_select(neutral: str, dialect: str) -> str:
    """One neutral SELECT rendered for ``dialect`` (sqlglot name), unsupported constructs raising (remembered: a
    runner renders the same label pass again each time; and kept between runs, ``sql_cache.py``: sqlglot is then
    not even imported)."""
    cache = render_cache()
    rendered = cache.get(dialect, neutral)
    if rendered is None:
        rendered = _render(neutral, dialect)
        cache.put(dialect, neutral, rendered)
    return rendered


def _render(neutral: str, dialect: str) -> str:
    import sqlglot
    from sqlglot.errors import ErrorLevel

    tree = sqlglot.parse_one(neutral, error_level=ErrorLevel.RAISE)
    tree = tree.transform(lambda n: _marker(n, dialect))
    unknown = _unknown(tree, dialect)
    if unknown:
        raise DialectError(f"the portable rules use functions sqlglot does not model: {', '.join(unknown)}")
    return tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE, pretty=False)


def table_name(name: str, dialect: str) -> str:
    """A table name as the operator gave it (``table``, ``schema.table``, ``catalog.schema.table``), each part
    quoted for ``dialect`` when it needs quoting (so a name can never inject SQL)."""
    from sqlglot import exp

    parts = [p.strip() for p in name.split(".")]
    if not name.strip() or len(parts) > 3 or any(not p for p in parts):
        raise DialectError(f"{name!r} is not a table name; write TABLE, SCHEMA.TABLE or CATALOG.SCHEMA.TABLE")
    ident = [exp.to_identifier(p.strip('"`')) for p in parts]
    table = exp.Table(
        this=ident[-1],
        db=ident[-2] if len(ident) > 1 else None,
        catalog=ident[-3] if len(ident) > 2 else None,
    )
    return table.sql(dialect=dialect)


def _create(dialect: str, table: str, body: str, result: bool) -> list[str]:
    if dialect == "duckdb":
        return [f"CREATE OR REPLACE {'' if result else 'TEMP '}TABLE {table} AS\n{body}"]
    if dialect in ("postgres", "redshift"):
        return [f"DROP TABLE IF EXISTS {table}", f"CREATE {'' if result else 'TEMP '}TABLE {table} AS\n{body}"]
    if dialect == "snowflake":
        return [f"CREATE OR REPLACE {'' if result else 'TEMPORARY '}TABLE {table} AS\n{body}"]
    if dialect == "bigquery":
        return [f"CREATE {'OR REPLACE ' if result else ''}{'' if result else 'TEMP '}TABLE {table} AS\n{body}"]
    if dialect == "databricks":
        return [f"CREATE OR REPLACE TABLE {table} AS\n{body}"]
    if dialect == "spark":  # materialised: a cached view keeps its lineage, and each label pass would re-analyse all
        return [f"DROP TABLE IF EXISTS {table}", f"CREATE TABLE {table} USING parquet AS\n{body}"]
    raise DialectError(f"unknown dialect {dialect!r}")


def _cleanup(dialect: str, tables: list[str]) -> list[str]:
    if dialect in ("databricks", "spark"):
        return [f"DROP TABLE IF EXISTS {t}" for t in tables]
    return []  # temporary tables end with the session


def header(dialect_name: str, source: str, result: str, cols: PeopleColumns, max_group_size: int) -> str:
    roles = ", ".join(
        f"{role} = {cols.role(role) or '(none)'}" for role in ("cio_id", "id", "email", "created_at", "anonymous_id")
    )
    lines = [
        f"cio-tui duplicate rules, {dialect_name} SQL.",
        f"Reads the people table {source} ({roles}"
        + (f"; email attributes {', '.join(cols.email_attributes)}" if cols.email_attributes else "")
        + ").",
        f"Writes the table {result} ({', '.join(RESULT_COLUMNS)}): one row per person in a group;",
        "group_id is the group's smallest cio_id; needs_review_reason is empty when the group is merge-ready.",
        f"Groups of more than {max_group_size} people (max_group_size) need review: likely a bad key.",
        "Plan the merges from it: cio-tui plan merge-duplicates --from-groups FILE (the table as CSV or Parquet).",
        "Rules:",
        *[f"  {r.code} {r.name} ({r.confidence.value}): {r.title}" for r in RULES],
    ]
    return "\n".join(f"-- {line}" for line in lines)


def render_script(
    dialect_name: str,
    *,
    source: str = "people",
    cols: PeopleColumns | None = None,
    result: str = "cio_duplicate_groups",
    max_group_size: int = MAX_GROUP_SIZE,
    source_sql: str | None = None,
) -> str:
    """The whole analysis for ``dialect_name``: reads ``source``, writes ``result``. ``source_sql`` replaces the
    quoted table name with an expression (a ``read_csv(...)`` call for DuckDB)."""
    if dialect_name not in DIALECTS:
        raise DialectError(f"unknown dialect {dialect_name!r}; choose one of {', '.join(DIALECTS)}")
    dialect = DIALECTS[dialect_name]
    cols = cols or PeopleColumns()
    src = source_sql or table_name(source, dialect)
    out = table_name(result, dialect)
    stages = script_stages("CIO_SOURCE_TABLE", cols, result="CIO_RESULT_TABLE", max_group_size=max_group_size,
                           hashed=dialect == "duckdb")  # fmt: skip
    statements: list[str] = []
    made: list[str] = []
    for stage in stages:
        body = render_select(stage.select, dialect).replace(_placeholder("CIO_SOURCE_TABLE", dialect), src)
        is_result = stage.kind == "result"
        name = out if is_result else stage.table
        block = _create(dialect, name, body, is_result)
        if stage.note:
            block[0] = f"-- {stage.note}\n{block[0]}"
        statements += block
        if not is_result:
            made.append(name)
    statements += _cleanup(dialect, made)
    return header(dialect_name, source, result, cols, max_group_size) + "\n\n" + ";\n\n".join(statements) + ";\n"


@functools.lru_cache(maxsize=64)
def _placeholder(name: str, dialect: str) -> str:
    """A placeholder table's name as ``dialect`` writes it (kept between runs with the renderings)."""
    cache = render_cache()
    key = f"-- table {name}"
    written = cache.get(dialect, key)
    if written is None:
        from sqlglot import exp

        written = exp.to_table(name).sql(dialect=dialect)
        cache.put(dialect, key, written)
    return written


def check_script(sql: str, dialect_name: str) -> list[exp.Expression]:
    """Parse a rendered script back in its dialect, errors raised; refuse functions sqlglot does not model."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import ErrorLevel

    dialect = DIALECTS[dialect_name]
    trees = [t for t in sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE) if t is not None]
    for tree in trees:
        unknown = _unknown(tree, dialect)
        if unknown:
            raise DialectError(f"{dialect_name}: functions sqlglot does not know would pass through: {unknown}")
        if isinstance(tree, exp.Command):
            raise DialectError(f"{dialect_name}: a statement was not understood, only passed through: {tree.sql()}")
    return cast("list[exp.Expression]", trees)  # sqlglot 30 types parse() with its Expr base class


def stage_body(stage: Stage, dialect: str, source_sql: str) -> str:
    """A stage's SELECT for a runner (``source_sql`` replaces the source table)."""
    body = render_select(stage.select, dialect)
    return body.replace(_placeholder("CIO_SOURCE_TABLE", dialect), source_sql)


__all__ = [
    "DIALECTS",
    "DialectError",
    "Tables",
    "check_script",
    "render_script",
    "render_select",
    "stage_body",
    "table_name",
]
