"""Identifiers takes a person by id or email as well as by cio_id, resolved to their cio_id before any change."""

from __future__ import annotations

from textual.widgets import Input

from cio_tui.tui.screens.identifiers import IdentifiersScreen
from tests.tui.conftest import SIZE, settle
from tests.tui.test_identifiers import people_with_ids


def _person_line(screen) -> str:
    return str(screen.query_one("#ids-person").render())


async def _type_person(pilot, screen, text: str) -> None:
    field = screen.query_one("#ids-cio", Input)
    field.value = text
    field.focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_pick_by_id_email_or_bare_cio_id(make_app) -> None:
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IdentifiersScreen)
        [a] = await people_with_ids(app.workspace.client, 1)
        for text in (a.id, a.email.upper(), a.cio_id, f"cio_{a.cio_id}"):
            screen.picked = None
            await _type_person(pilot, screen, text)
            assert screen.picked == a.cio_id, text
            assert _person_line(screen).startswith(f"cio_{a.cio_id} · id {a.id} · email {a.email}")
        await _type_person(pilot, screen, "nobody-has-this-id")
        assert screen.picked is None
        assert "No person has the id nobody-has-this-id" in _person_line(screen)
        # the change goes through the resolved cio_id
        await _type_person(pilot, screen, a.email)
        screen.query_one("#ids-new-id", Input).value = "resolved-by-email-1"
        screen.query_one("#ids-new-id", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert any(c.cio_id == a.cio_id and c.new_id == "resolved-by-email-1" for c in screen.model.typed.values())
