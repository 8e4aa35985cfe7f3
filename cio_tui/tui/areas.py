"""The top-level areas of the app: one registry the modes, the area bar, the palette and help are generated from.

Each area is a Textual mode whose base screen is ``SCREEN_CLASS`` in ``cio_tui/tui/screens/<module>.py``.
Screen modules are imported lazily (first switch to the mode), so the first frame never waits for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cio_tui.tui.screens.base import AreaScreen


@dataclass(frozen=True)
class Area:
    mode: str
    """Textual mode name (also the id used by ``app.switch_area``)."""
    title: str
    """Name shown in the area bar, help and palette."""
    short: str
    """Name used when the terminal is narrow (80 columns)."""
    key: str
    """Key that switches to the area from anywhere (when no text field has focus)."""
    module: str
    """Module under ``cio_tui.tui.screens``."""
    class_name: str
    summary: str
    """One sentence: what the operator does here."""

    def screen_class(self) -> type[AreaScreen]:
        screen: type[AreaScreen] = getattr(import_module(f"cio_tui.tui.screens.{self.module}"), self.class_name)
        return screen


AREAS: tuple[Area, ...] = (
    Area(
        "walkthrough",
        "Walkthrough",
        "Walk",
        "1",
        "walkthrough",
        "WalkthroughScreen",
        "The guided migration: numbered steps with a status each, ending in a report.",
    ),
    Area(
        "people",
        "People",
        "People",
        "2",
        "people",
        "PeopleScreen",
        "Look a person up by cio_id, id or email and read their identity card.",
    ),
    Area(
        "preview",
        "Preview",
        "Preview",
        "3",
        "preview",
        "PreviewScreen",
        "Paste a Segment call and compare what the classic and Actions destinations send.",
    ),
    Area(
        "leads",
        "Leads",
        "Leads",
        "4",
        "leads",
        "LeadsScreen",
        "People with an email and no id: attach ids and plan the conversion.",
    ),
    Area(
        "identifiers",
        "Identifiers",
        "Ids",
        "5",
        "identifiers",
        "IdentifiersScreen",
        "Change ids or emails safely through the cio_id path, one by one or from a CSV.",
    ),
    Area(
        "duplicates",
        "Duplicates",
        "Dups",
        "6",
        "duplicates",
        "DuplicatesScreen",
        "Find duplicate people, choose the primary of each group and plan the merges.",
    ),
    Area(
        "plan",
        "Plan/Apply",
        "Plan",
        "7",
        "plan_apply",
        "PlanScreen",
        "Review a plan operation by operation, confirm, and apply it with progress.",
    ),
    Area(
        "journal",
        "Journal",
        "Journal",
        "8",
        "journal",
        "JournalScreen",
        "What was done and when, with before-snapshots; export it or resume an apply.",
    ),
    Area(
        "connect",
        "Connect",
        "Connect",
        "9",
        "connect",
        "ConnectScreen",
        "Add or pick a workspace profile, check its keys live, or open the sandbox.",
    ),
)

AREAS_BY_MODE: dict[str, Area] = {area.mode: area for area in AREAS}


def area(mode: str) -> Area:
    return AREAS_BY_MODE[mode]


__all__ = ["AREAS", "AREAS_BY_MODE", "Area", "area"]
