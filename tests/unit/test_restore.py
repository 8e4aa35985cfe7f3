"""Restore plans from a before-snapshot, on a fake workspace: what is put back, what is refused and why."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cio_tui.customerio.models import Person
from cio_tui.identity.journal_search import PersonHit
from cio_tui.identity.restore import RestoreError, pick_hit, plan_restore


class FakeClient:
    def __init__(self, *people: Person) -> None:
        self.people = {p.cio_id: p for p in people}

    async def get_people(self, who):
        out = []
        for ident in who:
            kind = ident.kind.value
            value = {"cio_id": "cio_id", "id": "id", "email": "email"}[kind]
            out += [p for p in self.people.values() if getattr(p, value) == ident.value]
        return out


def hit(cio_id: str, before: dict | None, *, role: str = "subject", state: str = "done", op: str = "op-00001"):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    return PersonHit(plan_id="p" * 16, source="merge-duplicates", op_id=op, kind="merge", summary="merge",
                     cio_id=cio_id, role=role, state=state, at=at, before=before)  # fmt: skip


SNAP = {"cio_id": "c1", "id": "u1", "email": "u1@x.co", "exists": True,
        "attributes": {"plan": "free", "city": "Oslo", "created_at": "100"}}  # fmt: skip


async def test_attributes_go_back_and_added_ones_are_named() -> None:
    now = Person(cio_id="c1", id="u1", email="u1@x.co", attributes={"plan": "pro", "extra": "x", "created_at": "100"})
    build = await plan_restore(FakeClient(now), [hit("c1", SNAP)], workspace_fingerprint="us:f", workspace_name="w")
    assert build.plan is not None
    [op] = build.plan.operations
    assert op.kind == "identify" and op.request.body == {"plan": "free", "city": "Oslo"}
    assert op.request.path == "/api/v1/customers/cio_c1"
    [person] = build.people
    assert "attribute plan: 'pro' -> 'free'" in person.restores
    assert person.cannot == [
        "attribute(s) added since stay: extra (they did not exist before; remove them in Customer.io if they must go)"
    ]


async def test_an_id_now_held_by_another_person_is_not_taken_back() -> None:
    now = Person(cio_id="c1", id="u1-new", email="u1@x.co", attributes={"plan": "free", "city": "Oslo"})
    other = Person(cio_id="c9", id="u1")
    build = await plan_restore(FakeClient(now, other), [hit("c1", SNAP)], workspace_fingerprint="us:f",
                               workspace_name="w")  # fmt: skip
    assert build.plan is None
    assert "the id 'u1' now belongs to cio_c9" in build.people[0].cannot[0]


async def test_a_merged_away_secondary_cannot_come_back() -> None:
    build = await plan_restore(FakeClient(), [hit("c1", SNAP, role="secondary")], workspace_fingerprint="us:f",
                               workspace_name="w")  # fmt: skip
    assert build.plan is None
    assert "it was merged into another person and deleted" in build.people[0].cannot[0]


def test_the_latest_applied_snapshot_is_picked_unless_one_is_named() -> None:
    hits = [hit("c1", SNAP, op="op-00001"), hit("c1", SNAP, op="op-00002"), hit("c1", SNAP, op="op-00003",
                                                                                 state="skipped_stale")]  # fmt: skip
    assert pick_hit(hits).op_id == "op-00002"
    assert pick_hit(hits, op_id="op-00001").op_id == "op-00001"
    with pytest.raises(RestoreError, match="no before-snapshot of this person"):
        pick_hit([hit("c1", None)])
