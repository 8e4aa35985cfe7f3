"""The app's first frame: the shared chrome and a one-line status, drawn before anything else is loaded.

Area screens (some of them heavy) are composed right after it, once the first frame is on screen; the workspace is
opened in a worker at the same moment. So the first frame never waits for a screen module, the network or the
keyring.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from cio_tui.tui.widgets.banner import AreaBar, Banner


class StartScreen(Screen[None]):
    AREA_TITLE = "cio-tui"

    def compose(self) -> ComposeResult:
        yield Banner(id="banner")
        yield AreaBar("", id="area-bar")
        yield Static("Starting…", id="start-status")
        yield Footer()


__all__ = ["StartScreen"]
