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
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cio_tui.cli.context import CliContext
    from cio_tui.identity.duplicates.engine import DuplicateAnalysis
    from cio_tui.identity.duplicates.workspace_match import WorkspaceMatch

MAX_PRINTED_PROBLEMS = 1000


def _cli(ctx: click.Context) -> CliContext:
    return ctx.find_root().obj


def _source_options(fn: Any) -> Any:
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
    problems = analysis.problems
    for p in problems[:MAX_PRINTED_PROBLEMS]:
        click.echo(f"{analysis.export.path.name}: {p}", err=True)
    if len(problems) > MAX_PRINTED_PROBLEMS:
        click.echo(f"... and {len(problems) - MAX_PRINTED_PROBLEMS} more problem(s)", err=True)


def _analyse(ctx: click.Context, from_export: str | None, live: bool, *, keep_attributes: bool) -> DuplicateAnalysis:
    """Run the analysis on the file, or on a live export downloaded first (errors become messages + exit codes)."""
    from cio_tui.identity.duplicates.engine import analyse_export

    cli = _cli(ctx)
    with cli.guard():
        if live:
            path = cli.run(_download(cli))
            click.echo(f"export saved as {path} (reuse it with --from-export)", err=True)
        else:
            path = Path(str(from_export))
        analysis = analyse_export(path, keep_attributes=keep_attributes, progress=_progress if live else None)
    _report_problems(analysis)
    return analysis


async def _download(cli: CliContext) -> Path:
    from cio_tui.identity.duplicates.live import fetch_live_export

    ws = await cli.open_workspace()
    async with ws:
        return await fetch_live_export(ws.client, ws.data_dir / "exports", progress=_progress)


# -- cio-tui duplicates -------------------------------------------------------------------------------------------
@click.command("duplicates")
@_source_options
@click.option("--json", "as_json", is_flag=True, help="Print the groups and a summary as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print one CSV row per person in a group.")
@click.option("--print-sql", is_flag=True, help="Print the rules as DuckDB SQL (to run in your own warehouse).")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Groups shown as text.")
@click.pass_context
def duplicates_cmd(
    ctx: click.Context, from_export: str | None, live: bool, as_json: bool, as_csv: bool, print_sql: bool, limit: int
) -> None:
    """Find duplicate people in a people export (or a live export), ranked by confidence, each explained."""
    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be combined")
    if print_sql:
        if live:
            raise click.UsageError("--print-sql prints the rules for a file: use it with --from-export or alone")
        _print_sql(ctx, from_export)
        return
    _check_source(from_export, live)
    with _analyse(ctx, from_export, live, keep_attributes=False) as analysis:
        out = sys.stdout
        if as_json:
            _write_json(out, analysis)
        elif as_csv:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(
                ["group", "rule", "confidence", "needs_review", "primary", "cio_id", "id", "email", "created_at"]
            )
            for row in analysis.iter_member_rows():
                writer.writerow(row)
        else:
            _print_text(analysis, limit)
        out.flush()


def _write_json(out: Any, analysis: DuplicateAnalysis, batch: int = 5000) -> None:
    """Stream ``{"groups": [...], "summary": {...}}``, one group per line, written in batches."""
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
    out.write('\n], "summary": ' + json.dumps(analysis.summary()) + "}\n")


def _print_sql(ctx: click.Context, from_export: str | None) -> None:
    from cio_tui.identity.duplicates.export import ExportColumns, read_csv_sql, read_header
    from cio_tui.identity.duplicates.sql import printable_script

    with _cli(ctx).guard():
        if from_export:
            columns = read_header(from_export)
            source = read_csv_sql(Path(from_export).resolve(), columns, rejects=False)
        else:
            names = ["cio_id", "id", "email", "created_at", "anonymous_id"]
            columns = ExportColumns(original=names, names=names)
            source = "people_export"
    click.echo(printable_script(source, columns), nl=False)


def _print_text(analysis: DuplicateAnalysis, limit: int) -> None:
    from cio_tui.identity.duplicates.models import format_ts

    s = analysis.summary()
    click.echo(
        f"{s['groups']} duplicate group(s) among {s['rows']} people: {s['people_in_groups']} people, "
        f"{s['merge_ready']} merge-ready, {s['needs_review']} need review"
    )
    click.echo("by confidence: " + ", ".join(f"{k} {v}" for k, v in s["by_confidence"].items()))
    click.echo("by rule: " + ", ".join(f"{k} {v}" for k, v in s["by_rule"].items()))
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
) -> None:
    """Plan merging duplicate people: one merge per secondary into its primary, plus id fix-ups; each says what it
    loses."""
    from cio_tui.identity.duplicates.choices import apply_choices
    from cio_tui.identity.duplicates.merge_plan import build_merge_plan
    from cio_tui.identity.plan import save_plan

    _check_source(from_export, live)
    cli = _cli(ctx)
    with _analyse(ctx, from_export, live, keep_attributes=True) as analysis:
        groups = analysis.groups()
        with cli.guard():
            apply_choices(groups, primaries=primaries, excludes=excludes, forces=forces)
            ws_name, fingerprint, match = cli.run(
                _workspace_identity(cli, (m.cio_id or "" for g in groups for m in g.members))
            )
            if (warning := match.warning(ws_name)) is not None:
                click.echo(f"warning: {warning}", err=True)
            build = build_merge_plan(
                groups,
                workspace_fingerprint=fingerprint,
                workspace_name=ws_name,
                min_confidence=min_confidence,
                source_note=analysis.export.path.name,
            )
            if build.plan.operations:
                save_plan(build.plan, out)
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


async def _workspace_identity(cli: CliContext, cio_ids: Iterable[str]) -> tuple[str, str, WorkspaceMatch]:
    """(name, fingerprint) of the workspace the plan is for (``--profile``/``--sandbox``/environment), and whether a
    sample of the export's people is in it (read-only)."""
    from cio_tui.identity.duplicates.workspace_match import match_workspace

    ws = await cli.open_workspace()
    async with ws:
        return ws.name, ws.fingerprint, await match_workspace(ws.client, cio_ids)
