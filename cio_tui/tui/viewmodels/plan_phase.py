"""Phases of the Plan/Apply screen: which keys each phase allows and how engine events move between phases.

``empty`` -> ``loading`` (a big plan's rows are still being added to its table) -> ``review`` (a plan is open) ->
``checking`` -> ``review`` -> ``applying`` <-> ``paused`` ->
``cancelling`` -> ``finished``. Pure functions (no Textual).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from cio_tui.identity.apply_events import ApplyResult, ProgressEvent

Phase = Literal["empty", "loading", "review", "checking", "applying", "paused", "cancelling", "finished"]
EndState = Literal["failed", "cancelled", "finished"]

RUNNING: tuple[Phase, ...] = ("checking", "applying", "paused", "cancelling")
"""Phases in which no other plan may be opened, checked or applied."""
SHOWS_PROGRESS: tuple[Phase, ...] = ("applying", "paused", "cancelling", "finished")


def action_allowed(action: str, phase: Phase, has_plan: bool) -> bool | None:
    """``check_action`` of the screen: True shows and enables the key, False hides it from the footer.

    Hidden rather than dimmed: at 80-100 columns the footer has room only for the keys that work now, so during
    an apply it shows Pause and Cancel instead of four dimmed review keys (help ``?`` still lists every key)."""
    running = phase in RUNNING
    if action in ("check", "apply") and phase == "loading":
        return True  # shown and run: the screen refuses in words until every operation is in the table
    if action in ("save_file", "check", "apply"):
        return not (not has_plan or running)
    if action == "open_file":
        return not running
    if action in ("pause", "cancel_apply"):
        return phase in ("applying", "paused")
    return True


def phase_after(event: ProgressEvent, phase: Phase) -> Phase:
    """The phase once the engine reports ``event`` (a progress event: counts, paused, cancelled, finished)."""
    if event.paused:
        return "paused"
    if event.cancelled and not event.finished:
        return "cancelling"
    if phase == "paused":
        return "applying"
    return phase


def end_state(result: ApplyResult | None, error: str) -> EndState:
    """How an apply ended, in the word the progress panel shows."""
    if error:
        return "failed"
    return "cancelled" if getattr(result, "cancelled", False) else "finished"


__all__ = ["RUNNING", "EndState", "Phase", "SHOWS_PROGRESS", "action_allowed", "end_state", "phase_after"]
