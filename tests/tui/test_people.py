"""People: lookups by every kind of identifier on the seeded sandbox, inline problems, card content, actions."""

from __future__ import annotations

import json

from textual.widgets import DataTable, Input, OptionList, Select

from cio_tui.customerio.identifiers import Identifier
from tests.tui.conftest import SIZE, settle


def _cells(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def _lookup(pilot, text: str, kind: str | None = None) -> None:
    screen = pilot.app.screen
    screen.query_one("#lookup-kind", Select).value = kind or "auto"
    screen.query_one("#lookup-input", Input).value = text
    await pilot.click("#lookup-input")
    await pilot.press("enter")
    await settle(pilot)


BY_EACH_KIND = [
    ("cio_a3000001", None),
    ("a3000001", "cio_id"),
    ("u0000001", None),
    ("eva.meyer1@umbrella.test", None),
    ("EVA.MEYER1@umbrella.test", "email"),
]


async def test_lookup_by_each_kind_shows_the_person(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text, kind in BY_EACH_KIND:
            app.screen.card = None
            await _lookup(pilot, text, kind)
            screen = app.screen
            assert screen.card is not None, text
            assert screen.card.person.cio_id == "a3000001"
            overview = {row[0]: row[1] for row in _cells(app, "#overview-table")}
            assert overview["cio_id"] == "cio_a3000001"
            assert overview["id"] == "u0000001"
            assert overview["email"] == "eva.meyer1@umbrella.test"
            assert "Found cio_a3000001" in screen.message


async def test_cio_id_without_prefix_is_found_in_auto_mode_and_said_so(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _lookup(pilot, "a3000001")
        assert app.screen.card.person.cio_id == "a3000001"
        assert "No person has the id 'a3000001'" in app.screen.message


PROBLEMS = [
    ("bad@", None, "is not a valid email address"),
    ("x" * 151, None, "at most 150 bytes"),
    ("cio_zz999999", None, "Not found: No person with the cio_id cio_zz999999"),
    ("nobody@example.com", None, "Not found: No person with the email nobody@example.com"),
    ("u0000001", "email", "is not a valid email address"),
]


async def test_invalid_or_unknown_input_gets_an_inline_message(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text, kind, expected in PROBLEMS:
            await _lookup(pilot, text, kind)
            assert app.screen.card is None
            assert expected in app.screen.message, (text, app.screen.message)
            assert app.screen.query_one("#lookup-message").has_class("-error")
            assert app.is_running


async def test_detection_is_announced_while_typing(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#lookup-input")
        await pilot.press(*"a@b.co")
        assert "Will look up by email (detected)" in app.screen.message
        app.screen.query_one("#lookup-kind", Select).value = "id"
        await pilot.pause()
        assert "Will look up by id (as chosen)" in app.screen.message


async def test_failed_attribute_change_and_profile_merge_are_marked_in_words(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        client = app.workspace.client
        await client.merge(Identifier.cio("a3000001"), Identifier.cio("a3000002"))
        await _lookup(pilot, "cio_a30000a9")
        types = [row[1] for row in _cells(app, "#activity-table")]
        assert "! FAILED ATTRIBUTE CHANGE" in types
        assert "FAILED ATTRIBUTE CHANGE" in str(app.screen.query_one("#card-attention").render())
        await _lookup(pilot, "cio_a3000001")
        rows = _cells(app, "#activity-table")
        merge = [r for r in rows if r[1] == "! PROFILE MERGE"]
        assert merge and "cio_a3000002" in merge[0][2]


async def test_attribute_filter_copy_and_history(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _lookup(pilot, "u0000001")
        await pilot.press("escape", "f", *"plan")
        await pilot.pause()
        assert [row[0] for row in _cells(app, "#attr-table")] == ["plan"]
        await pilot.press("escape")
        app.screen.query_one("#overview-table", DataTable).focus()
        await pilot.press("down", "down", "c")  # the email row
        assert app.clipboard == "eva.meyer1@umbrella.test"
        await _lookup(pilot, "bad@")
        entries = app.screen.query_one("#history-list", OptionList)
        labels = [str(entries.get_option_at_index(i).prompt) for i in range(entries.option_count)]
        assert "bad@" in labels[0] and "invalid input" in labels[0]
        assert "u0000001" in labels[1] and "-> cio_a3000001" in labels[1]
        app.screen.query_one("#history-list", OptionList).highlighted = 1
        app.screen.query_one("#history-list", OptionList).action_select()
        await settle(pilot)
        assert app.screen.card.person.cio_id == "a3000001"


async def test_preview_identify_opens_preview_prefilled(make_app, monkeypatch):
    from cio_tui.tui.screens.preview import PreviewScreen

    received: list[str] = []
    monkeypatch.setattr(PreviewScreen, "prefill", lambda self, text: received.append(text))
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _lookup(pilot, "u0000001")
        await pilot.press("escape", "p")
        await settle(pilot)
        assert app.current_mode == "preview"
        call = json.loads(received[0])
        assert call["type"] == "identify" and call["userId"] == "u0000001"
        assert call["traits"]["email"] == "eva.meyer1@umbrella.test"


async def test_open_person_from_elsewhere(make_app):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_person(Identifier.email("eva.meyer1@umbrella.test"))
        await settle(pilot)
        assert app.current_mode == "people"
        assert app.screen.card.person.cio_id == "a3000001"
