"""The Walkthrough says it is drawn and usable (the start's collector pause ends, ``usable`` is True) on every first
view, not only when it shows the workspace's steps: with no workspace open and with an unreadable state file too."""

from __future__ import annotations

from textual.widgets import Static

from tests.tui.conftest import SIZE, settle


def _progress(app) -> str:
    return str(app.screen.query_one("#wt-progress", Static).render())


async def test_with_no_workspace_open_the_walkthrough_is_usable(make_app):
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.switch_mode("walkthrough")
        await settle(pilot)
        assert "No workspace is open" in _progress(app)
        assert app.screen.usable


async def test_with_an_unreadable_state_file_at_start_the_walkthrough_is_usable(make_app):
    first = make_app("walkthrough")
    async with first.run_test(size=SIZE) as pilot:
        await settle(pilot)
        data_dir = first.workspace.data_dir
    (data_dir / "walkthrough.json").write_text("{broken")
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Move the file aside" in _progress(app)
        assert app.screen.usable
