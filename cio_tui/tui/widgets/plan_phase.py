"""Phases of the Plan/Apply screen: which keys each phase allows and how engine events move between phases.

``empty`` -> ``review`` (a plan is open) -> ``checking`` -> ``review`` -> ``applying`` <-> ``paused`` ->
``cancelling`` -> ``finished``. Pure functions (no Textual).
"""

from __future__ import annotations

from typing import Any

RUNNING = ("checking", "applying", "paused", "cancelling")
"""Phases in which no other plan may be opened, checked or applied."""
SHOWS_PROGRESS = ("applying", "paused", "cancelling", "finished")


def action_allowed(action: str, phase: str, has_plan: bool) -> bool | None:
    """``check_action`` of the screen: True shows and enables the key, None hides it."""
    running = phase in RUNNING
    if action in ("save_file", "check", "apply"):
        return None if not has_plan or running else True
    if action == "open_file":
        return None if running else True
    if action in ("pause", "cancel_apply"):
        return True if phase in ("applying", "paused") else None
    return True


def phase_after(event: Any, phase: str) -> str:
    """The phase once the engine reports ``event`` (a progress event: counts, paused, cancelled, finished)."""
    if event.paused:
        return "paused"
    if event.cancelled and not event.finished:
        return "cancelling"
    if phase == "paused":
        return "applying"
    return phase


def end_state(result: Any, error: str) -> str:
    """How an apply ended, in the word the progress panel shows."""
    if error:
        return "failed"
    return "cancelled" if getattr(result, "cancelled", False) else "finished"


__all__ = ["RUNNING", "SHOWS_PROGRESS", "action_allowed", "end_state", "phase_after"]
