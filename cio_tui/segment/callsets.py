"""Saved call sets: a named paste of Segment calls kept as JSON in a folder (the Walkthrough replays them).

File: ``<folder>/<slug>.json`` = ``{"version": 1, "name": ..., "saved_at": ISO, "text": <the paste>}``.
The paste is kept verbatim (comments and all) so it reopens exactly as it was written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from cio_tui.errors import UserError

VERSION = 1
CALLSETS_DIR = "callsets"  # under the workspace's data_dir (the Walkthrough reads the same folder)


def callsets_dir(data_dir: Path) -> Path:
    return Path(data_dir) / CALLSETS_DIR


class CallSetError(UserError, ValueError):
    """A call set that cannot be saved or read; the message says what to do."""


class CallSet(BaseModel):
    version: int = VERSION
    name: str
    saved_at: str
    text: str


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-")
    if not slug:
        raise CallSetError("give the call set a name with at least one letter or digit")
    return slug[:80]


def save_call_set(folder: Path, name: str, text: str, *, now: datetime | None = None) -> Path:
    """Save ``text`` (checked to parse first) under ``name``; an existing set of that name is replaced."""
    from cio_tui.segment.parser import parse_input  # the parser only when saving: listing sets stays light

    parse_input(text)  # refuse to save what cannot be previewed later (raises ParseError with its position)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{slugify(name)}.json"
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    data = CallSet(name=name.strip(), saved_at=stamp, text=text).model_dump()
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".callset-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=2)
    os.replace(tmp, target)
    return target


def load_call_set(folder: Path, name: str) -> CallSet:
    path = folder / f"{slugify(name)}.json"
    if not path.exists():
        known = ", ".join(s.name for s in list_call_sets(folder)) or "none saved yet"
        raise CallSetError(f"no call set named '{name}' in {folder} (saved sets: {known})")
    try:
        return CallSet.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise CallSetError(f"{path} is not a valid call set ({exc.__class__.__name__}); delete or fix it") from None


def list_call_sets(folder: Path) -> list[CallSet]:
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.json")):
        try:
            out.append(CallSet.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (json.JSONDecodeError, ValidationError, OSError):
            continue
    return out
