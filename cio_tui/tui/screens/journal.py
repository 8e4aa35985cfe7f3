"""Journal area (placeholder until issue 6 replaces this module, keeping ``JournalScreen``)."""

from __future__ import annotations

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class JournalScreen(PlaceholderScreen):
    AREA = "journal"
    HELP = "The record of every change applied to this workspace."
    PLANNED = (
        "list what was applied and when, with the before-snapshot of each person; export to JSONL or CSV; "
        "resume an apply that was interrupted."
    )
    MEANWHILE = "`cio-tui journal` on the command line, once issue 6 lands."
