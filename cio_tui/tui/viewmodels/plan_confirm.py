"""What the operator is asked before an apply (pure): the typed-confirmation request, or why there is nothing to ask.

Refusals come first, in the operator's words: no workspace open, the plan made for another workspace (the engine
would refuse it too), nothing left to apply.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from cio_tui.identity.plan import Plan
from cio_tui.tui.viewmodels.apply_stats import ApplyStats
from cio_tui.tui.viewmodels.confirm_request import ConfirmRequest
from cio_tui.tui.viewmodels.plan_rows import irreversible_lines
from cio_tui.tui.viewmodels.plan_text import SUCCEEDED, resume_note

if TYPE_CHECKING:
    from cio_tui.workspace import Workspace


class NothingToApply(ValueError):
    """The apply cannot start; the message says why and what to do."""


def apply_request(
    plan: Plan, workspace: Workspace | None, prior_states: dict[str, str], check_line: str = ""
) -> ConfirmRequest:
    if workspace is None:
        raise NothingToApply("No workspace is open: connect the plan's workspace first (press 9).")
    if plan.workspace_fingerprint != workspace.fingerprint:
        raise NothingToApply(
            f"This plan was made for workspace {plan.workspace_name!r}, not {workspace.name!r}. Open that "
            "workspace in Connect (press 9), or make a new plan here."
        )
    remaining = len(plan.operations) - sum(1 for s in prior_states.values() if s in SUCCEEDED)
    if remaining == 0:
        raise NothingToApply("Every operation of this plan is already done. Nothing to apply.")
    summary = plan.summary().lines()
    if check_line:
        summary.append(check_line)
    if prior_states:
        summary.append(resume_note(plan, prior_states, in_dialog=True))
    verb = "Resume applying" if prior_states else "Apply"
    return ConfirmRequest(
        workspace=workspace.name,
        action=f"{verb} {remaining} operation(s)",
        summary=summary,
        irreversible=irreversible_lines(plan),
        is_live=not workspace.is_sandbox,
        confirm=getattr(workspace, "confirm_word", workspace.name),
        confirm_label=getattr(workspace, "confirm_label", "workspace name"),
    )


def starting_stats(plan: Plan, prior_states: dict[str, str]) -> ApplyStats:
    """The progress panel as an apply starts: what earlier runs did, the rest pending."""
    counts = Counter(prior_states.values())
    counts["pending"] = len(plan.operations) - sum(counts.values())
    stats = ApplyStats(total=len(plan.operations), counts=counts, status="running")
    return replace(stats, before=stats.finished)
