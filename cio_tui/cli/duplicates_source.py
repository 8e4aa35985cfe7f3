"""Where ``cio-tui duplicates`` and ``cio-tui plan merge-duplicates`` read people from: a people export
(``--from-export FILE``) or one Customer.io makes now (``--live``), its header checked against the workspace's
recorded calibration. Problems in the file are printed on stderr with their line numbers; the rest of the file is
still analysed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar, cast

import click

F = TypeVar("F", bound=Callable[..., object])

if TYPE_CHECKING:
    from cio_tui.cli.context import CliContext
    from cio_tui.identity.duplicates.calibration import CalibratedHeader
    from cio_tui.identity.duplicates.engine import DuplicateAnalysis

MAX_PRINTED_PROBLEMS = 1000


def cli_of(ctx: click.Context) -> CliContext:
    return cast("CliContext", ctx.find_root().obj)


def source_options(fn: F) -> F:
    fn = click.option("--live", is_flag=True, help="Start a people export in Customer.io, wait for it and use it.")(fn)
    return click.option(
        "--from-export",
        "from_export",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        help="A people export CSV (header with cio_id, id, email, created_at; other columns are attributes).",
    )(fn)


def check_source(from_export: str | None, live: bool) -> None:
    if bool(from_export) == bool(live):
        raise click.UsageError("give exactly one of --from-export FILE.csv or --live")


def progress(stage: str, fraction: float) -> None:
    click.echo(f"[{fraction:4.0%}] {stage}", err=True)


def _report_problems(analysis: DuplicateAnalysis) -> None:
    for note in analysis.export.columns.notes:
        click.echo(f"{analysis.export.path.name}: {note}", err=True)
    problems = analysis.problems
    for p in problems[:MAX_PRINTED_PROBLEMS]:
        click.echo(f"{analysis.export.path.name}: {p}", err=True)
    if len(problems) > MAX_PRINTED_PROBLEMS:
        click.echo(f"... and {len(problems) - MAX_PRINTED_PROBLEMS} more problem(s)", err=True)


def analyse(
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

    cli = cli_of(ctx)
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
            path, keep_attributes=keep_attributes, progress=progress if live else None,
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
        path = await fetch_live_export(ws.client, ws.data_dir / "exports", progress=progress)
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
