"""Preview's tab keys switch the tab from wherever the operator reads (the side panes too), never move focus."""

from __future__ import annotations

from textual.widgets import TabbedContent

from tests.tui.conftest import SIZE, settle
from tests.tui.test_preview_screen import PASTE, paste


async def test_tab_keys_switch_the_tab_from_the_side_panes(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await paste(pilot, PASTE)
        await pilot.press("ctrl+r")
        await settle(pilot)
        tabs = app.screen.query_one("#preview-tabs", TabbedContent)
        for pane, key, tab in (("#pane-classic", "w", "tab-warnings"), ("#pane-actions", "d", "tab-diff")):
            tabs.active = "tab-requests"
            await pilot.pause()
            app.screen.set_focus(app.screen.query_one(pane))
            await pilot.pause()
            await pilot.press(key)
            await settle(pilot)
            assert tabs.active == tab, (pane, key, tabs.active, app.screen.focused)
            assert app.screen.focused is not None and tabs.get_pane(tab) in app.screen.focused.ancestors
