"""Words of the Plan/Apply screen: header, resume note, end-of-apply outcome, progress stats from engine events.

Pure functions (no Textual), unit-tested on their own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from cio_tui.identity.plan import Plan
from cio_tui.tui.viewmodels.apply_stats import ApplyStats

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from cio_tui.identity.apply_events import ApplyResult, ProgressEvent
    from cio_tui.workspace import Workspace


EMPTY_TEXT = (
    "No plan is open.\n\n"
    "Every change cio-tui makes goes through a plan you review here first. Make one in Leads (press 4), "
    "Identifiers (press 5) or Duplicates (press 6), resume one from the Journal (press 8), or press o to open a "
    "plan file saved by `cio-tui plan ... --out FILE`."
)
SUCCEEDED = ("done", "reconciled")
NOT_CHECKED = "Not checked yet: press c to read every person now, or a to apply (checked anyway)."
LOADING_TABLE = "Loading the table…"


def still_loading(shown: int, total: int) -> str:
    """Why apply (or a check) waits: a plan is only ever applied once every operation of it has been shown."""
    return (
        f"The plan is still loading: {shown:,} of {total:,} operations are in the table. Review and apply it once "
        "every operation is shown (a few seconds); nothing was sent."
    )


def plan_header(plan: Plan, workspace: Workspace | None) -> str:
    made = plan.created_at.strftime("%Y-%m-%d %H:%M UTC")
    line = f"Plan {plan.plan_id} · {plan.source} · made {made} for workspace {plan.workspace_name!r}"
    if workspace is not None and plan.workspace_fingerprint != workspace.fingerprint:
        line += f" · NOT the open workspace ({workspace.name!r}): it will be refused"
    summary = plan.summary()
    return line + "\n" + " · ".join(summary.lines())


def resume_note(plan: Plan, states: dict[str, str], *, in_dialog: bool = False) -> str:
    """What an earlier run left, and what applying again will do (``in_dialog``: said inside the confirmation,
    where resuming is confirming, not pressing a)."""
    counts = Counter(states.values())
    done = sum(counts[s] for s in SUCCEEDED)
    doubt = counts["sent"] + counts["uncertain"]
    stale, failed = counts["skipped_stale"], counts["failed"]
    left = len(plan.operations) - done
    not_sent = left - doubt - stale - failed  # never sent by any run (pending, or checked and then held back)
    parts = [f"Applied before: {done} done"]
    if not_sent:
        parts.append(f"{not_sent} not sent yet")
    if doubt:
        parts.append(f"{doubt} in doubt (sent, no answer: read back before anything is resent)")
    if stale:
        parts.append(f"{stale} stale")
    if failed:
        parts.append(f"{failed} failed")
    if left == 0:
        return ", ".join(parts) + ". Nothing is left to apply."
    then = "Confirming resumes" if in_dialog else "Press a to resume"
    return ", ".join(parts) + f". {then}: {left} operation(s) left; done ones are not sent again."


def paused_note(awaiting: int, by_state: Mapping[str, int]) -> str:
    """The status line while paused: the answers still due to requests already sent (they are verified and
    counted as they arrive), then what waits; nothing else leaves until p."""
    waiting = by_state.get("pending", 0) + by_state.get("checked", 0)
    # operations whose intent is journaled but whose request has not left yet wait too (they are never sent paused)
    waiting += max(by_state.get("sent", 0) - awaiting, 0)
    held = f"{waiting} operation(s) wait, not sent" if waiting else "nothing else waits"
    if awaiting:
        return (
            f"PAUSED: waiting for {awaiting} answer(s) to requests already sent (read back and counted once "
            f"answered); {held}. p resumes; x cancels."
        )
    return f"PAUSED: nothing in flight; {held} (read again before sending). p resumes; x cancels (they stay not sent)."


def stats_from_progress(
    event: ProgressEvent | None, elapsed: float, phase: str, previous: ApplyStats | None = None
) -> ApplyStats:
    """``ApplyStats`` from the engine's ``ProgressEvent`` (or the previous stats when the run ended without one)."""
    status = {"applying": "running", "paused": "paused", "cancelling": "cancelling"}.get(phase, phase)
    before = previous.before if previous is not None else 0
    if event is None:
        base = previous or ApplyStats(total=0)
        return ApplyStats(total=base.total, counts=dict(base.counts), elapsed=elapsed, status=status, before=before)
    return ApplyStats(
        total=event.total,
        counts=dict(event.by_state),
        elapsed=elapsed,
        status=status,
        awaiting=event.in_flight,
        before=before,
    )


def apply_outcome(result: ApplyResult | None, error: str = "") -> tuple[str, str, SeverityLevel]:
    """(title, text, severity) of the notification at the end of an apply, saying what to do next."""
    if error:
        return (
            "Apply stopped",
            f"The apply stopped: {error.rstrip('.')}. What was sent is in the journal; fix the cause and press a to "
            "resume.",
            "error",
        )
    assert result is not None, "an apply that did not stop on an error has a result"
    done = result.succeeded
    text = f"{done}/{result.total} operation(s) done"
    reasons = [f"{n} {reason}" for reason, n in sorted(result.reasons.items(), key=lambda kv: -kv[1])]
    if result.ok:
        return "Apply finished", text + ". Press j to see every step in the journal.", "information"
    if reasons:
        text += "; " + "; ".join(reasons)
    if result.cancelled:
        return "Apply cancelled", text + ". Press a to resume the rest, or j to view the journal.", "warning"
    return (
        "Apply finished with problems",
        text + ". Press j to view the journal; stale operations need a new plan.",
        "warning",
    )
