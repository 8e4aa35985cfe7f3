"""What a first visit of an area does, and does not: no heavy engine imported, the footers of areas off screen left
alone, the session's long-lived objects kept out of the collector's full passes (and handed back on leaving)."""

from __future__ import annotations

import gc
import subprocess
import sys

from cio_tui.tui.areas import AREAS
from tests.tui.conftest import SIZE, settle

HEAVY = ("duckdb", "pyarrow", "sqlglot")


def test_no_area_screen_imports_a_heavy_engine() -> None:
    """Every area's screen module (what a first visit imports) leaves DuckDB, Arrow and sqlglot to the moment an
    analysis or a warehouse read starts."""
    modules = [f"cio_tui.tui.screens.{area.module}" for area in AREAS]
    code = (
        f"import importlib, sys\nfor name in {modules!r}:\n    importlib.import_module(name)\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


async def test_switching_areas_recomposes_only_the_footer_on_screen(make_app, monkeypatch) -> None:
    """Every visited area keeps its footer; on a switch only the footer of the area now shown recomposes (all of
    them used to, several times, so each first visit waited for the other areas' footers)."""
    from cio_tui.tui.widgets.footer import AreaFooter

    recomposed: list[str] = []
    original = AreaFooter.recompose

    async def counting(self: AreaFooter) -> None:
        recomposed.append(self.screen.AREA)
        await original(self)

    monkeypatch.setattr(AreaFooter, "recompose", counting)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in "2345":
            await pilot.press(key)
            await settle(pilot)
        recomposed.clear()
        await pilot.press("6")
        await settle(pilot)
        assert app.current_mode == "duplicates" and app.screen.usable
        assert set(recomposed) == {"duplicates"}, recomposed
        assert len(recomposed) <= 2, recomposed  # composed once its bindings are known (at most once more)
        recomposed.clear()
        await pilot.press("3")  # back to a visited area: only its footer may change (when what it shows did)
        await settle(pilot)
        assert set(recomposed) <= {"preview"}, recomposed
        footer = app.screen.query_one(AreaFooter)
        assert "Preview" in " ".join(str(key.render()) for key in footer.children)


async def test_a_drawn_area_is_settled_out_of_full_collections_until_the_app_leaves(make_app) -> None:
    gc.unfreeze()  # what the test session froze at collection: only the app's settling may freeze now
    assert gc.get_freeze_count() == 0
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        assert app.screen.usable
        assert gc.get_freeze_count() > 0  # the screens and widgets alive now are skipped by later full passes
    assert gc.get_freeze_count() == 0  # handed back: nothing left uncollectable for the rest of the process
