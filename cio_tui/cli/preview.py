"""``cio-tui preview [FILE|-] [--offline] [--json]``: what each Segment destination sends for the pasted calls.

Input: one Segment message as JSON, a JSON array, JSON lines, or analytics.js calls (``analytics.identify(...)``).
Without ``--offline`` the workspace is opened (``--sandbox`` and ``--profile`` apply) and each call's outcome is
predicted with reads only. ``--json`` prints exactly ``{"results": [...]}`` (see ``PreviewResult.to_json``).
Exit codes: 0 ok, 1 input that cannot be read (the message names line and column), others as ``CliContext.run``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cio_tui.walkthrough.steps import step_ref

if TYPE_CHECKING:
    from cio_tui.cli.context import CliContext
    from cio_tui.segment.batching import BatchCheck


def _read_source(source: str) -> str:
    if source == "-":
        if sys.stdin.isatty():
            raise click.UsageError("paste Segment calls on stdin (end with Ctrl-D) or give a FILE")
        return sys.stdin.read()
    path = Path(source)
    if not path.is_file():
        raise click.UsageError(f"no such file: {source}")
    return path.read_text(encoding="utf-8")


async def _predict(obj: CliContext, results: list[Any], overrides: dict[str, Any]) -> tuple[str, BatchCheck]:
    """Predict each result's outcome in place; returns the note saying which settings were assumed and why, and
    Customer.io's answer to the batches, predicted on the same people."""
    from cio_tui.identity.lookup import ClientPeopleLookup
    from cio_tui.segment.preview import predict
    from cio_tui.walkthrough.recorded import workspace_outcome_settings

    workspace = await obj.open_workspace()
    try:
        chosen = workspace_outcome_settings(workspace, obj.settings, **overrides)
        check = await predict(results, ClientPeopleLookup(workspace.client), chosen.settings)
        from cio_tui.identity.preview_ids import workspace_warnings

        await workspace_warnings(results, workspace.client)  # new ids that differ only in case from a person's
    finally:
        await workspace.aclose()
    return chosen.note, check


def read_subscriptions_file(path: Path) -> Any:
    """The checked subscriptions of ``path``; exits 1 with every problem (subscription and field) listed."""
    from cio_tui.safe_text import terminal_safe
    from cio_tui.segment.subscriptions import SubscriptionsError, read_subscriptions

    if not path.is_file():
        raise click.UsageError(f"no such file: {path}")
    try:
        return read_subscriptions(path.read_text(encoding="utf-8"))
    except (SubscriptionsError, UnicodeDecodeError) as exc:
        problems = exc.problems if isinstance(exc, SubscriptionsError) else [f"not UTF-8 text: {exc}"]
        click.echo(f"error: cannot use the subscriptions in {click.format_filename(path)}:", err=True)
        for problem in problems:
            click.echo(f"  {terminal_safe(problem)}", err=True)
        sys.exit(1)


@click.command("preview")
@click.argument("source", required=False, default="-", metavar="[FILE|-]")
@click.option("--offline", is_flag=True, help="Skip the workspace: no outcome prediction, no network.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--mode",
    type=click.Choice(["email_or_id", "id_only"]),
    default=None,
    help="Workspace identifier mode for the prediction (default: the sandbox's own setting, else the one recorded "
    f"in Walkthrough {step_ref('identifiers')}, else email_or_id).",
)
@click.option(
    "--auto-merge/--no-auto-merge",
    default=None,
    help="Whether the workspace auto-merges (default: as for --mode, else on).",
)
@click.option(
    "--email-update-by-id/--no-email-update-by-id",
    default=None,
    help="Whether the workspace allows updates to email using ID (default: as for --mode, else off).",
)
@click.option(
    "--subscriptions",
    "subscriptions_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Your Actions destination's mappings, as Segment's Public API returns them from "
    "GET /destinations/{destinationId}/subscriptions; without it the default presets apply.",
)
@click.option(
    "--only",
    "only_group",
    metavar="KIND",
    default=None,
    help="Show only the calls with this outcome (create, update, failed = failed attribute change, ...; a wrong "
    "KIND lists them all); the summary of every outcome is still printed first.",
)
@click.pass_obj
def preview_cmd(
    obj: CliContext,
    source: str,
    offline: bool,
    as_json: bool,
    mode: str | None,
    auto_merge: bool | None,
    email_update_by_id: bool | None,
    subscriptions_file: Path | None,
    only_group: str | None,
) -> None:
    """Show what the classic and the Actions destinations send for Segment calls, and what would happen.

    FILE (or stdin with -) holds JSON messages, JSON lines or pasted analytics.* calls.
    """
    from cio_tui.safe_text import terminal_safe
    from cio_tui.segment import ParseError, preview_text, results_json
    from cio_tui.segment.preview import batches_for
    from cio_tui.segment.report import render_text

    if only_group is not None:
        from cio_tui.segment.outcome_summary import GROUP_KEYS  # here: --help must not load the preview's models

        if only_group not in GROUP_KEYS:
            raise click.BadParameter(f"{only_group!r} is not a kind of outcome; one of: {', '.join(GROUP_KEYS)}",
                                     param_hint="--only")  # fmt: skip
    subscriptions = read_subscriptions_file(subscriptions_file) if subscriptions_file else None
    text = _read_source(source)
    try:
        results = preview_text(text, subscriptions=subscriptions)
    except ParseError as exc:
        click.echo(f"error: cannot read the input at line {exc.line}, column {exc.column}: {exc.reason}", err=True)
        sys.exit(1)
    note = None
    if offline:  # no workspace: only the items Customer.io refuses for their body alone come back in a 207
        from cio_tui.segment.batching import model_batch_check

        check = model_batch_check()
    else:  # the batches run on a what-if copy of the same people the outcomes are predicted on
        overrides = {"mode": mode, "auto_merge": auto_merge, "email_update_by_id": email_update_by_id}
        note, check = obj.run(_predict(obj, results, overrides))
    if as_json:
        click.echo(json.dumps(results_json(results, subscriptions, check), ensure_ascii=False, indent=2))
    else:
        from cio_tui.segment.outcome_summary import GROUP_WORDS, only, summarize

        summary = summarize(results)
        head = [f"Summary: {summary.line()}"]
        shown, numbers = results, None
        if only_group is not None:
            picked = only(results, only_group)
            shown, numbers = [r for _, r in picked], [n for n, _ in picked]
            head.append(f"Showing the {len(shown)} call(s) with: {GROUP_WORDS[only_group]} (--only {only_group})")
        head.append("")
        batches = batches_for(shown, subscriptions, check) if subscriptions else None
        report = render_text(shown, subscriptions, batches, numbers=numbers, head=head)
        click.echo(terminal_safe(report), nl=False)
        if batches:
            on = ("an empty workspace (--offline: only items refused for their body alone)" if offline
                  else "a what-if copy of the same people as the outcomes")  # fmt: skip
            click.echo(f"\nBatch 207s predicted on {on}.")
        if note:
            click.echo(f"\nWorkspace settings for the outcomes: {note}")
