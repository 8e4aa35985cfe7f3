"""People area (being built: lookup and identity card)."""

from __future__ import annotations

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class PeopleScreen(PlaceholderScreen):
    AREA = "people"
    HELP = "Look a person up by cio_id, id or email."
    PLANNED = "look people up and show their identity card."

    def lookup(self, who: object) -> None:
        self.notify(f"lookup {who}")
