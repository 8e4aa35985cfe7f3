"""The emulated Segment workspace's state: sources, destinations, subscriptions, filters and delivery counts.

Kept as one JSON document beside the sandbox database (``<db>.segment.json``), read at the start of every request
and written back atomically after a change, under an advisory lock: the embedded sandbox and ``sandbox serve`` may
share one database from two processes. Seeded on first use with one workspace: a website source connected to an
enabled classic Customer.io destination that points at the sandbox's site id, with two destination filters.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from cio_tui.sandbox.credentials import SITE_ID, TRACK_KEY
from cio_tui.segment_api.models import CLASSIC_METADATA_ID

WORKSPACE_ID = "ws_sandbox"
SOURCE_ID = "src_website"
WRITE_KEY = "sandbox-write-key"
CLASSIC_ID = "dst_classic_cio"
TOKEN = "sandbox-segment-token"
# Tokens that rehearse the three ways access can be missing (docs/sandbox-segment-fidelity.md).
TOKEN_NO_PUBLIC_API = "sandbox-segment-no-public-api"
TOKEN_NO_SUBSCRIPTIONS = "sandbox-segment-no-subscriptions"

Clock = Callable[[], datetime]


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def seed_state(now: datetime) -> dict[str, Any]:
    at = iso(now)
    filters = [
        {
            "id": "flt_qa_bots",
            "sourceId": SOURCE_ID,
            "destinationId": CLASSIC_ID,
            "if": 'match(userId, "qa-bot-*")',
            "actions": [{"type": "drop"}],
            "title": "Drop QA bots",
            "description": "Internal test users never reach Customer.io",
            "enabled": True,
            "createdAt": at,
            "updatedAt": at,
        },
        {
            "id": "flt_no_ssn",
            "sourceId": SOURCE_ID,
            "destinationId": CLASSIC_ID,
            "if": 'type = "identify"',
            "actions": [{"type": "drop_properties", "fields": {"traits": ["ssn"]}}],
            "title": "Strip ssn trait",
            "description": "",
            "enabled": True,
            "createdAt": at,
            "updatedAt": at,
        },
    ]
    return {
        "version": 1,
        "next_id": 1,
        "workspace": {"id": WORKSPACE_ID, "name": "cio-tui sandbox", "slug": "cio-tui-sandbox"},
        "sources": [
            {
                "id": SOURCE_ID,
                "slug": "website",
                "name": "Website",
                "enabled": True,
                "workspaceId": WORKSPACE_ID,
                "writeKeys": [WRITE_KEY],
                "labels": [],
                "settings": {},
                "metadata": {"id": "IqDTy1TpoU", "slug": "javascript", "name": "Javascript"},
            }
        ],
        "destinations": [
            {
                "id": CLASSIC_ID,
                "name": "Customer.io",
                "enabled": True,
                "sourceId": SOURCE_ID,
                "metadataId": CLASSIC_METADATA_ID,
                "settings": {"siteId": SITE_ID, "apiKey": TRACK_KEY, "datacenter": "", "convertToUnixTime": True},
            }
        ],
        "subscriptions": [],
        "filters": filters,
        "deliveries": [],
    }


class SegmentState:
    """Load-modify-save access to the JSON document. ``with state.edit() as doc:`` holds the lock and saves."""

    def __init__(self, db_path: str | Path, clock: Clock) -> None:
        self.clock = clock
        text = str(db_path)
        self.path: Path | None = None if text in ("", ":memory:") else Path(text + ".segment.json")
        self._memory: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self.path is None:
            yield
            return
        try:
            import fcntl
        except ImportError:  # Windows: one process at a time is the operator's care
            yield
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _load(self) -> dict[str, Any]:
        if self.path is None:
            if self._memory is None:
                self._memory = seed_state(self.clock())
            return self._memory
        if not self.path.exists():
            doc = seed_state(self.clock())
            self._save(doc)
            return doc
        return cast("dict[str, Any]", json.loads(self.path.read_text(encoding="utf-8")))

    def _save(self, doc: dict[str, Any]) -> None:
        if self.path is None:
            self._memory = doc
            return
        tmp = self.path.with_name(self.path.name + f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)

    def read(self) -> dict[str, Any]:
        with self._lock, self._file_lock():
            return self._load()

    @contextlib.contextmanager
    def edit(self) -> Iterator[dict[str, Any]]:
        with self._lock, self._file_lock():
            doc = self._load()
            yield doc
            self._save(doc)

    @staticmethod
    def new_id(doc: dict[str, Any], prefix: str) -> str:
        n = int(doc.get("next_id", 1))
        doc["next_id"] = n + 1
        return f"{prefix}_{n:06d}"


__all__ = [
    "CLASSIC_ID",
    "SOURCE_ID",
    "TOKEN",
    "TOKEN_NO_PUBLIC_API",
    "TOKEN_NO_SUBSCRIPTIONS",
    "WORKSPACE_ID",
    "WRITE_KEY",
    "SegmentState",
    "iso",
    "seed_state",
]
