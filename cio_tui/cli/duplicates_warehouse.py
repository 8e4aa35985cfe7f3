"""The duplicate rules beyond the embedded engine, for ``cio-tui duplicates``: printing them for a warehouse
(``--print-sql --dialect``), running them in PostgreSQL or Spark (``--engine``), writing the result table (``--out``),
and the cost line. ``plan merge-duplicates --from-groups`` reads such a table back (``load_from_groups``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

Progress = Callable[[str, float], None]

if TYPE_CHECKING:
    from cio_tui.cli.context import CliContext
    from cio_tui.identity.duplicates.from_groups import LoadedGroups
    from cio_tui.identity.duplicates.portable import PeopleColumns
    from cio_tui.identity.duplicates.result_table import ResultRow


def price_per_profile(flag: float | None) -> float | None:
    """The operator's price per profile per month (``--price-per-profile`` or the environment); None when unset."""
    from cio_tui.identity.duplicates.cost import PriceError
    from cio_tui.identity.duplicates.cost import price_per_profile as price

    try:
        return price(flag)
    except PriceError as exc:
        raise click.UsageError(str(exc)) from exc


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
            for note in cols.notes:
                click.echo(f"{Path(from_export).name}: {note}", err=True)
            source = engine.load(from_export, cols)
            people = people_columns(cols, ordinal=ORDINAL)
        else:
            from cio_tui.identity.duplicates.dialects import table_name
            from cio_tui.identity.duplicates.sources import table_people_columns

            if not isinstance(engine, PostgresEngine):  # a Spark run reads the export it loads, not a table
                raise click.UsageError("--table goes with --engine postgres (Spark reads --from-export)")
            source = table_name(str(table), engine.dialect)
            people = table_people_columns(str(table), engine.columns_of(source), mapping)
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


async def calibrate_workspace(cli: CliContext, person: str, progress: Progress) -> None:
    """``--calibrate``: export one known person, record the header, print the roles and the mapping it needs."""
    from cio_tui.identity.duplicates.calibration import HEADER_FILE, calibrate

    ws = await cli.open_workspace()
    async with ws:
        found = await calibrate(ws.client, ws.data_dir, person, progress=progress)
        where = ws.data_dir / HEADER_FILE
    click.echo(f"export header of this workspace ({found.rows} row(s) for {person}): " + ", ".join(found.header))
    click.echo("roles: " + ", ".join(f"{r} = {c or '(none)'}" for r, c in found.roles.items()))
    if found.rows != 1:
        click.echo(f"warning: the calibration export held {found.rows} people, not one; check the id or email",
                   err=True)  # fmt: skip
    for role in ("cio_id", "id", "email"):
        if not found.roles.get(role):
            click.echo(f"warning: no column plays {role}; map it with --columns {role}=COLUMN", err=True)
    if found.columns_option:
        click.echo(f"use --columns {found.columns_option} with exports and tables of this workspace "
                   "(--live applies it by itself)")  # fmt: skip
    else:
        click.echo("the header uses cio-tui's own names: no --columns needed")
    click.echo(f"recorded in {where}")


def run_engine_command(
    cli: CliContext, engine: str, from_export: str | None, live: bool, table: str | None, dsn: str | None,
    spark_master: str, columns: str | None, max_size: int, out_file: str | None, price: float | None,
) -> None:  # fmt: skip
    """``--engine postgres|spark``: run the rules there, print or write the result table, and the summary."""
    import csv
    import sys

    from cio_tui.identity.duplicates.result_table import vars_of, write_rows
    from cio_tui.safe_text import csv_row

    if live:
        raise click.UsageError(f"--engine {engine} reads a file (--from-export) or a table (--table), not --live")
    if bool(from_export) == bool(table):
        raise click.UsageError(f"--engine {engine}: give exactly one of --from-export FILE or --table NAME")
    if engine == "spark" and table:
        raise click.UsageError("--engine spark reads a file: give --from-export FILE (CSV or Parquet)")
    with cli.guard():
        rows = run_engine(engine, from_export=from_export, table=table, dsn=dsn, spark_master=spark_master,
                            columns=columns, max_size=max_size)  # fmt: skip
        if out_file:
            write_rows(rows, out_file)
    groups, people, ready = summarise(rows)
    click.echo(f"{groups} duplicate group(s) ({engine}): {people} people, {ready} merge-ready, "
               f"{groups - ready} need review", err=True)  # fmt: skip
    from cio_tui.identity.duplicates.cost import cost_line

    line = cost_line(people - groups, price)
    if line:
        click.echo(line, err=True)
    if out_file:
        click.echo(f"result table written to {out_file}; plan it with "
                   f"`cio-tui plan merge-duplicates --from-groups {out_file} --out plan.json`", err=True)  # fmt: skip
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["group_id", "cio_id", "rules", "confidence", "is_primary", "needs_review_reason"])
    for row in rows:
        writer.writerow(
            csv_row("" if v is None else str(v).lower() if isinstance(v, bool) else v for v in vars_of(row))
        )


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


__all__ = [
    "calibrate_workspace",
    "load_from_groups",
    "price_per_profile",
    "print_sql",
    "run_engine",
    "run_engine_command",
    "summarise",
]
