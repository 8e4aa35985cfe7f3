"""Plan/Apply area (placeholder until issue 6 replaces this module, keeping ``PlanScreen`` and ``show_plan``)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class PlanScreen(PlaceholderScreen):
    AREA = "plan"
    HELP = "Every change to the workspace goes through here: review, confirm, apply."
    PLANNED = (
        "show a plan operation by operation (what changes, what is lost), ask you to type the workspace name to "
        "confirm, then apply it with progress, rate and ETA, pause and resume, and a result per operation."
    )
    MEANWHILE = "`cio-tui plan` and `cio-tui apply` on the command line, once issue 6 lands."

    def show_plan(self, plan: Any) -> None:
        """Navigation contract (``app.open_plan``): show ``plan`` for review."""
        self.plan = plan
        count = len(getattr(plan, "operations", []) or [])
        self.query_one("#area-body").mount(Static(f"A plan with {count} operation(s) is waiting for review."))
