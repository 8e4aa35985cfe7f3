"""Identifiers: what the operator types is never dropped (a new email typed before the person is picked)."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.conftest import SIZE, settle


async def test_a_new_email_typed_before_picking_the_person_is_kept(make_app) -> None:
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        email_field = screen.query_one("#ids-new-email", Input)
        screen.set_focus(email_field)
        await pilot.pause()
        await pilot.press(*"new.eva@umbrella.test", "enter")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("Pick the person first: type their cio_id, id or email" in m for m in said), said
        assert screen.focused is screen.query_one("#ids-cio", Input)
        await pilot.press(*"cio_a3000001", "enter")
        await settle(pilot)
        assert screen.picked == "a3000001"
        assert email_field.value == "new.eva@umbrella.test"
        await pilot.press("tab", "enter")  # the new email field: Enter adds the change
        await settle(pilot)
        change = screen.model.typed["a3000001"]
        assert change.new_email == "new.eva@umbrella.test"
