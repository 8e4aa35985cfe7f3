"""The tests' seeded-sandbox cache (tests/seeded.py) gives each test exactly what seeding it would have: the same
rows, the same meta, its own file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from cio_tui.sandbox import embedded
from tests.seeded import SeededTemplates

TABLES = ("people", "activities", "devices", "segment_members", "messages", "suppressions", "clusters", "meta")


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as db:
        return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


@pytest.mark.fresh_seed
def test_a_copied_seed_is_the_seed_and_each_test_gets_its_own_file(tmp_path: Path) -> None:
    templates = SeededTemplates(tmp_path / "templates", embedded.ensure_seeded)
    (tmp_path / "templates").mkdir()
    progress: list[tuple[int, int]] = []
    assert templates.ensure_seeded(
        tmp_path / "a" / "copy.db", people=60, seed=3, progress=lambda d, t: progress.append((d, t))
    )
    assert templates.ensure_seeded(tmp_path / "b" / "copy.db", people=60, seed=3)
    assert embedded.ensure_seeded(tmp_path / "fresh.db", people=60, seed=3)
    fresh = _dump(tmp_path / "fresh.db")
    assert fresh["people"] and _dump(tmp_path / "a" / "copy.db") == fresh == _dump(tmp_path / "b" / "copy.db")
    assert progress == [(60, 60)]  # the last report of a real seeding, once
    assert len(templates.made) == 1  # seeded once for both copies
    # an existing file goes through the real function: already seeded, nothing copied over it
    assert templates.ensure_seeded(tmp_path / "a" / "copy.db", people=60, seed=3) is False


def test_every_test_seeds_by_copy_unless_marked() -> None:
    assert isinstance(getattr(embedded.ensure_seeded, "__self__", None), SeededTemplates)


@pytest.mark.fresh_seed
def test_a_fresh_seed_test_seeds_for_real() -> None:
    assert getattr(embedded.ensure_seeded, "__self__", None) is None
