"""``cio-tui journal list | show PLAN | search PERSON | export --format jsonl|csv [--out FILE]``: what was done to
this workspace, by plan or by person."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from cio_tui.cli.workspace_run import UserError, echo_json, obj_of, run, workspace

if TYPE_CHECKING:
    from cio_tui.identity.journal import Journal, JournalEntry, PlanRecord
    from cio_tui.identity.journal_search import PersonHit

T = TypeVar("T")


async def _with_journal(ctx: click.Context, fn: Callable[[Journal], T]) -> T:
    from cio_tui.identity.journal import Journal

    async with workspace(obj_of(ctx)) as ws:
        with Journal.for_workspace(ws) as journal:
            return fn(journal)


def _resolve(journal: Journal, plan: str) -> str:
    """A plan id, a unique prefix of one, or a plan file."""
    if plan.endswith(".json") and Path(plan).is_file():
        from cio_tui.identity.plan import load_plan

        return str(load_plan(plan).plan_id)
    try:
        return journal.find_plan(plan)
    except KeyError as exc:
        raise UserError(f"no plan {exc.args[0]} in this workspace's journal; see `cio-tui journal list`") from None


@click.group("journal", invoke_without_command=True)
@click.pass_context
def journal_group(ctx: click.Context) -> None:
    """The journal of this workspace: every plan applied, every operation state change, with before/after.

    With no subcommand: `journal list`.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_cmd)


@journal_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """Plans applied to this workspace, newest first, with operations counted by state."""
    plans = run(ctx, lambda: _with_journal(ctx, lambda j: j.plans()))
    if as_json:
        echo_json([p.model_dump(mode="json") for p in plans])
        return
    if not plans:
        click.echo("the journal is empty: nothing was applied to this workspace yet")
    for p in plans:
        states = ", ".join(f"{n} {s}" for s, n in sorted(p.states.items()))
        status = "complete" if p.complete else "INCOMPLETE (run apply again to resume)"
        click.echo(
            f"{p.plan_id}  {p.registered_at:%Y-%m-%d %H:%M}  {p.source:<16} {p.succeeded}/{p.total} "
            f"{status}  [{states}]  by {p.operator}"
        )


@journal_group.command("show")
@click.argument("plan")
@click.option("--json", "as_json", is_flag=True, help="Print every entry as JSON.")
@click.pass_context
def show_cmd(ctx: click.Context, plan: str, as_json: bool) -> None:
    """Every entry of one plan (PLAN = plan id, a unique prefix, or the plan file)."""

    def load(journal: Journal) -> tuple[PlanRecord, list[JournalEntry]]:
        plan_id = _resolve(journal, plan)
        record = next(p for p in journal.plans() if p.plan_id == plan_id)
        return record, journal.entries(plan_id)

    record, entries = run(ctx, lambda: _with_journal(ctx, load))
    if as_json:
        echo_json({"plan": record.model_dump(mode="json"), "entries": [e.model_dump(mode="json") for e in entries]})
        return
    click.echo(
        f"plan {record.plan_id} ({record.source}) on '{record.workspace_name}': {record.succeeded}/{record.total} done"
    )
    for e in entries:
        bits = [f"{e.at:%Y-%m-%d %H:%M:%S}", e.op_id or "-", e.state, e.operator]
        if e.request:
            bits.append(f"{e.request.get('method')} {e.request.get('path')}")
        if e.status is not None:
            bits.append(str(e.status))
        if e.detail:
            bits.append(e.detail)
        click.echo("  ".join(bits))


@journal_group.command("search")
@click.argument("person")
@click.option("--json", "as_json", is_flag=True, help="Print every operation found, with its snapshots, as JSON.")
@click.pass_context
def search_cmd(ctx: click.Context, person: str, as_json: bool) -> None:
    """Every operation, across plans, that touched PERSON (a cio_id with or without cio_, an id or an email).

    A person is found by any identifier the journal saw them with (an old id as well as the new one). Read-only.
    Exit 1 when the journal never touched that person."""
    from cio_tui.identity.journal_search import search_person
    from cio_tui.safe_text import terminal_safe as clean

    def search(journal: Journal) -> list[PersonHit]:
        found = search_person(journal, person)
        if not found:
            raise UserError(
                f"the journal of this workspace never touched {clean(person)!r} (searched by cio_id, id and email)"
            )
        return found

    hits = run(ctx, lambda: _with_journal(ctx, search))
    if as_json:
        echo_json({"person": person, "operations": [h.to_json() for h in hits]})
    else:
        people = sorted({h.cio_id for h in hits})
        click.echo(
            f"{clean(person)}: {len(hits)} operation(s) on {', '.join(f'cio_{c}' for c in people)} in "
            f"{len({h.plan_id for h in hits})} plan(s)"
        )
        for h in hits:
            when = f"{h.at:%Y-%m-%d %H:%M}" if h.at else "-"
            who = f"cio_{h.cio_id}" + (" (secondary)" if h.role == "secondary" else "")
            click.echo(f"  {when}  {h.plan_id[:12]}  {h.op_id}  {h.state:<13} {who}  {clean(h.summary)}")
        click.echo(f"put a person back as before an operation: `cio-tui plan restore {clean(person)} --out FILE`")


@journal_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), required=True, help="Output format.")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="File to write (default: standard output).",
)
@click.option("--plan", "plan", default=None, help="Only this plan (id, prefix or plan file).")
@click.pass_context
def export_cmd(ctx: click.Context, fmt: str, out: str | None, plan: str | None) -> None:
    """Export the journal (every entry, with redacted requests and before/after snapshots)."""

    def export(journal: Journal) -> int:
        plan_id = _resolve(journal, plan) if plan else None
        write = journal.export_jsonl if fmt == "jsonl" else journal.export_csv
        if out is None:
            return write(sys.stdout, plan_id)
        from pathlib import Path

        from cio_tui.errors import UserError
        from cio_tui.private_files import open_private

        if not Path(out).parent.is_dir():
            raise UserError(f"cannot write {out}: the folder {Path(out).parent} does not exist; create it first")
        with open_private(out, "w", newline="") as fh:  # the journal holds people's data: owner-only
            return write(fh, plan_id)

    n = run(ctx, lambda: _with_journal(ctx, export))
    if out:
        click.echo(f"{n} entries written to {out}", err=True)
