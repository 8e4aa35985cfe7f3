"""Fill a workspace db from the generator (fast: one transaction, executemany), the ground truth of its duplicate
clusters, and a fast people-export CSV writer (1,000,000 rows) for benchmarks of the duplicate finder."""

from __future__ import annotations

import csv
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cio_tui.model.person import norm_email
from cio_tui.sandbox.generator import BASE_TIME, SEGMENTS, Generator, GenPerson
from cio_tui.sandbox.store import Store, cio_for

DEFAULT_PEOPLE = 2000
DEFAULT_SEED = 7
CHUNK = 20_000
PROGRESS_EVERY = 100  # people between two progress reports

Progress = Callable[[int, int], None]
"""``progress(done, total)``: people generated so far, of ``total`` (called from the seeding thread)."""
EXPORT_ATTRIBUTES = ("first_name", "last_name", "plan", "company", "anonymous_id", "logins")


def is_seeded(store: Store) -> bool:
    return store.get_meta("seeded") is not None


def seed_workspace(
    store: Store,
    *,
    people: int,
    seed: int,
    mode: str = "email_or_id",
    name: str | None = None,
    progress: Progress | None = None,
) -> None:
    """Replace nothing: seed an EMPTY workspace with ``people`` generated people (deterministic from the seed).
    ``progress`` is told every ``PROGRESS_EVERY`` people and at the end."""
    if store.count_people():
        raise ValueError("the workspace already has people; reset it before seeding")
    gen = Generator(seed, mode)
    db = store.db
    with store.tx():
        db.execute("PRAGMA cache_size=-65536")
        store.set_meta("mode", mode)
        db.executemany("INSERT OR REPLACE INTO segments(id, name, description, type) VALUES(?,?,?,?)", SEGMENTS)
        rows: list[tuple[Any, ...]] = []
        acts: list[tuple[Any, ...]] = []
        devs: list[tuple[Any, ...]] = []
        members: list[tuple[Any, ...]] = []
        msgs: list[tuple[Any, ...]] = []
        clusters: list[tuple[Any, ...]] = []
        for number, p in enumerate(gen.people(people), start=1):
            cio = cio_for(number)
            rows.append(
                (
                    number,
                    cio,
                    p.id,
                    p.email,
                    norm_email(p.email),
                    p.created_at,
                    p.created_at,
                    int(p.unsubscribed),
                    json.dumps(p.attrs),
                )
            )
            acts.extend((cio, t, n, ts, json.dumps(d)) for t, n, ts, d in p.events)
            devs.extend((cio, d, plat, last) for d, plat, last in p.devices)
            members.extend((s, cio) for s in p.segments)
            msgs.extend((cio, t, subj, created, '{"delivered": 1}') for t, subj, created in p.messages)
            if p.cluster:
                clusters.append((p.cluster[0], p.cluster[1], cio))
            if len(rows) >= CHUNK:
                _flush(db, rows, acts, devs, members, msgs)
            if progress is not None and number % PROGRESS_EVERY == 0 and number < people:
                progress(number, people)
        _flush(db, rows, acts, devs, members, msgs)
        db.executemany("INSERT INTO clusters(cluster_id, kind, cio_id) VALUES(?,?,?)", clusters)
        groups = [[("id", i), ("email", e)] for i, e in gen.suppressed(max(1, people // 200))]
        for group in groups:
            store.suppress(group)
        store.set_meta("next_pk", people + 1)
        store.set_meta("seeded", json.dumps({"people": people, "seed": seed, "mode": mode, "base_time": BASE_TIME}))
        if name:
            store.set_meta("workspace_name", name)
    if progress is not None:
        progress(people, people)


def _flush(
    db: sqlite3.Connection,
    rows: list[tuple[Any, ...]],
    acts: list[tuple[Any, ...]],
    devs: list[tuple[Any, ...]],
    members: list[tuple[Any, ...]],
    msgs: list[tuple[Any, ...]],
) -> None:
    db.executemany(
        "INSERT INTO people(pk, cio_id, id, email, email_norm, created_at, updated_at, unsubscribed, attrs) "
        "VALUES(?,?,?,?,?,?,?,?,?)",
        rows,
    )
    db.executemany("INSERT INTO activities(cio_id, type, name, timestamp, data) VALUES(?,?,?,?,?)", acts)
    db.executemany("INSERT OR IGNORE INTO devices(cio_id, device_id, platform, last_used) VALUES(?,?,?,?)", devs)
    db.executemany("INSERT OR IGNORE INTO segment_members(segment_id, cio_id) VALUES(?,?)", members)
    db.executemany("INSERT INTO messages(cio_id, type, subject, created, metrics) VALUES(?,?,?,?,?)", msgs)
    for batch in (rows, acts, devs, members, msgs):
        batch.clear()


def ground_truth(store: Store) -> list[dict[str, Any]]:
    """The generator's duplicate clusters still present: ``[{"cluster", "kind", "cio_ids": [...]}]`` (2+ members)."""
    with store.lock:
        rows = store.db.execute(
            "SELECT c.cluster_id, c.kind, c.cio_id FROM clusters c JOIN people p ON p.cio_id=c.cio_id "
            "ORDER BY c.cluster_id, p.pk"
        ).fetchall()
    groups: dict[int, dict[str, Any]] = {}
    for cluster, kind, cio in rows:
        groups.setdefault(cluster, {"cluster": cluster, "kind": kind, "cio_ids": []})["cio_ids"].append(cio)
    return [g for g in groups.values() if len(g["cio_ids"]) > 1]


def write_export_csv(
    path: str | Path, *, people: int, seed: int, mode: str = "email_or_id", ground_truth_path: str | Path | None = None
) -> list[dict[str, Any]]:
    """Write a people export CSV (header ``cio_id,id,email,created_at,<attributes>``) straight from the generator,
    with no database (1,000,000 rows in seconds). Returns the clusters and writes them as JSON when asked."""
    gen = Generator(seed, mode, history=False)
    clusters: dict[int, dict[str, Any]] = defaultdict(dict)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["cio_id", "id", "email", "created_at", *EXPORT_ATTRIBUTES])
        chunk: list[list[Any]] = []
        for number, p in enumerate(gen.people(people), start=1):
            chunk.append(_csv_row(number, p))
            if p.cluster:
                c = clusters[p.cluster[0]]
                c.setdefault("cluster", p.cluster[0])
                c.setdefault("kind", p.cluster[1])
                c.setdefault("cio_ids", []).append(cio_for(number))
            if len(chunk) >= CHUNK:
                writer.writerows(chunk)
                chunk.clear()
        writer.writerows(chunk)
    truth = [c for c in clusters.values() if len(c["cio_ids"]) > 1]
    if ground_truth_path is not None:
        Path(ground_truth_path).write_text(json.dumps({"clusters": truth}, indent=1), encoding="utf-8")
    return truth


def _csv_row(number: int, p: GenPerson) -> list[Any]:
    a = p.attrs
    return [cio_for(number), p.id or "", p.email or "", p.created_at, *(a.get(k, "") for k in EXPORT_ATTRIBUTES)]


def ensure_seeded(
    db_path: str | Path,
    *,
    people: int = DEFAULT_PEOPLE,
    seed: int = DEFAULT_SEED,
    mode: str = "email_or_id",
    progress: Progress | None = None,
) -> bool:
    """Seed the workspace db if it was never seeded; True when it seeded now (``progress(done, total)`` as it goes)."""
    store = Store(db_path)
    try:
        if is_seeded(store) or store.count_people():
            return False
        seed_workspace(store, people=people, seed=seed, mode=mode, progress=progress)
        return True
    finally:
        store.close()


def default_db_path(data_dir: str | Path) -> Path:
    """The embedded sandbox workspace file under the app's data dir (shared by ``--sandbox`` and ``sandbox serve``)."""
    return Path(data_dir) / "sandbox" / "sandbox.db"
