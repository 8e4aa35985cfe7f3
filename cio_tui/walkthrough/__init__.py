"""The guided migration walkthrough: steps, persisted state, audit, checklist, verification, report, cleanup.

Headless (no Textual). It may import ``identity``, ``segment`` and ``customerio``; the TUI and CLI import it.

The names below are imported on first use (PEP 562): ``cio_tui.walkthrough.steps`` is imported by
``cio-tui --help`` (to list the walkthrough command) and must not load the pydantic state models with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cio_tui.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from cio_tui.walkthrough.state import StepState, WalkthroughState, WalkthroughStore
    from cio_tui.walkthrough.status import StepStatus
    from cio_tui.walkthrough.steps import STEPS, Step, step_by_number

_HOMES = {
    "StepState": "state",
    "StepStatus": "status",
    "WalkthroughState": "state",
    "WalkthroughStore": "state",
    "STEPS": "steps",
    "Step": "steps",
    "step_by_number": "steps",
}


__getattr__ = lazy_exports(__name__, _HOMES)


__all__ = ["STEPS", "Step", "StepState", "StepStatus", "WalkthroughState", "WalkthroughStore", "step_by_number"]
