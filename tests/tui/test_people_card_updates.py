"""People: the card after several lookups shows the last person only, whole (it is updated in place, not rebuilt),
and what the app builds in the background stays out of the collector's full passes (they interrupted lookups)."""

from __future__ import annotations

from textual.widgets import DataTable

from cio_tui.tui import heap
from cio_tui.tui import workspace_app as app_module
from cio_tui.tui.areas import AREAS, Area
from tests.tui.conftest import SIZE, settle


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
