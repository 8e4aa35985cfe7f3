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


def test_a_rendering_is_saved_and_reused_by_a_later_run(tmp_path: Path) -> None:
    rendered = _render(NEUTRAL, "postgres")
    sql_cache.RenderCache(tmp_path).put("postgres", NEUTRAL, rendered)
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
    sql_cache.RenderCache(tmp_path).put("duckdb", NEUTRAL, "SELECT 1")
    _edit(tmp_path, "COPY (SELECT 1) TO '/tmp/x'")
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) is None
    sql_cache.RenderCache(tmp_path).put("duckdb", NEUTRAL, "SELECT 1")
    (tmp_path / sql_cache.KEY_FILE).write_bytes(os.urandom(32))  # another machine's key (a copied cache folder)
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) is None


def test_another_sqlglot_or_rendering_code_renders_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sql_cache.RenderCache(tmp_path).put("duckdb", NEUTRAL, "SELECT 1")
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) == "SELECT 1"
    monkeypatch.setattr(sql_cache, "identity", lambda: "another sqlglot")
    assert sql_cache.RenderCache(tmp_path).get("duckdb", NEUTRAL) is None


def test_a_folder_others_can_write_is_not_read(tmp_path: Path) -> None:
    sql_cache.RenderCache(tmp_path).put("duckdb", NEUTRAL, "SELECT 1")
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
    later = sql_cache.RenderCache(tmp_path)
    assert [later.get("duckdb", f"SELECT {n}") for n in range(3)] == [None, None, "SELECT 2"]
