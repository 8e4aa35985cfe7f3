"""Parsed stylesheets kept between runs: a second start parses nothing and draws exactly what the first drew; a file
for another theme or Textual, or one someone else could have written, is not used."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from cio_tui.tui import css_cache
from cio_tui.tui.app import CioApp
from cio_tui.tui.areas import AREAS
from cio_tui.tui.services import StartChoice
from tests.tui.conftest import SIZE, real_services, settle


def _app() -> CioApp:
    app = CioApp(real_services(start=StartChoice(sandbox=True)), initial_area="walkthrough")
    app.animation_level = "none"
    return app


async def _run(monkeypatch: pytest.MonkeyPatch, *, every_area: bool = False) -> tuple[list[str], set[str]]:
    """One start to the Walkthrough's first view (then each area's, with ``every_area``): the screenshots and the
    sources Textual had to parse (each asked for again is served by Textual's own cache of this run)."""
    parsed: list[str] = []
    original = Stylesheet._parse_rules

    def counting(self: Stylesheet, css: str, read_from: tuple[str, str], *args: object, **kwargs: object) -> object:
        parsed.append(f"{Path(read_from[0]).name}:{read_from[1]}")
        return original(self, css, read_from, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Stylesheet, "_parse_rules", counting)
    app = _app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shots = [app.export_screenshot()]
        for area in AREAS[1:] if every_area else ():
            await app.switch_mode(area.mode)
            await settle(pilot)
            shots.append(app.export_screenshot())
    monkeypatch.setattr(Stylesheet, "_parse_rules", original)
    return shots, set(parsed)


def _cache_path() -> Path:
    folder = real_services(start=StartChoice(sandbox=True)).cache_dir()
    assert folder is not None
    return folder / css_cache.CACHE_FILE


async def test_a_second_start_parses_no_stylesheet_and_draws_every_area_the_same(monkeypatch):
    first, parsed_first = await _run(monkeypatch, every_area=True)
    assert "app.tcss:" in parsed_first and "_button.py:Button.DEFAULT_CSS" in parsed_first
    path = _cache_path()
    assert path.stat().st_mode & 0o777 == 0o600
    second, parsed_second = await _run(monkeypatch, every_area=True)
    assert parsed_second == set()  # the other areas' widgets too: their rules were saved when the first run ended
    assert len(second) == len(AREAS)
    for area, before, after in zip(AREAS, first, second, strict=True):
        assert after == before, area.mode


async def test_a_changed_stylesheet_is_parsed_again_and_the_others_reused(monkeypatch):
    await _run(monkeypatch)
    path = _cache_path()
    identity, saved = pickle.loads(path.read_bytes())
    key = next(k for k in saved if Path(k[1][0]).name == "app.tcss")
    del saved[key]  # as if app.tcss had been edited since: its text no longer matches a saved source
    path.write_bytes(pickle.dumps((identity, saved)))
    _shot, parsed = await _run(monkeypatch)
    assert parsed == {"app.tcss:"}


async def test_a_file_for_another_theme_or_textual_is_not_used(monkeypatch):
    await _run(monkeypatch)
    path = _cache_path()
    _identity, saved = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps(("another textual or theme", saved)))
    _shot, parsed = await _run(monkeypatch)
    assert "app.tcss:" in parsed


async def test_a_file_others_could_write_is_not_used(monkeypatch):
    await _run(monkeypatch)
    path = _cache_path()
    os.chmod(path, 0o666)
    _shot, parsed = await _run(monkeypatch)
    assert "app.tcss:" in parsed
    assert path.stat().st_mode & 0o777 == 0o600  # replaced by this run's, owner-only


def test_another_theme_during_the_run_keeps_nothing() -> None:
    sheet = css_cache.CachedStylesheet(variables={"primary": "red"}, saved={})
    sheet.add_source("Label { color: $primary; }", read_from=("x.tcss", ""))
    sheet.parse()
    assert sheet.parsed_now and len(sheet.used) == 1
    sheet.set_variables({"primary": "blue"})
    sheet.reparse()
    assert not sheet.parsed_now and sheet.used == {}
