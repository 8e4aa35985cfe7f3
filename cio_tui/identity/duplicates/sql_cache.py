"""The rendered SQL of the portable rules, kept between runs like Python's bytecode.

Rendering a stage with sqlglot (``dialects.render_select``) is the same work every run: importing sqlglot and
rendering the analysis' stages cost about 0.3 s of CPU on the one Python thread, before and between the DuckDB
queries. Each rendering is saved in the user's cache folder (``$XDG_CACHE_HOME/cio-tui``, never the data dir) and a
later run with the same sqlglot install and the same rendering code reuses it without importing sqlglot.

What the file holds is SQL the analysis runs, so it is used only when this machine's cio-tui signed it
(``signed_files.py``: an HMAC with an owner-only key of its own). It is JSON, never unpickled. Only renderings that
succeeded are kept: a rule sqlglot refuses is refused again every run.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import sys
from pathlib import Path

from cio_tui.signed_files import read_signed, write_signed

CACHE_FILE = "duplicates-sql.json"
KEY_FILE = "sql-cache.key"
FORMAT = 1
# The neutral SQL names a file's columns (and the Duplicates screen's, every attribute): each header adds about 20
# renderings of 1-2 kB. Past this the cache starts again, so reading it stays a matter of milliseconds.
MAX_ENTRIES = 500


def identity() -> str:
    """What rendered the saved SQL: this sqlglot install and this rendering code (each told by its installed file's
    place, time and size, as an install or an edit rewrites it; no import of sqlglot to ask its version)."""
    import importlib.util

    parts: list[object] = [FORMAT, sys.version_info[:2]]
    spec = importlib.util.find_spec("sqlglot")
    origin = Path(spec.origin) if spec and spec.origin else None
    # sqlglot's version file changes with every release, even one that leaves __init__.py as it was; its optional
    # Rust tokenizer (sqlglotrs) changes what a parse gives, so whether and where it is installed counts too
    rust = importlib.util.find_spec("sqlglotrs")
    files = (origin, origin.with_name("_version.py") if origin else None, Path(__file__).with_name("dialects.py"))
    parts.append(rust.origin if rust else None)
    for path in (str(file) if file else None for file in files):
        try:
            st = os.stat(path or "")
            parts.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            parts.append((path, None))
    return repr(parts)


class RenderCache:
    """``(dialect, neutral SQL) -> rendered SQL``, read from the cache folder on first use; what ``put`` adds is saved
    when the process ends, or by ``save`` (renderings are new only on a first run, an upgrade or a new export
    header). ``folder`` None: nothing read or saved."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._entries: dict[str, str] | None = None
        self._identity = ""
        self._dirty = False

    def _load(self) -> dict[str, str]:
        if self._entries is None:
            self._identity = identity()
            self._entries = {}
            if self.folder is not None:
                try:
                    payload = read_signed(self.folder, CACHE_FILE, KEY_FILE)
                    data = json.loads(payload) if payload is not None else None
                except Exception:  # noqa: BLE001 - a cache never fails a run: render as usual, the next save replaces it
                    data = None
                if isinstance(data, dict) and data.get("identity") == self._identity:
                    entries = data.get("entries")
                    if isinstance(entries, dict):
                        self._entries = {k: v for k, v in entries.items() if isinstance(v, str)}
        return self._entries

    @staticmethod
    def _key(dialect: str, neutral: str) -> str:
        return hashlib.sha256(f"{dialect}\n{neutral}".encode()).hexdigest()

    def get(self, dialect: str, neutral: str) -> str | None:
        return self._load().get(self._key(dialect, neutral))

    def put(self, dialect: str, neutral: str, rendered: str) -> None:
        entries = self._load()
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[self._key(dialect, neutral)] = rendered
        if self.folder is not None and not self._dirty:
            # one save when the process ends, not one per rendering: a new header brings about 20 at once, and
            # each save writes and signs the whole file
            self._dirty = True
            atexit.register(self.save)

    def save(self) -> None:
        """Write what was rendered since the file was read (nothing when nothing was)."""
        if self.folder is None or not self._dirty or self._entries is None:
            return
        self._dirty = False
        payload = json.dumps({"identity": self._identity, "entries": self._entries}, sort_keys=True).encode()
        try:
            write_signed(self.folder, CACHE_FILE, KEY_FILE, payload)
        except Exception:  # noqa: BLE001 - a full disk, a read-only cache folder: the next run renders again
            pass


_CACHES: dict[Path | None, RenderCache] = {}


def render_cache() -> RenderCache:
    """The cache in the user's cache folder as the environment names it now (none when it cannot be known)."""
    from cio_tui.config_file import cache_dir_path

    try:
        folder: Path | None = cache_dir_path()
    except Exception:  # noqa: BLE001 - no home folder to put a cache in: render every run
        folder = None
    cache = _CACHES.get(folder)
    if cache is None:
        cache = _CACHES[folder] = RenderCache(folder)
    return cache


__all__ = ["CACHE_FILE", "KEY_FILE", "RenderCache", "identity", "render_cache"]
