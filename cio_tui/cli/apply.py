"""``cio-tui apply PLAN.json [--yes] [--max N]``: apply a reviewed plan to its workspace, resumably.

Without ``--yes`` it shows the summary and asks to type the workspace name. Progress (done/total, rate, ETA) goes
to stderr. Running it again after a crash or kill resumes. Exit 0 when every operation is done or was already in
its target state; otherwise 1 with a per-reason summary (3 auth/permission, 4 network/region).
Ctrl-C once stops sending (in-flight writes are verified and journaled); twice quits at once (still resumable).
"""

from __future__ import annotations

import signal
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

import click

from cio_tui.cli.workspace_run import EXIT_USER, UserError, obj_of, run, workspace

if TYPE_CHECKING:
    from cio_tui.identity.apply import ApplyEngine
    from cio_tui.identity.plan import Plan
    from cio_tui.workspace import Workspace


class ProgressLine:
    """Renders ``ProgressEvent``s on stderr: in place on a terminal, one line every few seconds otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._last = 0.0

    def __call__(self, event: object) -> None:
        from cio_tui.identity.apply_events import NoticeEvent, ProgressEvent
        from cio_tui.safe_text import safe

        if isinstance(event, NoticeEvent):
            self.stream.write(("\r\x1b[2K" if self.tty else "") + safe(event.text) + "\n")
            self.stream.flush()
            return
        if not isinstance(event, ProgressEvent):
            return
        now = time.monotonic()
        if not event.finished and now - self._last < (0.2 if self.tty else 2.0):
            return
        self._last = now
        if self.tty:
            self.stream.write("\r\x1b[2K" + event.line() + ("\n" if event.finished else ""))
        else:
            self.stream.write(event.line() + "\n")
        self.stream.flush()


def _preview(plan: Plan, states: dict[str, Any], limit: int = 15) -> list[str]:
    from cio_tui.safe_text import safe

    lines = [f"plan {plan.plan_id} ({plan.source}) for workspace '{plan.workspace_name}', made {plan.created_at}"]
    lines += plan.summary().lines()
    if states:
        done = sum(1 for s in states.values() if s.succeeded)
        doubt = sum(1 for s in states.values() if s.in_doubt)
        lines.append(f"resuming: {done} already done, {doubt} to reconcile by reading first")
    for op in plan.operations[:limit]:
        lines.append(f"  {op.op_id} {op.summary}")
        lines.append(f"      {op.request.line()}")
        for loss in op.loses:
            lines.append(f"      loses: {loss.text}")
    lines = [safe(line) for line in lines]  # workspace data (emails, ids) must not steer the terminal
    if len(plan.operations) > limit:
        lines.append(f"  ... and {len(plan.operations) - limit} more")
    return lines


@click.command("apply")
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask to type the workspace name (scripts, resuming).")
@click.option(
    "--max",
    "max_ops",
    type=click.IntRange(1),
    default=None,
    help="Send at most N operations in this run (a canary); run again for the rest.",
)
@click.option(
    "--allow-unsigned",
    is_flag=True,
    help="Apply a plan that is not signed by this workspace's key (edited, or made elsewhere), after listing what "
    "differs from a plan derived now.",
)
@click.option(
    "--visibility-window",
    "visibility_window",
    type=click.FloatRange(0),
    default=None,
    metavar="SECONDS",
    help="How long a write may take to become visible (Customer.io processes writes asynchronously); a write not "
    "visible yet is read again until then, never resent before [30; 0.5 on the embedded sandbox].",
)
@click.option(
    "--resend-uncertain",
    is_flag=True,
    help="Send again a merge whose outcome stayed unknown (not visible within the window). Other kinds are resent "
    "without asking: repeating them is harmless.",
)
@click.option(
    "--in-flight",
    "in_flight",
    type=click.IntRange(1, 256),
    default=None,
    help="Requests queued or awaiting an answer at most [32]; pause and cancel hold back everything beyond them.",
)
@click.pass_context
def apply_cmd(
    ctx: click.Context,
    plan_file: str,
    yes: bool,
    max_ops: int | None,
    allow_unsigned: bool,
    visibility_window: float | None,
    resend_uncertain: bool,
    in_flight: int | None,
) -> None:
    """Apply PLAN.json: check each operation against the live workspace, send, verify, journal everything."""
    from cio_tui.identity.apply import ApplyEngine
    from cio_tui.identity.apply_checks import check_workspace
    from cio_tui.identity.apply_events import ApplyOptions
    from cio_tui.identity.journal import Journal
    from cio_tui.identity.plan import load_plan

    if _is_segment_plan(plan_file):  # Segment Public API writes: their own engine, the same journal
        from cio_tui.cli.segment import apply_segment_plan

        apply_segment_plan(ctx, plan_file, yes, allow_unsigned)
        return

    async def go() -> Any:
        plan = load_plan(plan_file)
        async with workspace(obj_of(ctx)) as ws:
            check_workspace(plan, ws.fingerprint, ws.name)
            await _check_signature(plan, ws, allow_unsigned)
            with Journal.for_workspace(ws) as journal:
                states = journal.op_states(plan.plan_id)
                if not yes:
                    for line in _preview(plan, states):
                        click.echo(line, err=True)
                    typed = click.prompt(
                        f"Type the {ws.confirm_label} ({ws.confirm_word}) to apply",
                        err=True,
                        default="",
                        show_default=False,
                    )
                    if typed.strip() != ws.confirm_word:
                        what = "name" if ws.confirm_label == "workspace name" else ws.confirm_label
                        raise UserError(f"not applied: the {what} typed does not match the workspace", EXIT_USER)
                base = ApplyOptions.for_sandbox() if ws.is_sandbox else ApplyOptions()
                tuned: dict[str, Any] = {"max_ops": max_ops, "resend_uncertain": resend_uncertain}
                if in_flight is not None:
                    tuned["sends_in_flight"] = in_flight
                if visibility_window is not None:
                    tuned["visibility_window"] = visibility_window
                options = ApplyOptions(**{**base.__dict__, **tuned})
                engine = ApplyEngine.for_workspace(ws, plan, journal=journal, options=options, on_event=ProgressLine())
                _install_interrupt(engine)
                return await engine.run()

    result = run(ctx, go)
    for line in result.summary_lines():
        click.echo(line, err=not result.ok)
    from cio_tui.safe_text import safe

    for problem in result.problems[:20]:
        click.echo(safe(f"  {problem.op_id} {problem.state}: {problem.detail}"), err=True)
    if len(result.problems) > 20:
        click.echo(f"  ... {len(result.problems) - 20} more: `cio-tui journal show {result.plan_id}`", err=True)
    ctx.exit(0 if result.ok else EXIT_USER)


async def _check_signature(plan: Plan, ws: Workspace, allow_unsigned: bool) -> None:
    """Refuse a plan not signed with this workspace's key, unless ``--allow-unsigned``: then say what differs from
    a plan derived now, before anything is sent."""
    from cio_tui.identity.plan_diff import fresh_differences
    from cio_tui.identity.signing import require_signature, signature_problem
    from cio_tui.safe_text import safe

    problem = signature_problem(plan, ws.plan_key())
    if problem is None:
        return
    if not allow_unsigned:
        require_signature(plan, ws.plan_key())
    click.echo(f"warning: {problem}; --allow-unsigned was given", err=True)
    diffs = await fresh_differences(ws.client, plan)
    if not diffs:
        click.echo("  every operation is what cio-tui would plan now from the same intent", err=True)
    for line in diffs[:50]:
        click.echo(f"  differs: {safe(line)}", err=True)
    if len(diffs) > 50:
        click.echo(f"  ... and {len(diffs) - 50} more differences", err=True)


def _is_segment_plan(plan_file: str) -> bool:
    from pathlib import Path

    from cio_tui.cutover.plan import is_segment_plan_text

    try:
        return is_segment_plan_text(Path(plan_file).read_text(encoding="utf-8"))
    except OSError:
        return False  # load_plan says what is wrong with the file


def _install_interrupt(engine: ApplyEngine) -> None:
    import asyncio  # here, not at the top: `cio-tui --help` imports this module to list the command

    loop = asyncio.get_running_loop()
    pressed = {"n": 0}

    def on_int() -> None:
        pressed["n"] += 1
        if pressed["n"] == 1:
            sys.stderr.write("\nstopping: in-flight writes are being verified (Ctrl-C again to quit now)\n")
            engine.cancel()
        else:
            raise KeyboardInterrupt

    try:
        loop.add_signal_handler(signal.SIGINT, on_int)
    except (NotImplementedError, RuntimeError):  # not the main thread (tests) or no signals (Windows)
        pass
