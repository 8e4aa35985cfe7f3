"""Plan/Apply area: the screen lives in ``plan_apply.py`` (issue 6); this module keeps the registry's name."""

from cio_tui.tui.screens.plan_apply import PlanScreen

__all__ = ["PlanScreen"]
