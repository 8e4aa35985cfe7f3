"""The duplicate rules beyond the embedded engine, for ``cio-tui duplicates``: printing them for a warehouse
(``--print-sql --dialect``), running them in PostgreSQL or Spark (``--engine``), writing the result table (``--out``),
and the cost line. ``plan merge-duplicates --from-groups`` reads such a table back (``load_from_groups``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from cio_tui.cli.context import CliContext
    from cio_tui.identity.duplicates.from_groups import LoadedGroups
    from cio_tui.identity.duplicates.portable import PeopleColumns
    from cio_tui.identity.duplicates.result_table import ResultRow

PRICE_ENV = "CIO_TUI_PRICE_PER_PROFILE"


def price_per_profile(flag: float | None) -> float | None:
    """The operator's price per profile per month: ``--price-per-profile`` or the environment; None when unset."""
    if flag is not None:
        return flag
    raw = os.environ.get(PRICE_ENV, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError as exc:
        raise click.UsageError(
            f"{PRICE_ENV}={raw!r} is not a number; set it to the price per profile, e.g. 0.002"
        ) from exc


def cost_line(extra_profiles: int, price: float | None) -> str | None:
    """``duplicates cost about $X a month``: every person in a group beyond one is a profile billed for nothing."""
    if price is None:
        return None
    return (
        f"duplicates cost about ${extra_profiles * price:,.2f} a month ({extra_profiles:,} duplicate profile(s) "
        f"at ${price:g} per profile; people in groups beyond one each)"
    )


def print_sql(
    dialect: str, table: str | None, result_table: str, from_export: str | None, columns: str | None, max_size: int
) -> str:
    """The script for ``dialect``: reads ``table`` (or, for DuckDB, the export file), writes ``result_table``."""
    from cio_tui.identity.duplicates.dialects import render_script
    from cio_tui.identity.duplicates.engines import people_columns
    from cio_tui.identity.duplicates.export import ExportColumns
    from cio_tui.identity.duplicates.sources import export_select, parse_columns, read_columns

    mapping = parse_columns(columns)
    source_sql = None
    if from_export:
        cols = read_columns(from_export, mapping)
        people = people_columns(cols)
        if dialect == "duckdb" and not table:
            source_sql = f"({export_select(Path(from_export).resolve(), cols)})"
    else:
        names = ["cio_id", "id", "email", "created_at", "anonymous_id"]
        people = people_columns(ExportColumns(original=names, names=names))
        people = _mapped(people, mapping)
    return render_script(
        dialect, source=table or "people", cols=people, result=result_table, max_group_size=max_size,
        source_sql=source_sql,
    )  # fmt: skip


def _mapped(people: PeopleColumns, mapping: dict[str, str]) -> PeopleColumns:
    from dataclasses import replace

    return replace(people, **mapping) if mapping else people  # type: ignore[arg-type]  # names its str fields


def run_engine(
    engine_name: str,
    *,
    from_export: str | None,
    table: str | None,
    dsn: str | None,
    spark_master: str,
    columns: str | None,
    max_size: int,
) -> list[ResultRow]:
    """Run the rules in PostgreSQL or Spark over the export file (loaded first) or a table already there."""
    from cio_tui.identity.duplicates.engines import ORDINAL, PostgresEngine, SparkEngine, people_columns
    from cio_tui.identity.duplicates.runners import run_rules
    from cio_tui.identity.duplicates.sources import parse_columns, read_columns

    mapping = parse_columns(columns)
    if engine_name == "postgres" and not dsn:
        raise click.UsageError("--engine postgres needs --dsn postgresql://USER@HOST/DB (password in PGPASSWORD)")
    engine = PostgresEngine(dsn or "") if engine_name == "postgres" else SparkEngine(spark_master)
    try:
        if from_export:
            cols = read_columns(from_export, mapping)
            source = engine.load(from_export, cols)
            people = people_columns(cols, ordinal=ORDINAL)
        else:
            from cio_tui.identity.duplicates.dialects import table_name
            from cio_tui.identity.duplicates.sources import table_people_columns

            source = table_name(str(table), engine.dialect)
            people = table_people_columns(str(table), engine.columns_of(source), mapping)  # type: ignore[union-attr]
        return run_rules(engine, source, people, max_group_size=max_size,
                         progress=lambda stage, f: click.echo(f"[{f:4.0%}] {stage}", err=True))  # fmt: skip
    finally:
        engine.close()


def summarise(rows: list[ResultRow]) -> tuple[int, int, int]:
    """(groups, people in groups, merge-ready groups) of a result table."""
    groups: dict[str, bool] = {}
    for r in rows:
        groups[r.group_id] = r.needs_review_reason is None
    return len(groups), len(rows), sum(groups.values())


def load_from_groups(cli: CliContext, path: str) -> LoadedGroups:
    """Read a result table and every person in it live (stale rows printed on stderr with why)."""
    from cio_tui.identity.duplicates.from_groups import load_groups
    from cio_tui.identity.duplicates.result_table import read_result

    with cli.guard():
        rows = read_result(path)

    async def go() -> LoadedGroups:
        ws = await cli.open_workspace()
        async with ws:
            return await load_groups(ws.client, rows, source=Path(path).name,
                                     progress=lambda stage, f: click.echo(f"[{f:4.0%}] {stage}", err=True))  # fmt: skip

    loaded = cli.run(go())
    for stale in loaded.stale[:1000]:
        click.echo(f"{Path(path).name}: {stale}", err=True)
    if len(loaded.stale) > 1000:
        click.echo(f"... and {len(loaded.stale) - 1000} more stale row(s)", err=True)
    return loaded


__all__ = ["cost_line", "load_from_groups", "price_per_profile", "print_sql", "run_engine", "summarise"]
