"""People: the card after several lookups shows the last person only, whole (it is updated in place, not rebuilt),
and what the app builds in the background stays out of the collector's full passes (they interrupted lookups)."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from cio_tui.tui import heap
from cio_tui.tui import workspace_app as app_module
from cio_tui.tui.areas import AREAS, Area
from cio_tui.tui.viewmodels.activity import FLAGGED, activity_detail, when
from tests.tui.conftest import SIZE, settle
from tests.tui.test_people import _lookup


async def test_what_the_warm_up_built_is_settled_once_it_is_done(make_app, monkeypatch):
    monkeypatch.setattr(app_module, "WARM_UP_AFTER", 0.01)
    monkeypatch.setattr(app_module, "WARM_UP_PAUSE", 0.0)
    events: list[str] = []
    real_settle, real_screen_class = heap.settle, Area.screen_class

    def settle_recorded() -> None:
        events.append("settle")
        real_settle()

    def screen_class_recorded(self: Area):  # type: ignore[no-untyped-def]
        events.append(self.mode)
        return real_screen_class(self)

    monkeypatch.setattr(heap, "settle", settle_recorded)
    monkeypatch.setattr(Area, "screen_class", screen_class_recorded)
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(200):  # the warm-up thread, on a busy machine
            if events and events[-1] == "settle" and all(a.mode in events for a in AREAS if a.mode != "people"):
                break
            await pilot.pause(0.05)
    warmed = [e for e in events if e != "settle"]
    assert set(warmed) >= {a.mode for a in AREAS if a.mode != "people"}
    last_import = max(i for i, e in enumerate(events) if e != "settle")
    assert "settle" in events[last_import:], events


def _rows(app, table_id: str) -> list[list[str]]:
    table = app.screen.query_one(table_id, DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _detail(app) -> str:
    return str(app.screen.query_one("#activity-detail", Static).render())


def _card_shows(app, cio_id: str) -> None:
    """Every table of the card holds exactly this person's rows, and the detail line their highlighted activity."""
    card = app.screen.card
    assert card is not None and card.person.cio_id == cio_id
    p = card.person
    overview = {row[0]: row[1] for row in _rows(app, "#overview-table")}
    assert overview["cio_id"] == f"cio_{cio_id}"
    assert overview["email"] == (p.email or "(none)")
    assert overview["segments"] == (", ".join(s.name for s in card.segments) or "none")
    assert _rows(app, "#attr-table") == [[name, str(value)] for name, value in sorted(p.attributes.items())]
    activity = _rows(app, "#activity-table")
    assert len(activity) == len(card.activities)
    assert [row[0] for row in activity] == [when(a.timestamp) for a in card.activities]
    assert [row[0] for row in _rows(app, "#segments-table")] == [s.name for s in card.segments]
    assert [row[0] for row in _rows(app, "#devices-table")] == [d.id for d in p.devices]
    first = card.activities[0] if card.activities else None
    expected = f"{when(first.timestamp)} · {FLAGGED.get(first.type, first.type)}: {activity_detail(first)}"
    assert _detail(app) == (expected if first else "")
    attention = app.screen.query_one("#card-attention", Static)
    assert attention.display == bool(card.flagged)


async def test_a_second_lookup_replaces_the_first_card_everywhere(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _lookup(pilot, "cio_a30000a9")  # a failed attribute change: the attention lines shown
        assert app.screen.card.flagged
        _card_shows(app, "a30000a9")
        await _lookup(pilot, "u0000001")
        assert not app.screen.card.flagged
        _card_shows(app, "a3000001")
        await _lookup(pilot, "cio_a30000a9")
        _card_shows(app, "a30000a9")
        assert "FAILED ATTRIBUTE CHANGE" in str(app.screen.query_one("#card-attention", Static).render())


async def test_the_activity_line_follows_the_cursor_and_a_new_card(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _lookup(pilot, "cio_a30000a9")
        await pilot.press("escape", "a", "down")
        await settle(pilot)
        card = app.screen.card
        second = card.activities[1]
        assert _detail(app) == f"{when(second.timestamp)} · {FLAGGED.get(second.type, second.type)}: " + (
            activity_detail(second)
        )
        await _lookup(pilot, "u0000001")  # the new card: its first activity, not the row the cursor was on
        _card_shows(app, "a3000001")
        await _lookup(pilot, "cio_zz999999")  # nobody: no card, no activity line left over
        assert app.screen.card is None
        assert _detail(app) == ""
        assert _rows(app, "#activity-table") == []
        await _lookup(pilot, "cio_a30000a9")
        _card_shows(app, "a30000a9")
