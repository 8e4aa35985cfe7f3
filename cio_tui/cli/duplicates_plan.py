"""``cio-tui plan merge-duplicates``: plan merging duplicate people (one merge per secondary into its primary, plus
id fix-ups), from a people export, a live export or a warehouse's result table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cio_tui.cli.duplicates_source import analyse, check_source, cli_of, source_options

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cio_tui.cli.context import CliContext
    from cio_tui.identity.duplicates.workspace_match import WorkspaceMatch


@click.command("merge-duplicates")
@source_options
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

    cli = cli_of(ctx)
    if from_groups:
        from cio_tui.cli.duplicates_warehouse import load_from_groups

        if from_export or live:
            raise click.UsageError("give one of --from-groups FILE, --from-export FILE or --live")
        loaded = load_from_groups(cli, from_groups)
        groups, note = loaded.groups, Path(from_groups).name
        if loaded.stale:
            click.echo(f"{len(loaded.stale)} row(s) of {loaded.rows} left out as stale (listed above)", err=True)
    else:
        check_source(from_export, live)
        with analyse(ctx, from_export, live, keep_attributes=True, columns=columns, max_size=max_group_size) as a:
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
