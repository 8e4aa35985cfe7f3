"""Files and folders only their owner can read: journal, plans, Walkthrough state, config, exports.

Workspace data (people, identifiers, before-snapshots) is personal data; on a shared machine it must not be
world-readable. Folders are made 0700 and files 0600 whatever the umask.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TextIO, cast

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: str | Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; tighten it when it already exists and is ours."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(DIR_MODE)
    except OSError:  # not ours (a shared parent): leave it
        pass
    return path


def tighten(path: str | Path) -> None:
    """Make an existing file owner-only (SQLite creates its files with the umask)."""
    try:
        os.chmod(path, FILE_MODE)
    except OSError:
        pass


def write_private(path: str | Path, text: str | bytes) -> Path:
    """Write ``text`` (UTF-8, or bytes as they are) to ``path`` atomically (a temp file renamed over it), created
    0600. The temp file is unique (two processes saving the same file at once each rename a whole file of their
    own) and in the same folder (a rename within one file system is atomic); it is removed on any error."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # created 0600
    tmp = Path(tmp_name)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def open_private(path: str | Path, mode: str = "w", *, newline: str | None = None) -> TextIO:
    """``open`` for a new export file, created 0600."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    return cast("TextIO", os.fdopen(fd, mode, encoding="utf-8", newline=newline))  # text mode: the encoding says so


__all__ = ["DIR_MODE", "FILE_MODE", "open_private", "private_dir", "tighten", "write_private"]
