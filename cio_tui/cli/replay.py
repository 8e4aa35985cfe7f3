"""``cio-tui replay TRAFFIC [--from-export people.csv | --sandbox | --live] [--subscriptions FILE] [--json]
[--out report.md]``.

Replays a file of real Segment calls (JSON lines, a JSON array, or warehouse tables as CSV/Parquet, a file or a
directory of them) through the classic and the Actions destinations into two what-if copies of the workspace, both
starting from the same people, and prints how the people end up different. Nothing is sent anywhere.

The starting people: a people export (``--from-export``), the embedded sandbox's people (``--sandbox``), or
(``--live``) only the people the traffic names, read from the workspace of the command line (``--profile``, or the
sandbox with the global ``--sandbox``): a first pass over the traffic gathers their ids, emails and anonymous ids,
then App API reads (100 people per read, through the client's rate limiter) fetch them.

Progress with the time left goes to stderr; malformed lines are reported there with their line number and skipped.
``--json`` prints exactly ``{"calls", "malformed", "people_differing", "kinds": [{"kind", "count", "examples"}]}``.
Exit codes: 0 done, 1 the traffic, the export or the subscriptions cannot be read.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import click

from cio_tui.walkthrough.steps import step_by_key, step_ref

if TYPE_CHECKING:
    from cio_tui.cli.context import CliContext
    from cio_tui.model import Person, WorkspaceSettings
    from cio_tui.segment.replay.run import Malformed, Progress
    from cio_tui.segment.subscriptions import SubscriptionSet

SHOWN_MALFORMED = 20  # malformed lines printed on stderr as they are met; the rest are counted


class _Shown(Protocol):
    """A progress report of any phase: the traffic pass, the reads of the starting people, the replay."""

    @property
    def elapsed(self) -> float: ...
    def line(self) -> str: ...


class _StderrProgress:
    """One updating line on a terminal; a plain line every few seconds otherwise (logs, CI)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.shown = 0
        self.last_plain = -10.0

    def __call__(self, progress: Progress | _Shown) -> None:
        total, done = getattr(progress, "total", None), getattr(progress, "done", None)
        if self.tty:  # one line, cut to the terminal's width: a wrapped line could not be rewritten in place
            width = shutil.get_terminal_size((120, 24)).columns
            sys.stderr.write("\r\x1b[2K" + progress.line()[: max(width - 1, 20)])
            sys.stderr.flush()
        elif progress.elapsed - self.last_plain >= 5 or (isinstance(total, int) and total and done == total):
            self.last_plain = progress.elapsed
            click.echo(progress.line(), err=True)

    def malformed(self, item: Malformed) -> None:
        from cio_tui.safe_text import terminal_safe

        self.shown += 1
        if self.shown <= SHOWN_MALFORMED:
            self.end_line()
            click.echo(terminal_safe(f"skipped {item.file} line {item.line}: {item.reason}"), err=True)
        elif self.shown == SHOWN_MALFORMED + 1:
            self.end_line()
            click.echo("more malformed lines are skipped; the result lists them all", err=True)

    def end_line(self) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


async def _workspace_people(obj: CliContext, folder: Path, *, sandbox: bool) -> tuple[list[Any], Any]:
    """The people of the embedded sandbox (``sandbox``) or of the command line's workspace, through a people
    export (read-only, as ``duplicates --live`` reads them), and the settings the workspace reports."""
    from cio_tui.identity.duplicates.live import fetch_live_export
    from cio_tui.segment.replay import read_people_export

    obj.sandbox = obj.sandbox or sandbox
    workspace = await obj.open_workspace()
    try:
        fast: dict[str, Any] = {"first_poll": 0.05, "max_poll": 0.5} if workspace.is_sandbox else {}
        path = await fetch_live_export(workspace.client, folder, **fast)
        own = workspace.own_settings()
    finally:
        await workspace.aclose()
    people, _problems = read_people_export(path)
    return people, own


async def _named_people(
    obj: CliContext, traffic: Path, subscriptions: SubscriptionSet | None, mode: str | None
) -> tuple[list[Person], dict[str, Any]]:
    """The people the traffic names, read from the command line's workspace (``--live``), and its own settings."""
    import asyncio

    from cio_tui.identity.traffic_people import read_named_people
    from cio_tui.segment.replay.named import names_in_traffic

    line = _StderrProgress()
    named = await asyncio.to_thread(names_in_traffic, traffic, subscriptions=subscriptions, progress=line)
    line.end_line()
    click.echo(f"the traffic names {named.describe()}; reading them from the workspace...", err=True)
    workspace = await obj.open_workspace()
    try:
        own = workspace.own_settings()
        settings = _model_settings(mode, None, own)
        read = await read_named_people(workspace.client, named, emails_identify=settings.email_is_identifier,
                                       progress=line)  # fmt: skip
    finally:
        await workspace.aclose()
    line.end_line()
    for note in read.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(f"{len(read.people):,} of the people the traffic names exist in the workspace", err=True)
    return read.people, own


def _model_settings(mode: str | None, auto_merge: bool | None, own: object) -> WorkspaceSettings:
    from cio_tui.model import WorkspaceSettings

    values: dict[str, Any] = {}
    for name in ("mode", "auto_merge", "email_update_by_id"):
        if isinstance(own, dict) and own.get(name) is not None:
            values[name] = own[name]
    if mode is not None:
        values["mode"] = mode
    if auto_merge is not None:
        values["auto_merge"] = auto_merge
    return WorkspaceSettings(**values)


@click.command("replay")
@click.argument("traffic", type=click.Path(path_type=Path))
@click.option(
    "--from-export",
    "export",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="people.csv",
    help="Start both copies from the people of this Customer.io people export (CSV).",
)
@click.option("--sandbox", "use_sandbox", is_flag=True, help="Start both copies from the embedded sandbox's people.")
@click.option(
    "--live",
    is_flag=True,
    help="Start both copies from the people the traffic names, read from the workspace (--profile, or the global "
    "--sandbox): App API reads only, 100 people per read.",
)
@click.option(
    "--subscriptions",
    "subscriptions_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Your Actions destination's subscriptions (the Public API's JSON) instead of the default presets.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="report.md",
    help=f"Write the Markdown report here (Walkthrough {step_ref('preview')} writes its own when it rehearses).",
)
@click.option("--mode", type=click.Choice(["email_or_id", "id_only"]), default=None, help="Workspace identifier mode.")
@click.option("--auto-merge/--no-auto-merge", default=None, help="Whether the workspace auto-merges (default on).")
@click.option(
    "--jobs",
    type=click.IntRange(1, 2),
    default=None,
    help="1: one process; 2: the classic destination's copy in a second process (default: 2 for large traffic). "
    "Same result.",
)
@click.pass_obj
def replay_cmd(
    obj: CliContext,
    traffic: Path,
    export: Path | None,
    use_sandbox: bool,
    live: bool,
    subscriptions_file: Path | None,
    as_json: bool,
    out: Path | None,
    mode: str | None,
    auto_merge: bool | None,
    jobs: int | None,
) -> None:
    """Rehearse the switch on real traffic: how the people end up different under classic and under Actions.

    TRAFFIC is a file of Segment messages (JSON lines or a JSON array), or Segment's warehouse tables (identifies,
    tracks, pages, screens, groups, aliases) as CSV or Parquet: one file, or a directory of them.
    """
    from cio_tui.cli.preview import read_subscriptions_file
    from cio_tui.safe_text import terminal_safe
    from cio_tui.segment.replay import TrafficError, read_people_export, replay, replay_markdown, replay_text
    from cio_tui.segment.replay.people import PeopleExportError
    from cio_tui.segment.replay.traffic import sources

    if sum((export is not None, use_sandbox, live)) > 1:
        raise click.UsageError("give one of --from-export, --sandbox and --live")
    try:
        sources(traffic)  # an unreadable TRAFFIC is said before anything is read
    except TrafficError as exc:
        obj.fail(str(exc))
    subscriptions = read_subscriptions_file(subscriptions_file) if subscriptions_file else None
    people: list[Any] = []
    own = None
    starting_from = ""
    if export is not None:
        starting_from = f"the people export {export.name}"
        try:
            people, problems = read_people_export(export)
        except PeopleExportError as exc:
            obj.fail(str(exc))
        for problem in problems[:SHOWN_MALFORMED]:
            click.echo(terminal_safe(f"people export: {problem}"), err=True)
    elif live:
        people, own = obj.run(_named_people(obj, traffic, subscriptions, mode))
        starting_from = "the people the traffic names, read from the workspace"
    elif use_sandbox:
        starting_from = "the sandbox's people"
        click.echo("reading the starting people (a people export of the sandbox)...", err=True)
        with tempfile.TemporaryDirectory(prefix="cio-tui-replay-") as tmp:
            people, own = obj.run(_workspace_people(obj, Path(tmp), sandbox=use_sandbox))
    else:
        click.echo("note: no starting people (--from-export, --sandbox or --live): both copies start empty", err=True)
    progress = _StderrProgress()
    try:
        result = replay(
            traffic,
            people,
            subscriptions=subscriptions,
            settings=_model_settings(mode, auto_merge, own),
            progress=progress,
            on_malformed=progress.malformed,
            jobs=jobs,
        )
    except TrafficError as exc:
        progress.end_line()
        obj.fail(str(exc))
    progress.end_line()
    result.starting_from = starting_from
    if subscriptions_file is not None:
        result.mappings = f"your subscriptions from {subscriptions_file.name}: {result.mappings}"
    peak = result.worker_peak_rss // 1_000_000
    where = (
        f" (2 processes: the classic destination in a second one, second process peak memory {peak} MB, "
        f"CPU {result.worker_cpu:.1f} s; this one CPU {time.process_time():.1f} s)"
        if peak
        else f" (CPU {time.process_time():.1f} s)"
    )
    click.echo(
        f"replayed {result.calls:,} calls in {result.elapsed:.1f} s{where}; "
        f"{result.malformed_count:,} malformed skipped",
        err=True,
    )
    if out is not None:
        out.write_text(replay_markdown(result, rehearsal_step=step_by_key("preview").number), encoding="utf-8")
        click.echo(f"report written to {click.format_filename(out)}", err=True)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(terminal_safe(replay_text(result)), nl=False)
