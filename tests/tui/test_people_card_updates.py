"""People: the card after several lookups shows the last person only, whole (it is updated in place, not rebuilt),
and what the app builds in the background stays out of the collector's full passes (they interrupted lookups)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.segment import ControlType
from rich.style import Style
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


class Terminal:
    """What a terminal shows after the app's frames: each frame's update applied in turn to a grid of cells."""

    def __init__(self, width: int, height: int) -> None:
        self.cells: list[list[tuple[str, Style | None]]] = [[(" ", None)] * width for _ in range(height)]

    def apply(self, update: object, console: Console) -> None:
        x = y = 0
        for segment in update.__rich_console__(console, console.options):  # type: ignore[attr-defined]
            if segment.control:
                for code in segment.control:
                    if code[0] == ControlType.CURSOR_MOVE_TO:
                        x, y = code[1], code[2]
                continue
            if segment.text == "\n":
                continue
            for char in segment.text:
                if 0 <= y < len(self.cells) and 0 <= x < len(self.cells[y]):
                    self.cells[y][x] = (char, segment.style)
                x += cell_len(char)

    def rows(self) -> list[str]:
        return ["".join(char for char, _ in row) for row in self.cells]


def fresh_frame(app) -> Terminal:
    """The whole screen drawn from scratch (every widget's drawn lines forgotten first)."""
    screen = app.screen
    for widget in screen.walk_children(with_self=True):
        widget._set_dirty()  # its content drawn again, not its last lines
        widget._styles_cache.clear()
    terminal = Terminal(*app.size)
    terminal.apply(screen._compositor.render_update(full=True), app.console)
    return terminal


async def test_the_frames_after_lookups_from_the_box_show_what_a_full_redraw_shows(make_app, monkeypatch):
    """The screen is not repainted whole when focus moves from the box to the card: what the terminal shows after
    each lookup, frame after frame, must still be the whole screen as drawn from scratch (focus marks included)."""
    app = make_app("people")
    terminal = Terminal(*SIZE)
    display = type(app)._display

    def shown(self, screen, renderable) -> None:  # type: ignore[no-untyped-def]
        if renderable is not None and screen is self.screen:
            terminal.apply(renderable, self.console)
        display(self, screen, renderable)

    monkeypatch.setattr(type(app), "_display", shown)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text in ("cio_a30000a9", "u0000001", "eva.meyer1@umbrella.test", "cio_zz999999", "cio_a3000001"):
            await _lookup(pilot, text)  # typed in the box, enter: focus goes to the card
            assert app.screen.focused is not None
            drawn, fresh = terminal.rows(), fresh_frame(app)
            assert drawn == fresh.rows(), text
            assert terminal.cells == fresh.cells, text  # the colours too (the focus marks)
        await pilot.press("slash")  # back to the box, then to the card's tabs
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert terminal.cells == fresh_frame(app).cells
