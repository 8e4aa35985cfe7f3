"""``cio-tui plan convert-leads|fix-identifiers ...``: check the input rows and write a plan to review and apply.

Exit 0 whenever a plan was written, even when rows were left out (they are listed with their line and reason).
A plan with no operation is not written (there would be nothing to apply) and the command exits 1.
``plan merge-duplicates`` is added to this group by the duplicates module.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cio_tui.cli.workspace_run import UserError, echo_json, obj_of, run, workspace

if TYPE_CHECKING:
    from cio_tui.identity.rows import PlanBuild
    from cio_tui.workspace import Workspace


F = TypeVar("F", bound=Callable[..., Any])


@click.group("plan")
def plan_group() -> None:
    """Make a plan (a reviewed list of writes) to apply later with `cio-tui apply PLAN.json`."""


out_option = click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="Where to write the plan (JSON).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
proposals_option = click.option(
    "--proposals-out",
    "proposals_out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write the merge proposals (ids already held by someone else) as a merge plan to review.",
)


def _report(build: PlanBuild, out: str, proposals_out: str | None, ws: Workspace, as_json: bool) -> None:
    from cio_tui.identity.plan import save_plan
    from cio_tui.identity.rows import merge_plan

    key = ws.plan_key()
    empty = not build.plan.operations
    if not empty:
        save_plan(build.plan, out, key=key)
    merge_file = None
    if proposals_out and build.proposals:
        merge_file = save_plan(
            merge_plan(build.proposals, workspace_fingerprint=ws.fingerprint, workspace_name=ws.name),
            proposals_out,
            key=key,
        )
    if as_json:
        echo_json(
            {
                "plan": None if empty else str(Path(out)),
                "plan_id": build.plan.plan_id,
                "operations": len(build.plan.operations),
                "summary": build.plan.summary().model_dump(mode="json"),
                "excluded": [r.model_dump(mode="json") for r in build.excluded],
                "merge_proposals": [p.model_dump(mode="json") for p in build.proposals],
                "merge_plan": str(merge_file) if merge_file else None,
            }
        )
    else:
        from cio_tui.safe_text import terminal_safe

        for line in build.summary_lines():
            click.echo(terminal_safe(line))  # rows quote the operator's file: nothing in it steers the terminal
        if not empty:
            click.echo(f"plan {build.plan.plan_id} written to {out}; review it, then run `cio-tui apply {out}`")
        if merge_file:
            click.echo(f"merge proposals written to {merge_file} (a merge plan; apply it only after review)")
    if empty:
        raise UserError(NOTHING_TO_PLAN.format(out=out))


NOTHING_TO_PLAN = (
    "no plan written to {out}: no operation is left to apply (each row left out is listed with why); "
    "fix the rows and plan again"
)


def _input_csv(flag: str, dest: str, text: str) -> Callable[[F], F]:
    """The input CSV option of a plan command (the file must exist)."""
    return click.option(flag, dest, type=click.Path(exists=True, dir_okay=False), required=True, help=text)


def _plan(
    ctx: click.Context,
    planner: Callable[..., Awaitable[Any]],
    read: Callable[[], tuple[Any, dict[str, Any]]],
    out: str,
    proposals_out: str | None,
    as_json: bool,
) -> None:
    """Read the input (rows and the planner's options) before connecting, plan in the workspace, write and report."""

    async def go() -> None:
        rows, options = read()
        async with workspace(obj_of(ctx)) as ws:
            if options.get("leads"):  # leads from an export: are they this workspace's people?
                from cio_tui.identity.duplicates.workspace_match import match_workspace

                match = await match_workspace(ws.client, (lead.cio_id for lead in options["leads"]))
                if (warning := match.warning(ws.name)) is not None:
                    click.echo(f"warning: {warning}", err=True)
            build = await planner(
                ws.client, rows, workspace_fingerprint=ws.fingerprint, workspace_name=ws.name, **options
            )
            _report(build, out, proposals_out, ws, as_json)

    run(ctx, go)


@plan_group.command("convert-leads")
@_input_csv("--ids", "ids_csv", "CSV with the header `email,id`: the id to give each lead.")
@out_option
@click.option(
    "--leads-export",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Take the leads from a people export CSV instead of searching live.",
)
@proposals_option
@json_option
@click.pass_context
def convert_leads_cmd(
    ctx: click.Context, ids_csv: str, out: str, leads_export: str | None, proposals_out: str | None, as_json: bool
) -> None:
    """Plan giving ids to email-only leads. Every id is checked first (format, duplicates, already taken)."""
    from cio_tui.identity.leads import leads_from_export, plan_lead_conversion, read_id_rows

    def read() -> tuple[Any, dict[str, Any]]:
        return read_id_rows(ids_csv), {"leads": leads_from_export(leads_export) if leads_export else None}

    _plan(ctx, plan_lead_conversion, read, out, proposals_out, as_json)


@plan_group.command("fix-identifiers")
@_input_csv(
    "--changes",
    "changes_csv",
    "CSV with the header `cio_id,new_id,new_email` (leave a cell empty to keep that identifier); the person may "
    "be named by `id` or `email` instead of `cio_id` (resolved to their cio_id; an email several people share is "
    "left out, not guessed).",
)
@out_option
@proposals_option
@json_option
@click.pass_context
def fix_identifiers_cmd(
    ctx: click.Context, changes_csv: str, out: str, proposals_out: str | None, as_json: bool
) -> None:
    """Plan id/email changes through the cio_<cio_id> path. Changes that would collide are refused with why."""
    from cio_tui.identity.fixes import plan_identifier_fixes, read_changes

    _plan(ctx, plan_identifier_fixes, lambda: (read_changes(changes_csv), {}), out, proposals_out, as_json)


@plan_group.command("restore")
@click.argument("person")
@out_option
@click.option("--plan", "plan_ref", default=None, help="Restore the snapshot taken before this plan (id or prefix).")
@click.option("--op", "op_id", default=None, help="With --plan: the snapshot taken before this operation (op-00001).")
@json_option
@click.pass_context
def restore_cmd(
    ctx: click.Context, person: str, out: str, plan_ref: str | None, op_id: str | None, as_json: bool
) -> None:
    """Plan putting PERSON (cio_id, id or email) back as the journal's before-snapshot shows them.

    By default the snapshot before the last operation that changed the person. The plan says what it restores and
    what it cannot (a deleted merge secondary, an identifier the person did not have, attributes added since);
    review it, then `cio-tui apply`. Exit 1 when nothing can be restored (no plan is written)."""
    from cio_tui.identity.journal import Journal
    from cio_tui.identity.journal_search import search_person
    from cio_tui.identity.plan import save_plan
    from cio_tui.identity.restore import RestoreError, pick_hit, plan_restore
    from cio_tui.safe_text import terminal_safe

    async def go() -> None:
        async with workspace(obj_of(ctx)) as ws:
            with Journal.for_workspace(ws) as journal:
                hits = search_person(journal, person)
                if not hits:
                    raise RestoreError(
                        f"the journal of this workspace never touched {terminal_safe(person)!r}: there is no "
                        "snapshot to restore from (see `cio-tui journal search`)"
                    )
                try:
                    plan_id = journal.find_plan(plan_ref) if plan_ref else None
                except KeyError as exc:
                    raise RestoreError(
                        f"no plan {exc.args[0]} in this workspace's journal; see `cio-tui journal list`"
                    ) from None
                hit = pick_hit(hits, plan_id=plan_id, op_id=op_id)
            build = await plan_restore(ws.client, [hit], workspace_fingerprint=ws.fingerprint, workspace_name=ws.name)
            if build.plan is not None:
                save_plan(build.plan, out, key=ws.plan_key())
        if as_json:
            echo_json(
                {
                    "plan": str(Path(out)) if build.plan else None,
                    "plan_id": build.plan.plan_id if build.plan else None,
                    "operations": len(build.plan.operations) if build.plan else 0,
                    "people": [
                        {"cio_id": r.cio_id, "from": r.source.to_json(), "restores": r.restores, "cannot": r.cannot}
                        for r in build.people
                    ],
                }
            )
        else:
            for line in build.lines():
                click.echo(terminal_safe(line))
            if build.plan is not None:
                click.echo(f"plan {build.plan.plan_id} written to {out}; review it, then run `cio-tui apply {out}`")
        if build.plan is None:
            raise UserError(f"no plan written to {out}: nothing can be restored (each reason is listed)")

    run(ctx, go)


def _add_merge_duplicates() -> None:
    from cio_tui.cli.duplicates_plan import plan_merge_duplicates  # light: click only until it runs

    plan_group.add_command(plan_merge_duplicates)


_add_merge_duplicates()


def _add_segment_plans() -> None:
    from cio_tui.cli.segment import plan_cutover_cmd, plan_rollback_cmd  # light: click only until they run

    plan_group.add_command(plan_cutover_cmd)
    plan_group.add_command(plan_rollback_cmd)


_add_segment_plans()
