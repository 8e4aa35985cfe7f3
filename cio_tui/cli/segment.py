"""``cio-tui segment status|verify`` and ``cio-tui plan cutover|rollback``: the Segment side of the migration.

When the Public API cannot be used (no token, a token without access, a workspace without the Public API, or
destination subscriptions not enabled) the command says which, what to ask Segment for, and prints the manual
checklist; it then exits 3.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import click

from cio_tui.cli.workspace_run import EXIT_AUTH, UserError, echo_json, obj_of, run, workspace
from cio_tui.safe_text import safe
from cio_tui.walkthrough.steps import step_ref

if TYPE_CHECKING:
    from types import TracebackType

    from cio_tui.segment_api.client import SegmentClient
    from cio_tui.workspace import Workspace


T = TypeVar("T")


def parse_time(value: str | None, flag: str) -> datetime | None:
    """An ISO-8601 time (``Z`` or an offset; no offset = UTC) for ``--at``/``--since``."""
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO-8601 time such as 2026-12-01T21:00:00Z", param_hint=flag
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@asynccontextmanager
async def segment_of(ctx: click.Context) -> AsyncIterator[tuple[Any, Any]]:
    """(workspace, Segment client) of the command line; access problems become the message and the checklist."""
    from cio_tui.segment_api.connect import open_segment

    obj = obj_of(ctx)
    async with workspace(obj) as ws:
        with _access_guard():
            client = open_segment(obj.settings, obj.credentials, ws, transport=getattr(obj, "transport", None))
        try:
            with _access_guard():
                yield ws, client
        finally:
            await client.aclose()


class _access_guard:  # noqa: N801 - used as a plain `with`
    def __enter__(self) -> None:
        return None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> Literal[False]:
        from cio_tui.cutover.access import access_problem

        problem = access_problem(exc) if exc is not None else None
        if problem is None:
            return False
        raise UserError("\n".join(problem.lines()), EXIT_AUTH) from exc


def _run(ctx: click.Context, work: Callable[[Any, Any], Awaitable[T]]) -> T:
    async def go() -> T:
        async with segment_of(ctx) as (ws, client):
            return await work(ws, client)

    return run(ctx, go)


@click.group("segment")
def segment_group() -> None:
    """Segment's side of the cut-over, through its Public API (token: `cio-tui profile add NAME --segment`)."""


@segment_group.command("status")
@click.option("--source", "source_id", metavar="ID", default=None, help="Only this Segment source.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def status_cmd(ctx: click.Context, source_id: str | None, as_json: bool) -> None:
    """The Segment sources feeding this workspace and their Customer.io destinations (classic and Actions)."""
    from cio_tui.cutover.status import read_status

    async def work(ws: Workspace, client: SegmentClient) -> Any:
        return await read_status(client, ws.profile.site_id, source_id=source_id)

    status = _run(ctx, work)
    if as_json:
        echo_json(status.to_json())
        return
    for line in status.lines():
        click.echo(safe(line))  # names, triggers and filters come from the Segment workspace


@segment_group.command("verify")
@click.option(
    "--since",
    default=None,
    metavar="TIME",
    help=f"Start of the window (ISO 8601) [the cut-over time of {step_ref('cutover')}, else when the cut-over plan was "
    "applied, else an hour ago].",
)
@click.option("--source", "source_id", metavar="ID", default=None, help="Only this Segment source.")
@click.option(
    "--sample", type=click.IntRange(1, 500), default=20, show_default=True, help="People sampled in Customer.io."
)
@click.option(
    "--scan",
    type=click.IntRange(1, 100_000),
    default=500,
    show_default=True,
    help="People read in Customer.io to find those created since the cut-over.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def verify_cmd(
    ctx: click.Context, since: str | None, source_id: str | None, sample: int, scan: int, as_json: bool
) -> None:
    """Delivery per Actions mapping since the cut-over, and Customer.io sampling; exit 1 when a check fails."""
    from cio_tui.walkthrough.segment_side import cutover_time
    from cio_tui.walkthrough.verify import verify_switch

    since_at = parse_time(since, "--since")

    async def work(ws: Workspace, client: SegmentClient) -> Any:
        now = datetime.now(UTC)
        start = since_at or cutover_time(ws)
        return await verify_switch(
            client, ws.client, ws.profile.site_id, since=start, now=now, sample=sample, scan=scan, source_id=source_id
        )

    result = _run(ctx, work)
    if as_json:
        echo_json(result.to_json())
    else:
        for line in result.lines():
            click.echo(safe(line))
    ctx.exit(0 if result.passed else 1)


def _write_plan(made: tuple[Any, bytes], out: str, as_json: bool) -> None:
    from cio_tui.cutover.plan import save_segment_plan
    from cio_tui.cutover.review import review_lines

    plan, key = made
    save_segment_plan(plan, out, key=key)
    if as_json:
        echo_json(
            {
                "plan": str(Path(out)),
                "plan_id": plan.plan_id,
                "operations": len(plan.operations),
                "kinds": [op.kind for op in plan.operations],
            }
        )
        return
    for line in review_lines(plan):
        click.echo(safe(line))
    click.echo(f"plan {plan.plan_id} written to {out}; review it, then run `cio-tui apply {out}`")


@click.command("cutover")
@click.option("--source", "source_id", metavar="ID", default=None, help="The Segment source to cut over.")
@click.option(
    "--method",
    type=click.Choice(["one-step", "filters"]),
    default="one-step",
    show_default=True,
    help="one-step: disable classic and enable Actions together; filters: complementary receivedAt filters at --at.",
)
@click.option("--at", "at", metavar="TIME", default=None, help="Cut-over time for --method filters (ISO 8601).")
@click.option(
    "--skip-preset",
    "skip",
    metavar="NAME",
    multiple=True,
    help="A Quick Setup preset not to create (name, e.g. 'Merge People', or action slug); repeatable.",
)
@click.option(
    "--prepare-only",
    is_flag=True,
    help="Stop before the switch: the disabled Actions destination, its mappings and filters (plan the "
    "cut-over later; it finds them in place).",
)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True, help="Where to write the plan.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def plan_cutover_cmd(
    ctx: click.Context,
    source_id: str | None,
    method: str,
    at: str | None,
    skip: tuple[str, ...],
    prepare_only: bool,
    out: str,
    as_json: bool,
) -> None:
    """Plan the Segment cut-over from the classic Customer.io destination to Customer.io (Actions)."""
    from cio_tui.cutover.planner import plan_cutover

    at_time = parse_time(at, "--at")

    async def work(ws: Workspace, client: SegmentClient) -> Any:
        plan = await plan_cutover(
            client,
            site_id=ws.profile.site_id,
            workspace_fingerprint=ws.fingerprint,
            workspace_name=ws.name,
            source_id=source_id,
            method=method,
            at=at_time,
            skip=skip,
            calls=_saved_calls(ws),
            switch=not prepare_only,
        )
        return plan, ws.plan_key()

    _write_plan(_run(ctx, work), out, as_json)


@click.command("rollback")
@click.option("--source", "source_id", metavar="ID", default=None, help="The Segment source to roll back.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True, help="Where to write the plan.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def plan_rollback_cmd(ctx: click.Context, source_id: str | None, out: str, as_json: bool) -> None:
    """Plan the reverse switch: classic back on, Actions off, the cut-over filters removed."""
    from cio_tui.cutover.planner import plan_rollback

    async def work(ws: Workspace, client: SegmentClient) -> Any:
        plan = await plan_rollback(
            client,
            site_id=ws.profile.site_id,
            workspace_fingerprint=ws.fingerprint,
            workspace_name=ws.name,
            source_id=source_id,
        )
        return plan, ws.plan_key()

    _write_plan(_run(ctx, work), out, as_json)


def _saved_calls(ws: Workspace) -> list[Any] | None:
    """The Walkthrough's saved preview calls (None when there are none): their findings go beside each preset."""
    try:
        from cio_tui.walkthrough.service import WalkthroughService

        svc = WalkthroughService(ws)
        calls = svc.saved_calls(svc.load())
    except Exception:  # noqa: BLE001 - findings are a help, never a reason not to plan
        return None
    return calls or None


def apply_segment_plan(ctx: click.Context, plan_file: str, yes: bool, allow_unsigned: bool = False) -> None:
    """``cio-tui apply`` for a Segment plan: signature, review, typed confirmation, journal, resume, stale check."""
    from cio_tui.cutover.apply import SegmentApplyEngine
    from cio_tui.cutover.plan import load_segment_plan
    from cio_tui.cutover.review import review_lines
    from cio_tui.identity.apply_checks import check_workspace
    from cio_tui.identity.journal import Journal
    from cio_tui.identity.signing import require_signature, signature_problem

    plan = load_segment_plan(plan_file)

    async def work(ws: Workspace, client: SegmentClient) -> Any:
        check_workspace(plan, ws.fingerprint, ws.name)
        problem = signature_problem(plan, ws.plan_key())
        if problem and not allow_unsigned:
            require_signature(plan, ws.plan_key())
        if problem:
            click.echo(f"warning: {problem}; --allow-unsigned was given", err=True)
        with Journal.for_workspace(ws) as journal:
            states = journal.op_states(plan.plan_id)
            if not yes:
                for line in review_lines(plan, states):
                    click.echo(safe(line), err=True)
                typed = click.prompt(
                    f"Type the workspace name ({ws.name}) to apply", err=True, default="", show_default=False
                )
                if typed.strip() != ws.name:
                    raise UserError("not applied: the name typed does not match the workspace")
            engine = SegmentApplyEngine(client, journal, plan, on_line=lambda s: click.echo(safe(s), err=True))
            return await engine.run()

    result = _run(ctx, work)
    for line in result.summary_lines():
        click.echo(safe(line), err=not result.ok)
    ctx.exit(0 if result.ok else 1)


__all__ = ["apply_segment_plan", "parse_time", "plan_cutover_cmd", "plan_rollback_cmd", "segment_group"]
