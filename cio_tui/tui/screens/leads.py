"""Leads area (placeholder until issue 6 replaces this module, keeping ``LeadsScreen``)."""

from __future__ import annotations

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class LeadsScreen(PlaceholderScreen):
    AREA = "leads"
    HELP = "People who have an email but no id (leads), and giving them ids."
    PLANNED = (
        "list the leads of this workspace; attach ids from a CSV (email,id) or typed in; check every id for "
        "collisions first; and turn the result into a plan you review in Plan/Apply."
    )
    MEANWHILE = "look a lead up by email in People (press 2)."
