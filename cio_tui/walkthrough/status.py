"""A step's status, and the statuses of a saved walkthrough read without the state model (no pydantic).

``state.WalkthroughState`` is the walkthrough's state; this module holds what a glance at it needs, so the TUI can
draw the step list with each step's status while the full state, the journal and the risks are still being read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cio_tui.walkthrough.steps import STEPS

STATE_FILE = "walkthrough.json"


class StepStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"

    @property
    def words(self) -> str:
        return {
            StepStatus.NOT_STARTED: "not started",
            StepStatus.IN_PROGRESS: "in progress",
            StepStatus.DONE: "done",
            StepStatus.SKIPPED: "skipped",
        }[self]

    @property
    def finished(self) -> bool:
        return self in (StepStatus.DONE, StepStatus.SKIPPED)


def status_words(status: StepStatus, reason: str | None) -> str:
    """The status in words, with the reason of a skip."""
    if status is StepStatus.SKIPPED and reason:
        return f"skipped: {reason}"
    return status.words


@dataclass(frozen=True)
class StepGlance:
    """A step as saved: its status, why it was skipped, its notes."""

    status: StepStatus = StepStatus.NOT_STARTED
    reason: str | None = None
    notes: str = ""

    @property
    def status_words(self) -> str:
        return status_words(self.status, self.reason)


def first_unfinished(statuses: Mapping[int, StepStatus]) -> int | None:
    """The first step that is neither done nor skipped (None when all are finished)."""
    return next((step.number for step in STEPS if not statuses[step.number].finished), None)


def read_steps(data_dir: Path) -> dict[int, StepGlance] | None:
    """Every step's saved status in the workspace folder ``data_dir`` (every step not started when nothing is saved
    yet); None when the file cannot be read as a walkthrough state (the full load says why and what to do)."""
    path = Path(data_dir) / STATE_FILE
    steps = {step.number: StepGlance() for step in STEPS}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return steps
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict):
        return None
    saved = raw.get("steps", {})
    if not isinstance(saved, dict):
        return None
    for key, value in saved.items():
        try:
            number = int(key)
            status = StepStatus(value.get("status", StepStatus.NOT_STARTED))
            reason, notes = value.get("reason"), value.get("notes", "")
        except (ValueError, TypeError, AttributeError):
            return None
        if number in steps:
            steps[number] = StepGlance(status, reason if isinstance(reason, str) else None, str(notes or ""))
    return steps


__all__ = ["STATE_FILE", "StepGlance", "StepStatus", "first_unfinished", "read_steps", "status_words"]
