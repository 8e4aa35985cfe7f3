"""Walkthrough area (placeholder until issue 8 replaces this module, keeping ``WalkthroughScreen``)."""

from __future__ import annotations

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class WalkthroughScreen(PlaceholderScreen):
    AREA = "walkthrough"
    HELP = "The guided migration from Segment's classic Customer.io destination to Destination Actions."
    PLANNED = (
        "list the migration steps in order, each with a status (not started, in progress, done, skipped) kept per "
        "workspace; open the screen that does each step; end with a report of what was found and changed."
    )
    MEANWHILE = "start with People (press 2) to see how people are identified in this workspace."
