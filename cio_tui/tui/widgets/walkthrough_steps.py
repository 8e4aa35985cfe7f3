"""The numbered step list of the Walkthrough, each step with its status in words."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from cio_tui.walkthrough.status import StepStatus
from cio_tui.walkthrough.steps import STEPS

LINE_WIDTH = 30


def step_line(number: int, status: StepStatus, width: int = LINE_WIDTH) -> str:
    """``3 Audit            in progress``: number, short title, status in words."""
    step = STEPS[number - 1]
    words = status.words
    label = f"{number} {step.short}"
    pad = max(1, width - len(label) - len(words))
    return f"{label}{' ' * pad}{words}"


class StepList(OptionList):
    """Steps 1-9; highlighting one shows it in the detail panel (``OptionHighlighted`` bubbles up)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 - Textual's name
        options = (Option(f"{s.number} {s.short}", id=f"step-{s.number}") for s in STEPS)
        super().__init__(*options, id=id, classes=classes)

    def show(self, statuses: Mapping[int, StepStatus]) -> None:
        for step in STEPS:
            self.replace_option_prompt(f"step-{step.number}", Text(step_line(step.number, statuses[step.number])))

    @property
    def step_number(self) -> int:
        return (self.highlighted or 0) + 1


__all__ = ["StepList", "step_line"]
