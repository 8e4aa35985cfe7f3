"""The sandbox seeded once per test session, copied per test.

Seeding is deterministic (people, seed, mode -> the same rows), so a test that needs a seeded workspace file gets a
copy of one seeded earlier in the session instead of seeding its own: ``SeededTemplates.ensure_seeded`` replaces
``cio_tui.sandbox.embedded.ensure_seeded`` for every test (``tests/conftest.py``), which every seeding path goes
through (the TUI's first open, ``embedded_transport``, ``cio-tui sandbox ...`` in-process, the loopback fixtures).

A file that already exists (a test reopening its workspace, a reset) still goes through the real function, and so
does every test marked ``fresh_seed`` (the tests that watch seeding itself: progress, threads). A copied seed
reports its progress once, at the end, as the real one's last report does.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from cio_tui.sandbox import embedded

Progress = Callable[[int, int], None]


class SeededTemplates:
    def __init__(self, folder: Path, real: Callable[..., bool]) -> None:
        self.folder = folder
        self.real = real
        self.made: dict[tuple[int, int, str], Path] = {}

    def template(self, people: int, seed: int, mode: str) -> Path | None:
        key = (people, seed, mode)
        if key not in self.made:
            path = self.folder / f"seed-{people}-{seed}-{mode}.db"
            self.real(path, people=people, seed=seed, mode=mode)
            # closed cleanly, WAL checkpointed into the file: one file is the whole workspace
            if any(path.with_name(path.name + suffix).exists() for suffix in ("-wal", "-journal")):
                return None
            self.made[key] = path
        return self.made[key]

    def ensure_seeded(
        self,
        db_path: str | Path,
        *,
        people: int = embedded.DEFAULT_PEOPLE,
        seed: int = embedded.DEFAULT_SEED,
        mode: str = "email_or_id",
        progress: Progress | None = None,
    ) -> bool:
        path = Path(db_path)
        template = None if path.exists() else self.template(people, seed, mode)
        if template is None:
            return self.real(path, people=people, seed=seed, mode=mode, progress=progress)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, path)
        if progress is not None:
            progress(people, people)
        return True


__all__ = ["SeededTemplates"]
