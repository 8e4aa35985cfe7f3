"""``cio-tui duplicates``: find and explain duplicate people, as text, CSV, JSON, a result table or a SQL script.

It reads a people export (``--from-export FILE``) or asks Customer.io for one (``--live``), as
``cli/duplicates_source.py`` says.
``--json`` prints exactly ``{"groups": [{"rule", "confidence", "members": [{"cio_id", "id", "email", "created_at"}],
"primary", "reason"}], "summary": {...}}`` (groups best first: confidence, then size).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO, TypeVar

import click

from cio_tui.cli.duplicates_source import analyse, check_source, cli_of, progress, source_options
from cio_tui.safe_text import csv_row

F = TypeVar("F", bound=Callable[..., object])

if TYPE_CHECKING:
    from cio_tui.identity.duplicates.engine import DuplicateAnalysis


# -- cio-tui duplicates -------------------------------------------------------------------------------------------
def _engine_options(fn: F) -> F:
    from cio_tui.identity.duplicates.rules import MAX_GROUP_SIZE

    options = [
        click.option("--dialect", type=click.Choice(["duckdb", "postgres", "snowflake", "bigquery", "databricks",
                     "spark", "redshift"]), default="duckdb", show_default=True,
                     help="With --print-sql: the SQL dialect of the script."),  # fmt: skip
        click.option("--table", default=None, metavar="NAME",
                     help="The people table the script (or --engine postgres) reads, e.g. analytics.cio_people."),
        click.option("--result-table", default="cio_duplicate_groups", show_default=True, metavar="NAME",
                     help="The table the printed script writes."),
        click.option("--columns", default=None, metavar="ROLE=COLUMN,...",
                     help="The file's or table's own column names: cio_id=internal_customer_id,id=customer_id,..."),
        click.option("--engine", type=click.Choice(["duckdb", "postgres", "spark"]), default="duckdb",
                     show_default=True, help="Where the rules run: embedded DuckDB, a PostgreSQL server, or Spark."),
        click.option("--dsn", default=None, metavar="URL",
                     help="--engine postgres: the server (postgresql://user@host/db; the password in PGPASSWORD)."),
        click.option("--spark-master", default="local[*]", show_default=True, help="--engine spark: the master URL."),
        click.option("--out", "out_file", type=click.Path(dir_okay=False), default=None,
                     help="Write the result table here (.csv, .csv.gz or .parquet) for plan merge-duplicates."),
        click.option("--max-group-size", type=click.IntRange(min=2), default=MAX_GROUP_SIZE, show_default=True,
                     help="A bigger group is never merge-ready: it is reported as a likely bad key."),
        click.option("--price-per-profile", type=click.FloatRange(min=0), default=None, metavar="USD",
                     help="Your price per profile per month (or CIO_TUI_PRICE_PER_PROFILE): prints what duplicates "
                     "cost."),
    ]  # fmt: skip
    for option in reversed(options):
        fn = option(fn)
    return fn


@click.command("duplicates")
@source_options
@click.option("--json", "as_json", is_flag=True, help="Print the groups and a summary as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per person in a group.")
@click.option("--print-sql", is_flag=True, help="Print the rules as a SQL script for your warehouse (--dialect).")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Groups shown as text.")
@click.option(
    "--calibrate",
    metavar="ID_OR_EMAIL",
    default=None,
    help="Export just this person and record the workspace's real export header (and the mapping it needs).",
)
@_engine_options
@click.pass_context
def duplicates_cmd(
    ctx: click.Context, from_export: str | None, live: bool, as_json: bool, as_csv: bool, print_sql: bool, limit: int,
    dialect: str, table: str | None, result_table: str, columns: str | None, engine: str, dsn: str | None,
    spark_master: str, out_file: str | None, max_group_size: int, price_per_profile: float | None,
    calibrate: str | None,
) -> None:  # fmt: skip
    """Find duplicate people in a people export (or a live export), ranked by confidence, each explained."""
    from cio_tui.cli import duplicates_warehouse as W

    if calibrate is not None:
        if not calibrate.strip():
            raise click.UsageError("--calibrate needs the id or email of one person you know is in the workspace")
        cli_of(ctx).run(W.calibrate_workspace(cli_of(ctx), calibrate, progress))
        return
    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be combined")
    price = W.price_per_profile(price_per_profile)
    if print_sql:
        if live:
            raise click.UsageError("--print-sql prints the rules for a file: use it with --from-export or alone")
        with cli_of(ctx).guard():
            script = W.print_sql(dialect, table, result_table, from_export, columns, max_group_size)
        click.echo(script, nl=False)
        return
    if dialect != "duckdb" or result_table != "cio_duplicate_groups":
        raise click.UsageError("--dialect and --result-table shape a printed script: use them with --print-sql")
    if engine != "duckdb":
        if as_json or as_csv:
            raise click.UsageError(f"--engine {engine} writes the result table (CSV on stdout, or --out FILE); "
                                   "--json and --csv are the embedded engine's listings")  # fmt: skip
        W.run_engine_command(cli_of(ctx), engine, from_export, live, table, dsn, spark_master, columns, max_group_size,
                             out_file, price)  # fmt: skip
        return
    if table or dsn:
        raise click.UsageError("--table and --dsn go with --engine postgres (or --table with --print-sql)")
    check_source(from_export, live)
    with analyse(ctx, from_export, live, keep_attributes=False, columns=columns, max_size=max_group_size) as analysis:
        if out_file:
            if as_json or as_csv:  # they read every group's members too: ranked once
                analysis.materialize_members()
            _write_out(ctx, analysis, out_file)
        out = sys.stdout
        if as_json:
            _write_json(out, analysis, price)
        elif as_csv:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(
                ["group", "rule", "confidence", "needs_review", "primary", "cio_id", "id", "email", "created_at"]
            )
            for row in analysis.iter_member_rows():
                writer.writerow(csv_row(row))  # workspace values: no cell a spreadsheet would run
        else:
            _print_text(analysis, limit, price)
        out.flush()


def _write_out(ctx: click.Context, analysis: DuplicateAnalysis, out_file: str) -> None:
    from cio_tui.identity.duplicates.result_table import EMBEDDED_RESULT_SQL, write_result

    with cli_of(ctx).guard():
        n = write_result(analysis.con, EMBEDDED_RESULT_SQL, out_file)
    click.echo(f"result table written to {out_file} ({n} rows); plan it with "
               f"`cio-tui plan merge-duplicates --from-groups {out_file} --out plan.json`", err=True)  # fmt: skip


def _write_json(out: TextIO, analysis: DuplicateAnalysis, price: float | None = None, batch: int = 5000) -> None:
    """Stream ``{"groups": [...], "summary": {...}}``, one group per line, written in batches."""
    from cio_tui.identity.duplicates.cost import monthly_cost

    out.write('{"groups": [\n')
    chunk: list[str] = []
    first = True
    for text in analysis.iter_group_json():
        chunk.append(text)
        if len(chunk) >= batch:
            out.write(("" if first else ",\n") + ",\n".join(chunk))
            chunk.clear()
            first = False
    if chunk:
        out.write(("" if first else ",\n") + ",\n".join(chunk))
    summary = analysis.summary()
    summary["duplicate_profiles"] = summary["people_in_groups"] - summary["groups"]
    if price is not None:
        summary["monthly_cost"] = monthly_cost(summary["duplicate_profiles"], price)
    out.write('\n], "summary": ' + json.dumps(summary) + "}\n")


def _print_text(analysis: DuplicateAnalysis, limit: int, price: float | None = None) -> None:
    from cio_tui.identity.duplicates.cost import cost_line
    from cio_tui.identity.duplicates.models import format_ts

    s = analysis.summary()
    click.echo(
        f"{s['groups']} duplicate group(s) among {s['rows']} people: {s['people_in_groups']} people, "
        f"{s['merge_ready']} merge-ready, {s['needs_review']} need review"
    )
    click.echo("by confidence: " + ", ".join(f"{k} {v}" for k, v in s["by_confidence"].items()))
    click.echo("by rule: " + ", ".join(f"{k} {v}" for k, v in s["by_rule"].items()))
    line = cost_line(s["people_in_groups"] - s["groups"], price)
    if line:
        click.echo(line)
    groups = analysis.groups(limit=limit)
    for n, g in enumerate(groups, start=1):
        click.echo(f"\n#{n} {g.confidence.value} {g.rule} ({g.size} people)")
        for m in g.members:
            mark = "primary  " if m is g.primary_member else "secondary"
            click.echo(
                f"  {mark} cio_{m.cio_id}  id={m.id or '-'}  email={m.email or '-'}  created {format_ts(m.created_at)}"
            )
        click.echo(f"  {g.reason}")
    if s["groups"] > limit:
        click.echo(f"\n... {s['groups'] - limit} more group(s): use --json or --csv for all of them, or --limit N")
