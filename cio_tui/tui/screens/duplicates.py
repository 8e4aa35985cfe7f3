"""Duplicates area (placeholder until issue 7 replaces this module, keeping ``DuplicatesScreen``)."""

from __future__ import annotations

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class DuplicatesScreen(PlaceholderScreen):
    AREA = "duplicates"
    HELP = "Finding people who are the same person, and merging them."
    PLANNED = (
        "find duplicate groups from a people export (CSV) or a live scan, ranked by confidence, with the oldest "
        "person proposed as primary; you swap or exclude, and the result becomes a merge plan."
    )
    MEANWHILE = "`cio-tui duplicates` on the command line, once issue 7 lands."
