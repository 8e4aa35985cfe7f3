"""Generator determinism, duplicate clusters, CSV writer, token bucket and fault draws (no server)."""

from __future__ import annotations

import csv

from cio_tui.sandbox.faults import FaultInjector
from cio_tui.sandbox.generator import BASE_TIME, Generator
from cio_tui.sandbox.limits import TokenBucket
from cio_tui.sandbox.seeding import ground_truth, seed_workspace, write_export_csv
from cio_tui.sandbox.store import Store, norm_email


def _people(seed: int, n: int = 400, mode: str = "email_or_id"):
    return [(p.id, p.email, p.created_at, p.cluster) for p in Generator(seed, mode).people(n)]


def test_generator_is_deterministic_and_uses_a_fixed_base_time() -> None:
    assert _people(5) == _people(5)
    assert _people(5) != _people(6)
    assert all(created < BASE_TIME for _, _, created, _ in _people(5))


def test_seeded_workspace_has_every_kind_and_clusters_hold(tmp_path) -> None:
    store = Store(tmp_path / "w.db")
    seed_workspace(store, people=1500, seed=7)
    truth = ground_truth(store)
    kinds = {c["kind"] for c in truth}
    assert kinds == {"same_email", "lead_and_id_person", "id_is_email", "case_variant_id", "shared_anonymous_id"}
    for cluster in truth:
        people = [store.by_cio(c) for c in cluster["cio_ids"]]
        if cluster["kind"] == "same_email":
            assert len({norm_email(p.email) for p in people}) == 1
        elif cluster["kind"] == "case_variant_id":
            assert len({p.id.lower() for p in people}) == 1 and len({p.id for p in people}) == 2
        elif cluster["kind"] == "shared_anonymous_id":
            assert len({p.attrs["anonymous_id"] for p in people}) == 1
    db = store.db
    assert db.execute("SELECT count(*) FROM people WHERE id IS NULL").fetchone()[0] > 0  # leads
    assert db.execute("SELECT count(*) FROM people WHERE id LIKE '%@%'").fetchone()[0] > 0  # email as id
    assert db.execute("SELECT count(*) FROM people WHERE unsubscribed=1").fetchone()[0] > 0
    assert store.count_suppressed() > 0
    for table in ("devices", "segment_members", "messages", "activities"):
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
    store.close()


def test_export_writer_matches_the_seeded_workspace(tmp_path) -> None:
    out = tmp_path / "people.csv"
    truth = write_export_csv(out, people=600, seed=7, ground_truth_path=tmp_path / "truth.json")
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0])[:4] == ["cio_id", "id", "email", "created_at"] and len(rows) == 600
    store = Store(tmp_path / "w.db")
    seed_workspace(store, people=600, seed=7)
    assert [c["cio_ids"] for c in truth] == [c["cio_ids"] for c in ground_truth(store)]
    first = store.by_cio(rows[0]["cio_id"])
    assert (first.id or "", first.email or "", str(first.created_at)) == (
        rows[0]["id"],
        rows[0]["email"],
        rows[0]["created_at"],
    )
    assert (tmp_path / "truth.json").exists()
    store.close()


def test_id_only_generator_has_no_leads() -> None:
    assert all(pid for pid, *_ in _people(3, 500, "id_only"))


def test_token_bucket_refills_at_its_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(2, monotonic=lambda: now[0])
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.5]
    now[0] = 0.5
    assert bucket.take() == 0.0
    assert TokenBucket(0).take() == 0.0


def test_fault_draws_are_reproducible_and_429_is_never_applied() -> None:
    a, b = FaultInjector(0.5, 9), FaultInjector(0.5, 9)
    seq_a = [a.draw(is_write=True) for _ in range(200)]
    assert seq_a == [b.draw(is_write=True) for _ in range(200)]
    faults = [f for f in seq_a if f]
    assert 60 < len(faults) < 140
    assert not any(f.applied for f in faults if f.kind == "429")
    assert any(f.applied for f in faults) and not all(f.applied for f in faults if f.kind != "429")


def test_seeding_reports_progress_to_the_end(tmp_path) -> None:
    store = Store(tmp_path / "w.db")
    calls: list[tuple[int, int]] = []
    seed_workspace(store, people=250, seed=7, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(100, 250), (200, 250), (250, 250)]
    assert store.count_people() == 250
