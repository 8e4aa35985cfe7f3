"""Preview's two destinations at 80x24 and 140x45 (QA 16): the Actions request line is whole (its action on a line
of its own) and at 80x24 the editor row is shorter so the panes show more of a body."""

from __future__ import annotations

from typing import Any

import pytest

from cio_tui.tui.widgets.preview_panes import RequestPane
from tests.tui.conftest import SMALL, settle
from tests.tui.test_plan_apply_pause import drawn
from tests.tui.test_preview_screen import _samples


@pytest.mark.parametrize("size", [SMALL, (140, 45)], ids=["80x24", "140x45"])
async def test_request_lines_whole_and_bodies_visible(make_app: Any, size: tuple[int, int]) -> None:
    app = make_app("preview")
    async with app.run_test(size=size) as pilot:
        await _samples(pilot)  # the first call: identify user-1001
        await settle(pilot)
        classic, actions = (app.screen.query_one(f"#pane-{side}", RequestPane) for side in ("classic", "actions"))
        shown = drawn(actions.query_one(".pane-json"))
        assert "createUpdatePerson" in shown and "POST /api/v2/entity" in shown, shown
        assert "PUT /api/v1/customers/user-1001" in drawn(classic.query_one(".pane-json"))
        body_rows = actions.scrollable_content_region.height
        # six calls read: the status and the outcome summary take five lines; the editor row gives way instead of
        # the bodies (two rows of pane before, at 80x24)
        assert body_rows >= 5, body_rows
