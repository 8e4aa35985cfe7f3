"""``cio-tui walkthrough``: the guided migration from the command line (status, step, report, checklist, cleanup).

Headless: imports the walkthrough service lazily, never Textual.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cio_tui.walkthrough.steps import REPORT_STEP, STEP_COUNT, step_by_key, step_ref

if TYPE_CHECKING:
    from cio_tui.walkthrough.cleanup import Action
    from cio_tui.walkthrough.service import Overview, WalkthroughService

T = TypeVar("T")


def _run(ctx: click.Context, work: Callable[[WalkthroughService], Awaitable[T]]) -> T:
    """Run ``work`` with the walkthrough service of the command line's workspace (the CLI's one plumbing)."""
    from cio_tui.cli.workspace_run import run, workspace
    from cio_tui.walkthrough.service import WalkthroughService

    async def main() -> T:
        async with workspace(ctx.find_root().obj) as ws:
            return await work(WalkthroughService(ws))

    return run(ctx, main)


def _status_text(ov: Overview) -> str:
    from cio_tui.walkthrough.steps import STEPS

    state = ov.state
    finished = sum(1 for st in state.steps.values() if st.status.finished)
    kind = "SANDBOX" if state.is_sandbox else "LIVE"
    current = state.current_step()
    name = state.workspace_name or "this workspace"
    lines = [f"Walkthrough for {name} ({kind}): {finished} of {STEP_COUNT} steps finished"]
    for step in STEPS:
        st = state.step(step.number)
        marker = ">" if step.number == current else " "
        lines.append(f"{marker} {step.number}. {step.title:<34} {st.status_words}")
    if current is not None:
        lines.append("")
        lines.append(f"Next: step {current}, {STEPS[current - 1].title}. Left to do:")
        lines += [f"  - {item}" for item in ov.missing[current]] or ["  - mark it done"]
    if ov.risks:
        lines.append("")
        lines.append("Open risks:")
        lines += [f"  - {r.severity}: {r.text}" for r in ov.risks]
    return "\n".join(lines)


@click.group("walkthrough")
def walkthrough_group() -> None:
    """The guided migration: where you are, what is left, what is risky, and the final report."""


@walkthrough_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """Show every step's status, what the next step still needs, and the open risks."""

    async def work(svc: WalkthroughService) -> Overview:
        return svc.overview()

    ov = _run(ctx, work)
    if as_json:
        data: dict[str, Any] = ov.state.status_json()
        for step in data["steps"]:
            step["missing"] = ov.missing[step["number"]]
        data["risks"] = [{"level": str(r.severity), "text": r.text} for r in ov.risks]  # "level": the JSON key
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(_status_text(ov))


@walkthrough_group.command("step")
@click.argument("number", type=click.IntRange(1, STEP_COUNT))
@click.option("--done", "mark", flag_value="done", help="Mark the step done.")
@click.option("--start", "mark", flag_value="in_progress", help="Mark the step in progress.")
@click.option("--reset", "mark", flag_value="not_started", help="Mark the step not started.")
@click.option("--skip", "reason", metavar="REASON", help="Skip the step, saying why.")
@click.option("--notes", metavar="TEXT", help="Replace the step's notes.")
@click.pass_context
def step_cmd(ctx: click.Context, number: int, mark: str | None, reason: str | None, notes: str | None) -> None:
    """Show step NUMBER, or change its status (--done, --start, --reset, --skip REASON) or notes."""
    from cio_tui.walkthrough.steps import step_by_number

    if mark and reason is not None:
        raise click.UsageError("give either --skip REASON or one of --done/--start/--reset")
    if reason is not None and not reason.strip():
        raise click.UsageError("--skip needs a reason (why this step does not apply)")

    async def work(svc: WalkthroughService) -> Overview:
        state = svc.load()
        now = svc.now()
        if reason is not None:
            state.set_status(number, "skipped", reason=reason, now=now)
        elif mark:
            state.set_status(number, mark, now=now)
        if notes is not None:
            state.set_notes(number, notes, now=now)
        if reason is not None or mark or notes is not None:
            svc.save(state)
        return svc.overview(state)

    ov = _run(ctx, work)
    step = step_by_number(number)
    st = ov.state.step(number)
    click.echo(f"Step {step.number}. {step.title}: {st.status_words}")
    click.echo(f"\n{step.purpose}\n\nDone when: {step.done_when}")
    if st.notes:
        click.echo(f"Notes: {st.notes}")
    gaps = ov.missing[number]
    if gaps:
        label = "Marked done, but still open" if st.status.value == "done" else "Left to do"
        click.echo(f"{label}:")
        for item in gaps:
            click.echo(f"  - {item}")


YES_NO = click.Choice(["yes", "no"])


def _yes(value: str | None) -> bool | None:
    return None if value is None else value == "yes"


@walkthrough_group.command(
    "set",
    help="Record settings the walkthrough asks for (steps "
    f"{step_by_key('connect').number}, {step_by_key('identifiers').number} and {step_by_key('cutover').number}); "
    "steps complete themselves when all are set.",
)
@click.option("--site-id", help=f"Classic destination: site id ({step_ref('connect')}).")
@click.option(
    "--datacenter", type=click.Choice(["us", "eu"]), help=f"Classic destination: datacenter ({step_ref('connect')})."
)
@click.option(
    "--convert-unix-time", type=YES_NO, help=f"Classic destination: Convert to Unix Time ({step_ref('connect')})."
)
@click.option(
    "--connection-mode", type=click.Choice(["cloud", "device", "both"]), help=f"Classic mode ({step_ref('connect')})."
)
@click.option(
    "--id-mode", type=click.Choice(["email_or_id", "id_only"]), help=f"Identifier mode ({step_ref('identifiers')})."
)
@click.option("--auto-merge", type=YES_NO, help=f"Auto-merge on ({step_ref('identifiers')}).")
@click.option(
    "--email-updates-by-id", type=YES_NO, help=f"Allow updates to email using id ({step_ref('identifiers')})."
)
@click.option(
    "--cutover",
    type=click.Choice(["one_step", "received_at_filters"]),
    help=f"Cut-over method ({step_ref('cutover')}).",
)
@click.option("--cutover-at", metavar="'YYYY-MM-DD HH:MM'", help="Cut-over time, UTC unless an offset is given.")
@click.pass_context
def set_cmd(ctx: click.Context, /, **values: str | None) -> None:
    from datetime import UTC, datetime

    given = {k: v for k, v in values.items() if v is not None}
    if not given:
        raise click.UsageError("give at least one setting (see --help)")
    when = None
    if "cutover_at" in given:
        try:
            when = datetime.fromisoformat(given["cutover_at"].strip().replace(" ", "T", 1))
        except ValueError:
            raise click.UsageError("--cutover-at: write the time as 'YYYY-MM-DD HH:MM' (UTC)") from None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)

    async def work(svc: WalkthroughService) -> Overview:
        state = svc.load()
        c, i, cut = state.classic, state.identifier_settings, state.cutover
        updates: dict[int, tuple[Any, dict[str, Any]]] = {
            step_by_key("connect").number: (
                c,
                {
                    "site_id": values["site_id"],
                    "datacenter": values["datacenter"],
                    "convert_to_unix_time": _yes(values["convert_unix_time"]),
                    "connection_mode": values["connection_mode"],
                },
            ),
            step_by_key("identifiers").number: (
                i,
                {
                    "mode": values["id_mode"],
                    "auto_merge": _yes(values["auto_merge"]),
                    "email_updates_by_id": _yes(values["email_updates_by_id"]),
                },
            ),
            step_by_key("cutover").number: (cut, {"method": values["cutover"], "cutover_at": when}),
        }
        for step, (model, fields) in updates.items():
            fields = {k: v for k, v in fields.items() if v is not None}
            if fields:
                for name, value in fields.items():
                    setattr(model, name, value)
                state.touch(step, now=svc.now())
        svc.refresh(state)
        return svc.overview(state)

    ov = _run(ctx, work)
    click.echo(_status_text(ov))


@walkthrough_group.command(
    "audit",
    help=f"{step_ref('audit').capitalize()}: count people, leads, email-as-id, case-variant ids, duplicates, "
    "unsubscribed, anonymous-only.",
)
@click.option(
    "--from-export",
    "export",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Audit this people export (CSV) instead of asking the workspace for one.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.option(
    "--price-per-profile",
    type=click.FloatRange(min=0),
    default=None,
    metavar="USD",
    help="Your price per profile per month (or CIO_TUI_PRICE_PER_PROFILE): adds what duplicates cost.",
)
@click.pass_context
def audit_cmd(ctx: click.Context, export: Path | None, as_json: bool, price_per_profile: float | None) -> None:
    async def work(svc: WalkthroughService) -> Any:
        counts = await svc.audit(export, price_per_profile=price_per_profile)
        svc.record(step_by_key("audit").number, audit=counts)
        return counts

    counts = _run(ctx, work)
    if as_json:
        click.echo(counts.model_dump_json(indent=2))
        return
    click.echo(f"{counts.people} people ({counts.source}: {counts.source_detail})")
    for label, n in counts.chart_rows():
        click.echo(f"  {label:<18} {n}")
    for rule in counts.duplicate_groups:
        click.echo(f"  duplicates by {rule.rule}: {rule.groups} group(s), {rule.people} people")
    if sum(r.groups for r in counts.duplicate_groups) > counts.duplicate_group_total:
        click.echo(f"  (a group can match several rules: {counts.duplicate_group_total} distinct groups)")
    if counts.cost_line:
        click.echo(counts.cost_line)
    for note in counts.notes:
        click.echo(f"note: {note}")


@walkthrough_group.command(
    "verify",
    help=f"{step_ref('verify').capitalize()}: sample recent people and check what Actions writes. Exit 1 unless "
    "every check passed (a check failed, or is not yet verifiable because no traffic arrived since the switch).",
)
@click.option("--sample", default=20, show_default=True, type=click.IntRange(1, 500), help="People to sample.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@click.pass_context
def verify_cmd(ctx: click.Context, sample: int, as_json: bool) -> None:
    async def work(svc: WalkthroughService) -> Any:
        result = await svc.verify(sample=sample)
        svc.record(step_by_key("verify").number, verify=result)
        return result

    result = _run(ctx, work)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        click.echo(f"{result.sampled} people sampled")
        for check in result.checks:
            click.echo(f"{check.mark}  {check.title}: {check.detail}")
            for example in check.examples[:5]:
                click.echo(f"      {example}")
        from cio_tui.cutover.verify import verdict

        click.echo(verdict(result.checks))
    if not result.passed:  # exit 0 only when every check passed: "not yet verifiable" is not a pass
        ctx.exit(1)


@walkthrough_group.command("report")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Markdown file.")
@click.pass_context
def report_cmd(ctx: click.Context, out: Path) -> None:
    """Write the migration report (every step's outcome, plans applied, journal summary, open risks)."""

    async def work(svc: WalkthroughService) -> tuple[Path, list[str]]:
        from cio_tui.walkthrough.progress import missing

        path = svc.write_report(out)
        return path, missing(svc.load(), REPORT_STEP)

    path, left = _run(ctx, work)
    click.echo(f"Report written to {path}")
    if left:
        click.echo(f"Step {REPORT_STEP} stays in progress: {'; '.join(left)}.")


@walkthrough_group.command("checklist")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write Markdown here.")
@click.pass_context
def checklist_cmd(ctx: click.Context, out: Path | None) -> None:
    """Print (or write) the Prepare Actions checklist made from your saved calls and settings."""

    async def work(svc: WalkthroughService) -> str:
        return svc.checklist_markdown()

    text = _run(ctx, work)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Checklist written to {out}")


@walkthrough_group.command("cleanup")
@click.option(
    "--csv",
    "csv_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV with an identifier (or cio_id/id/email) column and an action column (delete|suppress).",
)
@click.option("--action", type=click.Choice(["delete", "suppress"]), help="Action for rows without one.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Plan file.")
@click.pass_context
def cleanup_cmd(ctx: click.Context, csv_path: Path, action: Action | None, out: Path) -> None:
    """Plan deleting or suppressing the people listed in a CSV (apply it with `cio-tui apply`)."""

    async def work(svc: WalkthroughService) -> Any:
        result = await svc.cleanup(csv_path, default_action=action)
        if result.plan is not None:
            from cio_tui.identity.plan import save_plan

            save_plan(result.plan, out, key=svc.workspace.plan_key())
            svc.record_plan(result, out)
        return result

    result = _run(ctx, work)
    counts = result.counts()
    for ex in result.excluded:
        click.echo(f"line {ex.line}: {ex.identifier or '(empty)'} left out: {ex.reason}", err=True)
    if result.plan is None:
        click.echo("No plan written: no row names an existing person.", err=True)
        ctx.exit(1)
    click.echo(
        f"Plan {result.plan.plan_id} written to {out}: {counts['delete']} to delete, "
        f"{counts['suppress']} to suppress, {counts['excluded']} left out."
    )
    click.echo(result.warning)
    click.echo(f"Review it, then apply with: cio-tui apply {out}")
