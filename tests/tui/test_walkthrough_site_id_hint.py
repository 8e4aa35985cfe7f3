"""Walkthrough step 1 at 80x24 (QA2 6): the panel says the open workspace's own site id, what the classic
destination's must equal (a new user on the sandbox cannot know it)."""

from __future__ import annotations

from cio_tui.sandbox.embedded import SANDBOX_SITE_ID
from tests.tui.conftest import SMALL, settle
from tests.tui.test_plan_apply_pause import drawn


async def test_step_one_names_the_workspaces_own_site_id(make_app) -> None:
    app = make_app("walkthrough")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        hint = drawn(app.screen.query_one("#wt-site-own"))
        assert f"This workspace's site id is {SANDBOX_SITE_ID}" in hint, hint
