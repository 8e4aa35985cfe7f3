"""``cio-tui duplicates`` (find and explain duplicate people) and ``cio-tui plan merge-duplicates`` (plan the merges).

Both read a people export (``--from-export FILE``) or ask Customer.io for one (``--live``). Problems in the file are
printed on stderr with their line numbers; the rest of the file is still analysed. ``--json`` prints exactly
``{"groups": [{"rule", "confidence", "members": [{"cio_id", "id", "email", "created_at"}], "primary", "reason"}],
"summary": {...}}`` (groups best first: confidence, then size).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar, cast

import click

from cio_tui.safe_text import csv_row

F = TypeVar("F", bound=Callable[..., object])

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cio_tui.cli.context import CliContext
    from cio_tui.identity.duplicates.calibration import CalibratedHeader
    from cio_tui.identity.duplicates.engine import DuplicateAnalysis
    from cio_tui.identity.duplicates.workspace_match import WorkspaceMatch

MAX_PRINTED_PROBLEMS = 1000


def _cli(ctx: click.Context) -> CliContext:
    return cast("CliContext", ctx.find_root().obj)


def _source_options(fn: F) -> F:
    fn = click.option("--live", is_flag=True, help="Start a people export in Customer.io, wait for it and use it.")(fn)
    return click.option(
        "--from-export",
        "from_export",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="A people export CSV (header with cio_id, id, email, created_at; other columns are attributes).",
    )(fn)


def _check_source(from_export: str | None, live: bool) -> None:
    if bool(from_export) == bool(live):
        raise click.UsageError("give exactly one of --from-export FILE.csv or --live")


def _progress(stage: str, fraction: float) -> None:
    click.echo(f"[{fraction:4.0%}] {stage}", err=True)


def _report_problems(analysis: DuplicateAnalysis) -> None:
    for note in analysis.export.columns.notes:
        click.echo(f"{analysis.export.path.name}: {note}", err=True)
    problems = analysis.problems
    for p in problems[:MAX_PRINTED_PROBLEMS]:
        click.echo(f"{analysis.export.path.name}: {p}", err=True)
    if len(problems) > MAX_PRINTED_PROBLEMS:
        click.echo(f"... and {len(problems) - MAX_PRINTED_PROBLEMS} more problem(s)", err=True)


def _analyse(
    ctx: click.Context,
    from_export: str | None,
    live: bool,
    *,
    keep_attributes: bool,
    columns: str | None = None,
    max_size: int | None = None,
) -> DuplicateAnalysis:
    """Run the analysis on the file, or on a live export downloaded first (errors become messages + exit codes)."""
    from cio_tui.identity.duplicates.engine import analyse_export

    cli = _cli(ctx)
    with cli.guard():
        if live:
            path, recorded = cli.run(_download(cli))
            click.echo(f"export saved as {path} (reuse it with --from-export)", err=True)
        else:
            path = Path(str(from_export))
            recorded = cli.run(_recorded(cli)) if _workspace_chosen(cli) else None
        if recorded is not None:
            columns = _check_header(cli, path, recorded, columns)
        from cio_tui.identity.duplicates.rules import MAX_GROUP_SIZE
        from cio_tui.identity.duplicates.sources import parse_columns

        analysis = analyse_export(
            path, keep_attributes=keep_attributes, progress=_progress if live else None,
            columns_map=parse_columns(columns), max_group_size=max_size or MAX_GROUP_SIZE,
        )  # fmt: skip
    _report_problems(analysis)
    return analysis


async def _download(cli: CliContext) -> tuple[Path, CalibratedHeader | None]:
    """The live export, and the workspace's recorded calibration header (``--calibrate``), if any."""
    from cio_tui.identity.duplicates.calibration import recorded_header
    from cio_tui.identity.duplicates.live import fetch_live_export

    ws = await cli.open_workspace()
    async with ws:
        path = await fetch_live_export(ws.client, ws.data_dir / "exports", progress=_progress)
        return path, recorded_header(ws.data_dir)


async def _recorded(cli: CliContext) -> CalibratedHeader | None:
    from cio_tui.identity.duplicates.calibration import recorded_header

    ws = await cli.open_workspace()
    async with ws:
        return recorded_header(ws.data_dir)


def _workspace_chosen(cli: CliContext) -> bool:
    """A workspace named on this command line (``--profile``, ``--sandbox``, the environment profile): its recorded
    calibration header is then checked against a file. Without one nothing is opened (a file alone needs no
    workspace, and the plain analysis stays fast)."""
    import os

    return bool(cli.profile_name or cli.sandbox or os.environ.get("CIO_TUI_SITE_ID"))


def _check_header(cli: CliContext, path: Path, recorded: CalibratedHeader, columns: str | None) -> str | None:
    """Compare the file's header with the recorded one: refuse when a role's column is missing, warn when they
    differ otherwise; when they agree and no ``--columns`` was given, apply the recorded mapping."""
    from cio_tui.identity.duplicates.calibration import compare_header
    from cio_tui.identity.duplicates.sources import file_header

    check = compare_header(recorded, file_header(path), name=path.name, mapped=bool(columns))
    if check.refuse:
        cli.fail(check.message or "")
    if check.message:
        click.echo(f"warning: {check.message}", err=True)
    elif recorded.columns_option and not columns:
        click.echo(f"columns mapped as the calibration export recorded: --columns {recorded.columns_option}", err=True)
        return recorded.columns_option
    return columns


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
@_source_options
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
        _cli(ctx).run(W.calibrate_workspace(_cli(ctx), calibrate, _progress))
        return
    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be combined")
    price = W.price_per_profile(price_per_profile)
    if print_sql:
        if live:
            raise click.UsageError("--print-sql prints the rules for a file: use it with --from-export or alone")
        with _cli(ctx).guard():
            script = W.print_sql(dialect, table, result_table, from_export, columns, max_group_size)
        click.echo(script, nl=False)
        return
    if dialect != "duckdb" or result_table != "cio_duplicate_groups":
        raise click.UsageError("--dialect and --result-table shape a printed script: use them with --print-sql")
    if engine != "duckdb":
        if as_json or as_csv:
            raise click.UsageError(f"--engine {engine} writes the result table (CSV on stdout, or --out FILE); "
                                   "--json and --csv are the embedded engine's listings")  # fmt: skip
        W.run_engine_command(_cli(ctx), engine, from_export, live, table, dsn, spark_master, columns, max_group_size,
                             out_file, price)  # fmt: skip
        return
    if table or dsn:
        raise click.UsageError("--table and --dsn go with --engine postgres (or --table with --print-sql)")
    _check_source(from_export, live)
    with _analyse(ctx, from_export, live, keep_attributes=False, columns=columns, max_size=max_group_size) as analysis:
        if out_file:
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

    with _cli(ctx).guard():
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


# -- cio-tui plan merge-duplicates --------------------------------------------------------------------------------
@click.command("merge-duplicates")
@_source_options
@click.option(
    "--min-confidence",
    type=click.Choice(["high", "medium"]),
    default="high",
    show_default=True,
    help="Plan only groups at this confidence or above.",
)
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="Where to write the plan."
)
@click.option(
    "--primary", "primaries", multiple=True, metavar="CIO_ID", help="Make this person the primary of their group."
)
@click.option("--exclude", "excludes", multiple=True, metavar="CIO_ID", help="Leave the group of this person out.")
@click.option(
    "--force",
    "forces",
    multiple=True,
    metavar="CIO_ID",
    help="Include the group of this person even though it needs review (e.g. two different real ids).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the plan summary as JSON.")
@click.option(
    "--from-groups", "from_groups", type=click.Path(exists=True, dir_okay=False), default=None,
    help="A result table (CSV or Parquet: group_id, cio_id, rules, confidence, is_primary, needs_review_reason) "
    "from a warehouse, --engine or --out; every person is re-read live first.",
)  # fmt: skip
@click.option("--columns", default=None, metavar="ROLE=COLUMN,...", help="The export's own column names.")
@click.option("--max-group-size", type=click.IntRange(min=2), default=None, help="A bigger group needs review.")
@click.pass_context
def plan_merge_duplicates(
    ctx: click.Context,
    from_export: str | None,
    live: bool,
    min_confidence: str,
    out: str,
    primaries: tuple[str, ...],
    excludes: tuple[str, ...],
    forces: tuple[str, ...],
    as_json: bool,
    from_groups: str | None,
    columns: str | None,
    max_group_size: int | None,
) -> None:
    """Plan merging duplicate people: one merge per secondary into its primary, plus id fix-ups; each says what it
    loses."""
    from cio_tui.identity.duplicates.choices import apply_choices
    from cio_tui.identity.duplicates.merge_plan import build_merge_plan
    from cio_tui.identity.plan import save_plan

    cli = _cli(ctx)
    if from_groups:
        from cio_tui.cli.duplicates_warehouse import load_from_groups

        if from_export or live:
            raise click.UsageError("give one of --from-groups FILE, --from-export FILE or --live")
        loaded = load_from_groups(cli, from_groups)
        groups, note = loaded.groups, Path(from_groups).name
        if loaded.stale:
            click.echo(f"{len(loaded.stale)} row(s) of {loaded.rows} left out as stale (listed above)", err=True)
    else:
        _check_source(from_export, live)
        with _analyse(ctx, from_export, live, keep_attributes=True, columns=columns, max_size=max_group_size) as a:
            groups, note = a.groups(), a.export.path.name
    with cli.guard():
        apply_choices(groups, primaries=primaries, excludes=excludes, forces=forces)
        ws_name, fingerprint, match, key = cli.run(
            _workspace_identity(cli, (m.cio_id or "" for g in groups for m in g.members))
        )
        if (warning := match.warning(ws_name)) is not None and not from_groups:  # --from-groups read them all live
            click.echo(f"warning: {warning}", err=True)
        build = build_merge_plan(
            groups,
            workspace_fingerprint=fingerprint,
            workspace_name=ws_name,
            min_confidence=min_confidence,
            source_note=note,
        )
        if build.plan.operations:
            save_plan(build.plan, out, key=key)
    empty = not build.plan.operations
    if as_json:
        click.echo(
            json.dumps(
                {
                    "plan": None if empty else out,
                    "plan_id": build.plan.plan_id,
                    "groups": build.merged_groups,
                    "operations": len(build.plan.operations),
                    "summary": build.plan.summary().model_dump(mode="json"),
                    "skipped": len(build.skipped),
                },
                indent=2,
            )
        )
    else:
        for line in build.summary_lines():
            click.echo(line)
        if not empty:
            click.echo(f"plan {build.plan.plan_id} written to {out}; review it, then run `cio-tui apply {out}`")
    if empty:
        cli.fail(
            f"no plan written to {out}: no merge is left to apply (the groups left out are counted with why); "
            "lower --min-confidence or change --primary/--exclude/--force, then plan again"
        )


async def _workspace_identity(cli: CliContext, cio_ids: Iterable[str]) -> tuple[str, str, WorkspaceMatch, bytes]:
    """(name, fingerprint, match, plan key) of the workspace the plan is for (``--profile``/``--sandbox``/
    environment); the match says whether a sample of the export's people is in it (read-only)."""
    from cio_tui.identity.duplicates.workspace_match import match_workspace

    ws = await cli.open_workspace()
    async with ws:
        return ws.name, ws.fingerprint, await match_workspace(ws.client, cio_ids), ws.plan_key()
