"""A first visit to an area opened by another area (Duplicates m opens Plan/Apply for the first time) composes the
new area's footer without an error (it crashed the app: "Unable to bind data; Footer is not defined on
PlanScreen")."""

from __future__ import annotations

from cio_tui.tui.screens.plan_apply import PlanScreen
from tests.tui.conftest import SMALL, settle
from tests.tui.test_duplicates_snapshots import _live


async def test_duplicates_make_plan_opens_plan_apply_for_the_first_time(make_app) -> None:
    app = make_app("duplicates")
    async with app.run_test(size=SMALL) as pilot:
        await _live(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PlanScreen)
        assert app.screen.plan is not None and app.return_code is None
        footer_text = " ".join(str(w.render()) for w in app.screen.query("FooterKey"))
        assert "Apply" in footer_text
