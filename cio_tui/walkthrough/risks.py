"""Open risks of the migration, from the recorded state, the behaviour changes, the checklist and applied plans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cio_tui.walkthrough.behaviour import BehaviourChange, Severity
from cio_tui.walkthrough.checklist import ChecklistItem
from cio_tui.walkthrough.findings import audit_findings, audit_is_fresh, in_doubt
from cio_tui.walkthrough.history import AppliedPlan
from cio_tui.walkthrough.state import WalkthroughState
from cio_tui.walkthrough.status import StepStatus
from cio_tui.walkthrough.steps import STEPS, step_by_key, step_ref


@dataclass(frozen=True)
class Risk:
    severity: Severity
    text: str


def open_risks(
    state: WalkthroughState,
    *,
    changes: Sequence[BehaviourChange] = (),
    checklist: Sequence[ChecklistItem] = (),
    applied: Sequence[AppliedPlan] = (),
) -> list[Risk]:
    risks: list[Risk] = []
    add = risks.append
    if state.connection is not None and not state.connection.ok:
        add(Risk(Severity.HIGH, f"The workspace check failed: {state.connection.detail}"))
    if (
        state.classic.datacenter
        and state.connection is not None
        and state.connection.region
        and state.classic.datacenter != state.connection.region
    ):
        add(
            Risk(
                Severity.HIGH,
                f"The classic datacenter is {state.classic.datacenter} but the workspace is in "
                f"{state.connection.region}: set the Actions region to the workspace's.",
            )
        )
    if state.classic_site_id_is_another():
        add(
            Risk(
                Severity.HIGH,
                "The classic destination's site id is not this workspace's site id: the classic "
                "destination sends to another workspace, or the wrong profile is open.",
            )
        )
    for plan in applied:
        if doubt := in_doubt(plan):
            add(
                Risk(
                    Severity.HIGH,
                    f"Plan {plan.plan_id[:12]} ({plan.source or 'plan'}) was interrupted with {doubt} "
                    "operation(s) in doubt (sent, outcome unknown): resume it from the Journal (8, then u), "
                    "which reads them back before sending anything else.",
                )
            )
    audit = state.audit
    if audit is not None and state.step(step_by_key("repair").number).status is not StepStatus.SKIPPED:
        # the findings stay open after a plan is applied: only a fresh audit says what is left
        stale = not audit_is_fresh(audit, applied)
        for count, text in audit_findings(audit):
            if stale:
                add(
                    Risk(
                        Severity.MEDIUM,
                        f"{count} {text} at the audit of {audit.taken_at:%Y-%m-%d %H:%M} UTC; repairs "
                        f"were applied since: audit again ({step_ref('audit')}) to see what is left.",
                    )
                )
            else:
                add(
                    Risk(
                        Severity.MEDIUM,
                        f"{count} {text}: Actions may create more duplicates or failed attribute changes.",
                    )
                )
    for change in changes:
        if change.severity is Severity.HIGH:
            add(Risk(Severity.HIGH, f"{change.title}: {change.count} of your calls ({change.todo})"))
    left = [item for item in checklist if not state.checklist.get(item.key)]
    prepare = state.step(step_by_key("prepare").number)
    if left and (prepare.status is not StepStatus.NOT_STARTED or state.cutover.method is not None):
        add(Risk(Severity.MEDIUM, f"{len(left)} Prepare Actions checklist item(s) not ticked, e.g. {left[0].title}."))
    if state.cutover.method is None:
        add(
            Risk(
                Severity.HIGH,
                "No cut-over method chosen: running classic and Actions together unfiltered sends "
                "every event twice and may fire campaigns twice.",
            )
        )
    if state.verify is not None:
        if state.cutover.cutover_at and state.verify.ran_at < state.cutover.cutover_at:
            add(
                Risk(
                    Severity.MEDIUM,
                    "The last verification ran before the cut-over time: run it again after the switch.",
                )
            )
        for check in state.verify.failed:
            add(Risk(Severity.HIGH, f"Verification failed: {check.title}: {check.detail}"))
        if state.verify.pending:  # no traffic yet: not a failure, but nothing is proven either
            add(
                Risk(
                    Severity.MEDIUM,
                    f"Verification not yet possible: {len(state.verify.pending)} check(s) wait for traffic "
                    "since the switch; verify again once events arrived.",
                )
            )
    elif state.cutover.cutover_at is not None:
        add(Risk(Severity.MEDIUM, "No verification after the cut-over yet."))
    if state.identifier_settings.auto_merge is False:
        add(
            Risk(
                Severity.LOW,
                "Auto-merge is off: an identify carrying the id and email of two people fails instead of merging them.",
            )
        )
    for step in STEPS:
        st = state.step(step.number)
        if st.status is StepStatus.SKIPPED:
            add(Risk(Severity.LOW, f"Step {step.number} ({step.title}) was skipped: {st.reason}"))
    return sorted(risks, key=lambda r: r.severity.rank)
