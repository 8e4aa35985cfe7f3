"""``cio-tui leads [--json]``: people with an email and no id (live search, or a people export CSV)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cio_tui.cli.workspace_run import echo_json, obj_of, run, workspace
from cio_tui.safe_text import safe

if TYPE_CHECKING:
    from cio_tui.customerio.models import PersonRef


@click.command("leads")
@click.option("--json", "as_json", is_flag=True, help='Print JSON: {"count": N, "leads": [{"cio_id", "email"}]}.')
@click.option(
    "--export",
    "export_csv",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Read leads from a people export CSV (cio_id,email[,id]) instead of searching live.",
)
@click.option("--limit", type=click.IntRange(1), default=None, help="Stop after this many leads.")
@click.pass_context
def leads_cmd(ctx: click.Context, as_json: bool, export_csv: str | None, limit: int | None) -> None:
    """List the leads: people with an email and no id, who Segment's Actions destination cannot reach by userId.

    Attach ids with `cio-tui plan convert-leads --ids FILE.csv --out plan.json`.
    """
    from cio_tui.identity.leads import find_leads, leads_from_export

    async def go() -> list[PersonRef]:
        if export_csv:
            found = leads_from_export(export_csv)
            return found[:limit] if limit else found
        async with workspace(obj_of(ctx)) as ws:
            return await find_leads(ws.client, limit=limit)

    leads = run(ctx, go)
    if as_json:
        echo_json({"count": len(leads), "leads": [{"cio_id": r.cio_id, "email": r.email} for r in leads]})
        return
    for ref in leads:
        click.echo(f"cio_{ref.cio_id}\t{safe(ref.email)}")  # a crafted email must not steer the terminal
    click.echo(f"{len(leads)} lead(s)", err=True)
