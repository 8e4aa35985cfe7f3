"""Connect area (being built: profiles, live key checks, keyring)."""

from __future__ import annotations

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class ConnectScreen(PlaceholderScreen):
    AREA = "connect"
    HELP = "Add or pick a workspace profile, or open the sandbox."
    PLANNED = "manage profiles."
