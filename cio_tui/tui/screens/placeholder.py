"""An honest placeholder for an area whose capability arrives in a later issue. Its owner replaces the module."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from cio_tui.tui.areas import area
from cio_tui.tui.screens.base import AreaScreen


class PlaceholderScreen(AreaScreen):
    PLANNED: ClassVar[str] = ""
    """What the finished area will do, in the operator's words."""
    MEANWHILE: ClassVar[str] = ""
    """What the operator can do instead today (a CLI command, another area)."""

    def compose_body(self) -> ComposeResult:
        info = area(self.AREA)
        with Vertical(classes="placeholder"):
            yield Label(info.title, classes="placeholder-title")
            yield Static(info.summary, classes="placeholder-summary")
            yield Static(f"Not built yet. When it is, it will: {self.PLANNED}", classes="placeholder-planned")
            if self.MEANWHILE:
                yield Static(f"Meanwhile: {self.MEANWHILE}", classes="placeholder-meanwhile")


__all__ = ["PlaceholderScreen"]
