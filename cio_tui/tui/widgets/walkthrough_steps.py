"""The numbered step list of the Walkthrough, each step with its status in words, and where the operator is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cio_tui.walkthrough.status import StepStatus, first_unfinished
from cio_tui.walkthrough.steps import STEP_COUNT, STEPS

if TYPE_CHECKING:
    from cio_tui.walkthrough.service import Overview

LINE_WIDTH = 30


def step_line(number: int, status: StepStatus, width: int = LINE_WIDTH) -> str:
    """``3 Audit            in progress``: number, short title, status in words."""
    step = STEPS[number - 1]
    words = status.words
    label = f"{number} {step.short}"
    pad = max(1, width - len(label) - len(words))
    return f"{label}{' ' * pad}{words}"


def progress_text(statuses: Mapping[int, StepStatus], overview: Overview | None) -> str:
    """Where the operator is: steps finished, the next step, and the most serious open risks (once read)."""
    finished = sum(1 for status in statuses.values() if status.finished)
    current = first_unfinished(statuses)
    lines = [f"{finished} of {STEP_COUNT} steps finished."]
    lines.append(f"Next: step {current}, {STEPS[current - 1].short}." if current else "Every step is finished.")
    if overview is None:
        lines.append("Open risks: reading the journal, saved calls and plans…")
        return "\n".join(lines)
    from cio_tui.walkthrough.behaviour import Severity

    high = [r for r in overview.risks if r.severity is Severity.HIGH]
    lines.append(f"Open risks: {len(overview.risks)} ({len(high)} high).")
    lines += [f"HIGH: {r.text}" for r in high[:2]]
    return "\n".join(lines)


class StepList(OptionList):
    """Every step of ``STEPS``; highlighting one shows it in the detail panel (``OptionHighlighted`` bubbles up)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's name
        options = (Option(f"{s.number} {s.short}", id=f"step-{s.number}") for s in STEPS)
        super().__init__(*options, id=id, classes=classes)

    def show(self, statuses: Mapping[int, StepStatus]) -> None:
        for step in STEPS:
            self.replace_option_prompt(f"step-{step.number}", Text(step_line(step.number, statuses[step.number])))

    @property
    def step_number(self) -> int:
        return (self.highlighted or 0) + 1


__all__ = ["StepList", "progress_text", "step_line"]
