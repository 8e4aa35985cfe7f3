"""The guided migration walkthrough: steps, persisted state, audit, checklist, verification, report, cleanup.

Headless (no Textual). It may import ``identity``, ``segment`` and ``customerio``; the TUI and CLI import it.
"""

from cio_tui.walkthrough.state import StepState, StepStatus, WalkthroughState, WalkthroughStore
from cio_tui.walkthrough.steps import STEPS, Step, step_by_number

__all__ = ["STEPS", "Step", "StepState", "StepStatus", "WalkthroughState", "WalkthroughStore", "step_by_number"]
