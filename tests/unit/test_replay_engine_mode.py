"""A replay's what-if copy runs the engine in its replay mode (no behaviour names on the records, people read
without copies where nothing changes them); it must do exactly what the engine does in its normal mode.

Both run the requests of generated traffic (every kind of call, odd values, refusals) through both destinations,
request by request, against the normal mode over a store whose every read is a copy: the answers, every record's
outcome and the people at the end must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cio_tui.model import Engine, MemoryStorage, Person, WorkspaceSettings
from cio_tui.model.engine import _segments
from cio_tui.model.record import OpRecord
from cio_tui.segment.replay.copies import WhatIfCopy
from cio_tui.segment.replay.drive import Call, Mapping, mapped
from tests.unit.test_replay_fast_path import STARTERS, write_traffic


class CopyingStorage(MemoryStorage):
    """The reference: every read is a copy, as from SQLite (``holders`` of a memory store may hand its own)."""

    def holders(self, kind: str, value: str) -> list[Person]:
        return [p.copy() for p in super().holders(kind, value)]


def _outcome(rec: OpRecord) -> tuple[object, ...]:
    return (rec.kind, rec.roles, rec.facts, rec.activities, rec.error, rec.details)


@pytest.mark.parametrize("seed", [3, 11])
@pytest.mark.parametrize(
    "settings",
    [WorkspaceSettings(), WorkspaceSettings(auto_merge=True, email_update_by_id=True)],
    ids=["default", "auto_merge"],
)
def test_the_replay_mode_does_what_the_normal_mode_does(tmp_path: Path, seed: int, settings: WorkspaceSettings) -> None:
    traffic = tmp_path / "traffic.jsonl"
    write_traffic(traffic, 3000, 120, seed)
    events = [e for e in mapped([traffic], Mapping(), lambda *_: None) if isinstance(e, Call)]
    assert len(events) > 2500
    for side in ("classic", "actions"):
        copy = WhatIfCopy(side, STARTERS, settings)
        reference_store = CopyingStorage(cio_prefix=f"{side}_new")
        for person in STARTERS:
            reference_store.add_person(person)
        reference = Engine(reference_store, settings, clock=lambda copy=copy: copy.now)
        kinds = set()
        for event in events:
            copy.now = event.now
            for method, path, body, _alias in event.classic if side == "classic" else event.actions:
                want = reference.execute(method, path, body)
                got = copy.engine.execute(method, path, body)
                assert (got.status, got.body) == (want.status, want.body), (method, path, body)
                assert [_outcome(r) for r in got.records] == [_outcome(r) for r in want.records], (method, path, body)
                assert all(set(r.behaviours) <= {"v2_batch"} for r in got.records)
                kinds.update(r.kind for r in want.records)
        assert copy.storage.people == reference_store.people
        assert len(kinds) >= 6, kinds  # the traffic reaches many branches, not only the common ones


PATHS = ["/api/v1/customers/u1", "/api/v1/customers/u1/events", "/api/v1/customers/u1/", "/api/v1/customers//events",
         "/api/v1/customers/a%40b.io", "/api/v1/customers/u1?x=1", "/api/v1/customers/u1/devices",
         "/api/v1/customers/", "/api/v1/customers/u1/devices/t1", "/api/v1/customers/u2/suppress",
         "/api/v1/customers/u1/bogus/more", "/api/v1/customers/cio_abc", "/api/v1/events", "/api/v2/entity",
         "/api/v1/customers/u2/events/", "/api/v1/customers/u2/devices/t2", "/api/v1/customers/u3"]  # fmt: skip


def test_a_persons_path_routes_as_its_decoded_segments_say() -> None:
    engine = Engine(MemoryStorage())  # one engine: a route learnt for one path must not answer for another
    for _ in range(2):
        for path in PATHS:
            for method in ("PUT", "POST", "DELETE", "get"):
                segs = _segments(path)
                assert engine._lookup(method, path) == (Engine._route(method.upper(), segs), segs), (method, path)
