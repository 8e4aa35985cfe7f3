"""Preview: paste Segment calls and see what the classic and the Actions destinations send, side by side.

The screen is three layers, one role each: ``preview_view`` (the editor, the panes, the outcome prediction, moving
between calls), ``preview_sources`` (calls files, subscriptions, saved sets) and this module (the keys and help).
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding

from cio_tui.tui.screens.preview_sources import MAX_CALLS_FILE, PreviewSources
from cio_tui.tui.screens.preview_view import EMPTY, NOTHING_YET


class PreviewScreen(PreviewSources):
    AREA = "preview"
    PASTE_TARGET = "#preview-editor"
    TYPING_TARGET = "#preview-editor"  # an empty editor: letters typed are calls being written, not keys
    HELP = (
        "Paste the Segment calls your app really makes (JSON, JSON lines, or analytics.identify/track/page/screen/"
        "group/alias calls with JavaScript object syntax) and press ctrl+r. Side by side: what the classic "
        "destination sent (Track v1) and what the Actions destination sends (Track v2, one request per preset), "
        "differences marked + (only Actions), - (only classic), ~ (changed). Warnings say what changes and what to "
        "do; Outcome predicts, with reads only, what would happen to the people of this workspace. With your own "
        "subscriptions (m) that batch, Batches (b) shows the POST /api/v2/batch bodies production sends and the "
        "per-item 207 errors, predicted on the same people. Save a set of calls for the Walkthrough with ctrl+s."
    )
    BINDINGS = [
        Binding("ctrl+r", "run_preview", "Preview", id="preview.run", tooltip="Read the editor and preview every call"),
        Binding(
            "ctrl+o",
            "load_calls",
            "Load calls",
            id="preview.load",
            tooltip="Load sample calls (one per call type) or a saved set into the editor",
        ),
        Binding(
            "ctrl+f",
            "open_file",
            "Open file",
            id="preview.open_file",
            tooltip="Read a file of calls (JSON, JSON lines or analytics.* calls) into the editor and preview it",
        ),
        Binding(
            "f",
            "cycle_filter",
            "Filter outcomes",
            id="preview.filter",
            tooltip="Show only the calls of one outcome (create, update, failed attribute change...); again: the next",
        ),
        Binding(
            "ctrl+s",
            "save_calls",
            "Save set",
            id="preview.save",
            tooltip="Save the editor's calls as a named set (the Walkthrough uses them)",
        ),
        Binding(
            "m",
            "load_subscriptions",
            "Mappings",
            id="preview.subscriptions",
            tooltip="Load your Actions destination's subscriptions (the Public API's JSON) instead of the presets",
        ),
        Binding(
            "L",
            "live_subscriptions",
            "Live mappings",
            id="preview.live_subscriptions",
            show=False,
            tooltip="Read your Actions destination's subscriptions from Segment (Public API token needed)",
        ),
        Binding(
            "M",
            "default_presets",
            "Default presets",
            id="preview.presets",
            show=False,
            tooltip="Go back to the Actions destination's default presets",
        ),
        Binding("n", "next_call", "Next call", id="preview.next", tooltip="Show the next call of the paste"),
        Binding(
            "p",
            "previous_call",
            "Previous call",
            id="preview.previous",
            show=False,
            tooltip="Show the previous call of the paste",
        ),
        Binding("e", "focus_editor", "Edit", id="preview.edit", show=False, tooltip="Put the cursor in the editor"),
        Binding(
            "s",
            "show_tab('tab-requests')",
            "Side by side",
            id="preview.requests",
            show=False,
            tooltip="The two destinations' requests side by side",
        ),
        Binding(
            "w",
            "show_tab('tab-warnings')",
            "Warnings",
            id="preview.warnings",
            show=False,
            tooltip="What changes with Actions and what to do",
        ),
        Binding(
            "d",
            "show_tab('tab-diff')",
            "Differences",
            id="preview.diff",
            show=False,
            tooltip="Every difference between the two destinations",
        ),
        Binding(
            "o",
            "show_tab('tab-outcome')",
            "Outcome",
            id="preview.outcome",
            show=False,
            tooltip="What would happen to the people of this workspace; enter opens a person in People",
        ),
        Binding(
            "b",
            "show_tab('tab-batches')",
            "Batches",
            id="preview.batches",
            show=False,
            tooltip="Your batching subscriptions' POST /api/v2/batch bodies and the per-item 207 errors",
        ),
    ]

    SHORT = 30
    """Terminal rows under which the editor row is shorter, so the two destinations show more of their bodies
    (at 80x24 they showed about two lines)."""

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < self.SHORT, "-short")


__all__ = ["EMPTY", "MAX_CALLS_FILE", "NOTHING_YET", "PreviewScreen"]
