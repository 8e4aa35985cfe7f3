"""What each step still needs before it counts as done, computed from the recorded state.

``missing(state, n, ...)`` lists what is left in words (empty = the step's "done" condition holds);
``complete_if_ready`` marks a step done as soon as its condition holds (a skipped step stays skipped).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cio_tui.walkthrough.checklist import ChecklistItem
from cio_tui.walkthrough.findings import audit_findings, audit_is_fresh, findings_text
from cio_tui.walkthrough.history import AppliedPlan
from cio_tui.walkthrough.state import StepStatus, WalkthroughState


def missing(
    state: WalkthroughState,
    number: int,
    *,
    checklist: Sequence[ChecklistItem] | None = None,
    applied: Sequence[AppliedPlan] | None = None,
    saved_sets: Sequence[str] | None = None,
) -> list[str]:
    """What step ``number`` still needs. ``checklist``/``applied`` are needed for steps 6 and 5 (None = unknown);
    ``saved_sets`` (the names of the sets saved in Preview) lets step 4 say which half is left."""
    out: list[str] = []
    if number == 1:
        if state.connection is None:
            out.append("check the workspace connection (keys and region)")
        elif not state.connection.ok:
            out.append(f"the workspace check failed: {state.connection.detail}")
        out += [f"record the classic {label}" for label in state.classic.missing()]
    elif number == 2:
        out += [f"record {label}" for label in state.identifier_settings.missing()]
    elif number == 3:
        if state.audit is None:
            out.append("run the audit on the live workspace or an export")
    elif number == 4:
        if not state.reviewed_sets and saved_sets:
            out.append(f"read the behaviour changes below, then tick the saved set(s) you reviewed "
                       f"({len(saved_sets)} saved)")
        elif not state.reviewed_sets:
            out.append("save your app's calls as a set in Preview, then review their behaviour changes here")
    elif number == 5:
        out += _repair_missing(state, applied)
    elif number == 6:
        if checklist is None:
            out.append("open the checklist")
        else:
            left = [item for item in checklist if not state.checklist.get(item.key)]
            if left:
                out.append(f"tick the {len(left)} remaining checklist item(s)")
    elif number == 7:
        if state.cutover.method is None:
            out.append("choose the cut-over method")
        if state.cutover.cutover_at is None:
            out.append("record the cut-over time")
    elif number == 8:
        v = state.verify
        if v is None:
            out.append("run the verification after the switch")
        else:
            if state.cutover.cutover_at and v.ran_at < state.cutover.cutover_at:
                out.append("run the verification again: the last run was before the cut-over")
            out += [f"check failed: {c.title} ({c.detail})" for c in v.failed]
    elif number == 9:
        out += _report_missing(state)
    return out


def _repair_missing(state: WalkthroughState, applied: Sequence[AppliedPlan] | None) -> list[str]:
    """Step 5 is done when an audit taken after the last repair finds nothing left (or the operator says so)."""
    if state.step(5).status is StepStatus.DONE:
        return []
    audit, plans = state.audit, applied or []
    fresh = audit is not None and applied is not None and audit_is_fresh(audit, plans)
    if fresh and audit is not None and not audit_findings(audit):
        return []  # a fresh audit finds nothing to repair
    if applied is None or not any(p.done for p in plans):
        return ["apply the repair plans (duplicates, leads, identifiers), or skip with a reason"]
    if not fresh or audit is None:
        # one applied plan does not mean every finding is repaired: a fresh audit says what is left
        return ["audit again (step 3) to see what is left; this step is done when that audit finds nothing, or "
                "mark it done (d) if what is left is accepted"]
    return [f"the audit of {audit.taken_at:%Y-%m-%d %H:%M} UTC still finds {findings_text(audit_findings(audit))}: "
            "repair them and audit again, or mark this step done (d) if what is left is accepted"]


def _report_missing(state: WalkthroughState) -> list[str]:
    """Step 9 is the final report: exported once every other step is finished, and after the last of them."""
    others = [n for n in sorted(state.steps) if n != 9]
    open_steps = [n for n in others if not state.step(n).status.finished]
    if open_steps:
        return [
            f"finish or skip step(s) {', '.join(map(str, open_steps))}, then export the report (one exported "
            "before is a progress report)"
        ]
    if state.report_exported_at is None:
        return ["export the report"]
    last = max((at for n in others if (at := state.step(n).finished_at)), default=None)
    if last is not None and state.report_exported_at < last:
        return ["export the report again: steps were finished after the last export"]
    return []


def complete_if_ready(state: WalkthroughState, number: int, *, now: datetime, **context: object) -> bool:
    """Mark the step done when nothing is missing; True when it did."""
    st = state.step(number)
    if st.status.finished:
        return False
    if missing(state, number, **context):  # type: ignore[arg-type]
        state.touch(number, now=now)
        return False
    state.set_status(number, StepStatus.DONE, now=now)
    return True
