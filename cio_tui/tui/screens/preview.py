"""Preview area (placeholder until issue 5 replaces this module, keeping ``PreviewScreen`` and ``prefill``)."""

from __future__ import annotations

from textual.widgets import Static

from cio_tui.tui.screens.placeholder import PlaceholderScreen


class PreviewScreen(PlaceholderScreen):
    AREA = "preview"
    HELP = "Compare what Segment's classic and Actions destinations send to Customer.io for one call."
    PLANNED = (
        "take a Segment call (JSON, or an analytics.identify('id', {...}) line from app code) and show side by side "
        "the classic request, the Actions request(s), their differences, warnings, and what would happen to the "
        "people of this workspace."
    )
    MEANWHILE = "`cio-tui preview` on the command line, once issue 5 lands."

    def prefill(self, text: str) -> None:
        """Navigation contract (``app.open_preview``): put ``text`` in the call editor."""
        self.prefilled = text
        self.query_one("#area-body").mount(Static(f"Prefilled call:\n{text}", id="prefilled", markup=False))
