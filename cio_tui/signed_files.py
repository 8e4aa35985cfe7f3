"""Files in the user's cache folder that only this machine's cio-tui can have written: each carries an HMAC-SHA256
of its content made with a key of 32 random bytes created on the first save, owner-only, next to it.

What such a file holds is used as code (unpickled Textual rules; SQL that runs with the user's files at hand), so a
file from anywhere else (a copied or restored cache folder without its key, an edited file) fails the check and is
ignored. The folder and both files must be this user's and owner-only, and neither file is followed through a
symlink. Headless: the CLI reads its cache through here without importing the TUI.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

from cio_tui.private_files import private_dir, write_private

KEY_SIZE = 32
MAC_SIZE = hashlib.sha256().digest_size


def _private(st: os.stat_result) -> bool:
    """Owned by this user and no one else can read or write it."""
    return st.st_uid == os.getuid() and not st.st_mode & 0o077


def _read_private(path: Path) -> bytes | None:
    """The bytes of a regular, owner-only file of this user (never through a symlink); None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:  # missing, or a symlink (ELOOP)
        return None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or not _private(st):
            return None
        return fh.read()


def _key(folder: Path, key_file: str) -> bytes | None:
    key = _read_private(folder / key_file)
    return key if key is not None and len(key) == KEY_SIZE else None


def read_signed(folder: Path, name: str, key_file: str) -> bytes | None:
    """The content of ``folder/name`` when this machine's key (``key_file``) signed it; None otherwise (no file, no
    key, a folder others could fill or swap files in, a wrong signature). OSError when the folder is unreadable."""
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or not _private(st):
        return None
    key = _key(folder, key_file)
    blob = _read_private(folder / name) if key is not None else None
    if key is None or blob is None:
        return None
    mac, payload = blob[:MAC_SIZE], blob[MAC_SIZE:]
    if not hmac.compare_digest(mac, hmac.digest(key, payload, "sha256")):
        return None  # not written by this machine's cio-tui
    return payload


def write_signed(folder: Path, name: str, key_file: str, payload: bytes) -> None:
    """Write ``payload`` to ``folder/name`` signed with this machine's key (created, random and owner-only, when
    there is none usable). OSError on a full disk or a read-only folder."""
    folder = private_dir(folder)
    key = _key(folder, key_file)
    if key is None:
        key = os.urandom(KEY_SIZE)  # what secrets.token_bytes returns
        write_private(folder / key_file, key)  # atomic: replaces a symlink or a key others could read
    write_private(folder / name, hmac.digest(key, payload, "sha256") + payload)


__all__ = ["KEY_SIZE", "MAC_SIZE", "read_signed", "write_signed"]
