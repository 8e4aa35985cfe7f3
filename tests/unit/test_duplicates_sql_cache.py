"""The rendered SQL kept between runs: reused only when this machine's cio-tui signed it for the same sqlglot and
rendering code; a run with a usable file does not import sqlglot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cio_tui.identity.duplicates import sql_cache
from cio_tui.identity.duplicates.dialects import _render
from cio_tui.identity.duplicates.portable import PeopleColumns, people_select
from cio_tui.signed_files import MAC_SIZE

NEUTRAL = people_select("CIO_SOURCE_TABLE", PeopleColumns())


def _saved(folder: Path, dialect: str, neutral: str, rendered: str) -> None:
    cache = sql_cache.RenderCache(folder)
    cache.put(dialect, neutral, rendered)
    cache.save()


def test_a_rendering_is_saved_and_reused_by_a_later_run(tmp_path: Path) -> None:
    rendered = _render(NEUTRAL, "postgres")
    _saved(tmp_path, "postgres", NEUTRAL, rendered)
    later = sql_cache.RenderCache(tmp_path)
    assert later.get("postgres", NEUTRAL) == rendered
    assert later.get("duckdb", NEUTRAL) is None  # per dialect
    assert oct((tmp_path / sql_cache.CACHE_FILE).stat().st_mode & 0o777) == "0o600"
    assert oct((tmp_path / sql_cache.KEY_FILE).stat().st_mode & 0o777) == "0o600"


def _edit(folder: Path, change: str) -> None:
    """Rewrite the saved renderings' SQL, keeping the old signature (what someone else writing the file does)."""
    path = folder / sql_cache.CACHE_FILE
    blob = path.read_bytes()
    data = json.loads(blob[MAC_SIZE:])
    data["entries"] = dict.fromkeys(data["entries"], change)
    path.write_bytes(blob[:MAC_SIZE] + json.dumps(data).encode())


def test_an_edited_file_or_one_signed_elsewhere_is_not_used(tmp_path: Path) -> None:
    _saved(tmp_path, "duckdb", NEUTRAL, "SELECT 1")
    _edit(tmp_path, "COPY (SELECT 1) TO '/tmp/x'")
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) is None
    _saved(tmp_path, "duckdb", NEUTRAL, "SELECT 1")
    (tmp_path / sql_cache.KEY_FILE).write_bytes(os.urandom(32))  # another machine's key (a copied cache folder)
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) is None


def test_another_sqlglot_or_rendering_code_renders_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _saved(tmp_path, "duckdb", NEUTRAL, "SELECT 1")
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) == "SELECT 1"
    monkeypatch.setattr(sql_cache, "identity", lambda: "another sqlglot")
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) is None


def test_a_folder_others_can_write_is_not_read(tmp_path: Path) -> None:
    _saved(tmp_path, "duckdb", NEUTRAL, "SELECT 1")
    tmp_path.chmod(0o777)
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) is None


def test_a_run_with_the_renderings_saved_does_not_import_sqlglot(tmp_path: Path) -> None:
    export = tmp_path / "people.csv"
    export.write_text("cio_id,id,email,created_at\nc1,,a@example.com,1\nc2,u2,a@example.com,2\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    probe = (
        "import sys\nfrom cio_tui.identity.duplicates.engine import analyse_export\n"
        f"with analyse_export({str(export)!r}) as a:\n    print(a.summary()['groups'], 'sqlglot' in sys.modules)\n"
    )
    first, second = (
        subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
        for _ in range(2)
    )
    assert (first, second) == ("1 True\n", "1 False\n")


def test_a_full_cache_starts_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_cache, "MAX_ENTRIES", 2)
    cache = sql_cache.RenderCache(tmp_path)
    for n in range(3):
        cache.put("duckdb", f"SELECT {n}", f"SELECT {n}")
    cache.save()
    later = sql_cache.RenderCache(tmp_path)
    assert [later.get("duckdb", f"SELECT {n}") for n in range(3)] == [None, None, "SELECT 2"]


def test_renderings_are_saved_once_not_one_write_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writes: list[bytes] = []
    monkeypatch.setattr(sql_cache, "write_signed", lambda folder, name, key, payload: writes.append(payload))
    cache = sql_cache.RenderCache(tmp_path)
    for n in range(20):  # what a new export header brings
        cache.put("duckdb", f"SELECT {n}", f"SELECT {n}")
    assert writes == []
    cache.save()
    cache.save()  # nothing new since
    assert len(writes) == 1 and len(json.loads(writes[0])["entries"]) == 20


def test_a_cache_that_cannot_be_read_or_written_never_fails_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise AttributeError("no os.getuid here")  # what a platform without owner ids raises

    monkeypatch.setattr(sql_cache, "read_signed", broken)
    monkeypatch.setattr(sql_cache, "write_signed", broken)
    cache = sql_cache.RenderCache(tmp_path)
    assert cache.get("duckdb", NEUTRAL) is None
    cache.put("duckdb", NEUTRAL, "SELECT 1")
    cache.save()
    assert cache.get("duckdb", NEUTRAL) == "SELECT 1"
