"""Parsed stylesheets kept between runs: a second start parses nothing and draws exactly what the first drew; a file
for another theme, Textual or Rich, one someone else could have written, or one not signed with this machine's key
(copied from elsewhere) is never unpickled."""

from __future__ import annotations

import hmac
import os
import pickle
from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from cio_tui.signed_files import MAC_SIZE
from cio_tui.tui import css_cache
from cio_tui.tui.app import CioApp
from cio_tui.tui.areas import AREAS
from cio_tui.tui.services import StartChoice
from tests.tui.conftest import SIZE, real_services, settle


@pytest.fixture
def shared_css_cache() -> None:
    """These tests watch the cache itself: each has the empty cache folder of its own test (``tests/conftest.py``)."""


def _app() -> CioApp:
    app = CioApp(real_services(start=StartChoice(sandbox=True)), initial_area="walkthrough")
    app.animation_level = "none"
    return app


_last: list[Stylesheet] = []  # the stylesheet of the last app ``_run`` started


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
    _last[:] = [app.stylesheet]
    return shots, set(parsed)


def _restart() -> bool:
    """What the next start and its exit do with the cache folder, without an app: the last run's sources, with its
    variables, read through a stylesheet loaded from the folder (``load_stylesheet``, as the app starts), then saved
    (``save_stylesheet``, as it leaves). True when a source had to be parsed: the saved file was not used."""
    (first,) = _last
    assert isinstance(first, css_cache.CachedStylesheet) and first.source
    folder = _cache_path().parent
    sheet = css_cache.load_stylesheet(folder, first.cache_variables)
    for read_from, source in first.source.items():
        sheet.add_source(source.content, read_from, source.is_defaults, source.tie_breaker, source.scope)
    sheet.parse()
    css_cache.save_stylesheet(sheet, folder)
    return sheet.parsed_now


def _cache_path() -> Path:
    folder = real_services(start=StartChoice(sandbox=True)).cache_dir()
    assert folder is not None
    return folder / css_cache.CACHE_FILE


def _unsigned(path: Path) -> tuple[str, dict[css_cache.CacheKey, object]]:
    """The (identity, rules) a cache file holds, after checking it is signed with the key next to it."""
    key = (path.parent / css_cache.KEY_FILE).read_bytes()
    blob = path.read_bytes()
    mac, payload = blob[:MAC_SIZE], blob[MAC_SIZE:]
    assert hmac.compare_digest(mac, hmac.digest(key, payload, "sha256"))
    identity, saved = pickle.loads(payload)
    return identity, saved


def _sign(path: Path, payload: bytes, key: bytes | None = None) -> None:
    key = key if key is not None else (path.parent / css_cache.KEY_FILE).read_bytes()
    path.write_bytes(hmac.digest(key, payload, "sha256") + payload)


class _Ran:
    """A pickle that records it was loaded (what a planted cache file would do instead)."""

    loaded = False

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (_Ran._mark, ())

    @staticmethod
    def _mark() -> None:
        _Ran.loaded = True


@pytest.mark.long(8)
async def test_a_second_start_parses_no_stylesheet_and_draws_every_area_the_same(monkeypatch):
    first, parsed_first = await _run(monkeypatch, every_area=True)
    assert "app.tcss:" in parsed_first and "_button.py:Button.DEFAULT_CSS" in parsed_first
    path = _cache_path()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent == Path(os.environ["XDG_CACHE_HOME"]) / "cio-tui"  # the user's cache folder, not the data dir
    assert not (Path(os.environ["CIO_TUI_DATA_DIR"]) / "cache").exists()
    key = path.parent / css_cache.KEY_FILE
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert path.parent.stat().st_mode & 0o777 == 0o700
    second, parsed_second = await _run(monkeypatch, every_area=True)
    assert parsed_second == set()  # the other areas' widgets too: their rules were saved when the first run ended
    assert len(second) == len(AREAS)
    for area, before, after in zip(AREAS, first, second, strict=True):
        assert after == before, area.mode


async def test_a_changed_stylesheet_is_parsed_again_and_the_others_reused(monkeypatch):
    await _run(monkeypatch)
    path = _cache_path()
    identity, saved = _unsigned(path)
    key = next(k for k in saved if Path(k[1][0]).name == "app.tcss")
    del saved[key]  # as if app.tcss had been edited since: its text no longer matches a saved source
    _sign(path, pickle.dumps((identity, saved)))
    _shot, parsed = await _run(monkeypatch)
    assert parsed == {"app.tcss:"}


async def test_a_file_for_another_theme_or_textual_is_not_used(monkeypatch):
    await _run(monkeypatch)
    path = _cache_path()
    _identity, saved = _unsigned(path)
    _sign(path, pickle.dumps(("another textual or theme", saved)))
    assert _restart()


def test_the_identity_changes_with_rich(monkeypatch, tmp_path):
    """The rules hold Rich's styles and colours: another Rich install is another identity."""
    before = css_cache.cache_identity({"primary": "red"})
    other = tmp_path / "rich" / "__init__.py"
    other.parent.mkdir()
    other.write_text("")
    monkeypatch.setattr(css_cache.rich, "__file__", str(other))
    assert css_cache.cache_identity({"primary": "red"}) != before


async def test_a_file_without_this_machines_signature_is_never_unpickled(monkeypatch):
    """A cache folder copied or restored from elsewhere: its file is signed with another key (or not at all). It is
    not loaded (no code in it runs) and the run replaces it with one signed with this machine's key."""
    await _run(monkeypatch)
    assert not _restart()  # the file this machine saved is used, and is what each planted one replaces
    path = _cache_path()
    planted = pickle.dumps(_Ran())
    for blob in (
        hmac.digest(os.urandom(32), planted, "sha256") + planted,  # another machine's key
        b"\0" * MAC_SIZE + planted,  # no signature
        planted,
    ):
        path.write_bytes(blob)
        _Ran.loaded = False
        assert _restart()  # parsed again
        assert not _Ran.loaded
        _identity, saved = _unsigned(path)  # rewritten, signed
        assert saved


async def test_a_key_or_folder_others_could_read_or_a_symlinked_file_is_not_used(monkeypatch, tmp_path):
    await _run(monkeypatch)
    path = _cache_path()
    key = path.parent / css_cache.KEY_FILE
    os.chmod(key, 0o644)  # anyone could have read it and signed a file with it
    assert _restart()
    assert key.stat().st_mode & 0o777 == 0o600  # a new key, owner-only
    _unsigned(path)

    os.chmod(path.parent, 0o777)
    assert _restart()
    assert path.parent.stat().st_mode & 0o777 == 0o700  # tightened by the save

    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(path.read_bytes())
    elsewhere.chmod(0o600)
    path.unlink()
    path.symlink_to(elsewhere)
    assert _restart()


async def test_a_file_others_could_write_is_not_used(monkeypatch):
    await _run(monkeypatch)
    path = _cache_path()
    os.chmod(path, 0o666)
    assert _restart()
    assert path.stat().st_mode & 0o777 == 0o600  # replaced by this run's, owner-only


def test_another_theme_during_the_run_keeps_nothing() -> None:
    sheet = css_cache.CachedStylesheet(variables={"primary": "red"}, saved={})
    sheet.add_source("Label { color: $primary; }", read_from=("x.tcss", ""))
    sheet.parse()
    assert sheet.parsed_now and len(sheet.used) == 1
    sheet.set_variables({"primary": "blue"})
    sheet.reparse()
    assert not sheet.parsed_now and sheet.used == {}
