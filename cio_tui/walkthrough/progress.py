"""What each step still needs before it counts as done, computed from the recorded state.

``missing(state, n, ...)`` lists what is left in words (empty = the step's "done" condition holds): each step's own
rule, ``Step.needs`` in ``walkthrough.steps``. ``complete_if_ready`` marks a step done as soon as its condition holds
(a skipped step stays skipped).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cio_tui.walkthrough.checklist import ChecklistItem
from cio_tui.walkthrough.history import AppliedPlan
from cio_tui.walkthrough.state import WalkthroughState
from cio_tui.walkthrough.status import StepStatus
from cio_tui.walkthrough.steps import StepContext, step_by_number


def missing(
    state: WalkthroughState,
    number: int,
    *,
    checklist: Sequence[ChecklistItem] | None = None,
    applied: Sequence[AppliedPlan] | None = None,
    saved_sets: Sequence[str] | None = None,
) -> list[str]:
    """What step ``number`` still needs. ``checklist``/``applied`` are needed by the prepare and repair steps
    (None = unknown); ``saved_sets`` (the names of the sets saved in Preview) lets the preview step say which half
    is left."""
    return step_by_number(number).needs(state, StepContext(checklist, applied, saved_sets))


def complete_if_ready(
    state: WalkthroughState,
    number: int,
    *,
    now: datetime,
    checklist: Sequence[ChecklistItem] | None = None,
    applied: Sequence[AppliedPlan] | None = None,
    saved_sets: Sequence[str] | None = None,
) -> bool:
    """Mark the step done when nothing is missing; True when it did."""
    st = state.step(number)
    if st.status.finished:
        return False
    if missing(state, number, checklist=checklist, applied=applied, saved_sets=saved_sets):
        state.touch(number, now=now)
        return False
    state.set_status(number, StepStatus.DONE, now=now)
    return True
