"""Identifiers area (placeholder until issue 6 replaces this module, keeping ``IdentifiersScreen``)."""

from __future__ import annotations

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class IdentifiersScreen(PlaceholderScreen):
    AREA = "identifiers"
    HELP = "Changing a person's id or email without creating duplicates."
    PLANNED = (
        "change ids or emails through the cio_id path, one at a time or in bulk from a CSV; collisions with other "
        "people become merge proposals; everything becomes a plan you review in Plan/Apply."
    )
    MEANWHILE = "check a person's current identifiers in People (press 2)."
