"""Test isolation: no real keyring, no user config or data dir, no CIO_TUI_* from the developer's shell."""

from __future__ import annotations

import os

import keyring
import pytest
from keyring.backend import KeyringBackend


class InMemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def pytest_configure(config: pytest.Config) -> None:
    """Byte-compile the app and the tests once, before any xdist worker starts, as ``pip install`` does for an
    installed package: an editable install leaves the source tree uncompiled, and with ``PYTHONDONTWRITEBYTECODE``
    set (this machine image sets it) every worker and every ``cio-tui`` subprocess a test starts compiled all of
    ``cio_tui`` from source again. pytest's rewritten test modules and plugins are cached once the same way
    (``tests/rewrite_ahead.py``): each worker rewrote them again, 4-5 s CPU per worker."""
    if hasattr(config, "workerinput"):  # a worker: the controller did it
        return
    import compileall
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    for folder in ("cio_tui", "tests"):
        compileall.compile_dir(root / folder, quiet=1, workers=1)
    from tests.rewrite_ahead import rewrite_ahead

    rewrite_ahead(config, root / "tests")


@pytest.fixture(autouse=True)
def memory_keyring() -> InMemoryKeyring:
    """Every test gets a fresh in-memory keyring; the real one is never touched."""
    backend = InMemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def forget_secrets():
    """Keys registered for redaction by one test (e.g. an App key "nope") must not redact words in the next one."""
    from cio_tui import redaction

    before = set(redaction._known_secrets)
    yield
    redaction._known_secrets.intersection_update(before)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    """Config file, data dir and cache folder live under tmp_path; CIO_TUI_* from the shell are cleared."""
    for name in list(os.environ):
        if name.startswith("CIO_TUI_"):
            monkeypatch.delenv(name)
    cfg = tmp_path / "config" / "config.toml"
    data = tmp_path / "data"
    monkeypatch.setenv("CIO_TUI_CONFIG", str(cfg))
    monkeypatch.setenv("CIO_TUI_DATA_DIR", str(data))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))  # the CSS cache and its key: never ~/.cache
    return {"config": cfg, "data": data}


@pytest.fixture(scope="session")
def seeded_templates(tmp_path_factory: pytest.TempPathFactory):
    """Seeded sandbox files made once per session (per xdist worker), by (people, seed, mode)."""
    from cio_tui.sandbox import embedded
    from tests.seeded import SeededTemplates

    return SeededTemplates(tmp_path_factory.mktemp("seeded"), embedded.ensure_seeded)


@pytest.fixture(autouse=True)
def seed_by_copy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every seeding path copies a session-seeded file (see ``tests/seeded.py``), unless the test is marked
    ``fresh_seed``."""
    if request.node.get_closest_marker("fresh_seed") is not None:
        return
    from cio_tui.sandbox import embedded

    templates = request.getfixturevalue("seeded_templates")
    monkeypatch.setattr(embedded, "ensure_seeded", templates.ensure_seeded)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (README, ``.ci/run``): two workers per core, at most four more than the cores. Much of the suite
    waits rather than computes (Textual's pauses between key presses, sandbox visibility lags, a lease's window, the
    JVM, subprocesses), and a second worker per core computes while the first waits. More workers ended sooner only
    in a tree already byte-compiled; from a fresh clone six workers took 224 s against 190 s for four (each one
    starts, imports and seeds on its own). ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still decides when set."""
    env = os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS")
    if env and env.isdigit():
        return int(env)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2 * cores, cores + 4)


def _is_slow_scenario(item: pytest.Item) -> bool:
    """The scenario tests that run the whole app or the sandbox end to end (seconds each): every snapshot test,
    every TUI test that drives the app on the seeded sandbox (``make_app``), every integration test. They run in
    ``.ci/run`` (``python -m pytest -q``); ``-m "not slow"`` leaves them out for the quick loop."""
    path = item.path.as_posix()
    if "/tests/integration/" in path or path.endswith("_snapshots.py"):
        return True
    return "make_app" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    slow = pytest.mark.slow
    for item in items:
        if _is_slow_scenario(item) and item.get_closest_marker("slow") is None:
            item.add_marker(slow)
    workers = getattr(config, "workerinput", {}).get("workercount")
    if workers:
        items[:] = long_tests_first(items, int(workers))


def _long_seconds(item: pytest.Item) -> float:
    marker = item.get_closest_marker("long")
    return float(marker.args[0]) if marker is not None and marker.args else 0.0


def long_tests_first(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """The collection reordered so that each xdist worker starts with its share of the tests marked ``long``.

    ``--dist worksteal`` hands worker k the k-th of ``workers`` contiguous slices of the collection (each
    ``len(left) // workers_left`` long), and an idle worker later steals from the end of the longest queue. A long
    test near the end of a slice would run last, alone, while the other core idles: the run's tail. So the long tests,
    longest first, are dealt out round-robin to the slices and placed right after each slice's first test (one short
    test ahead, so a slice boundary one off would still keep them at the head). Every worker collects the same list
    and so makes the same order (xdist checks it)."""
    long = sorted((i for i in items if _long_seconds(i) > 0), key=_long_seconds, reverse=True)
    if not long or workers < 2:
        return items
    rest = [i for i in items if _long_seconds(i) == 0]
    shares = [long[k::workers] for k in range(workers)]
    ordered: list[pytest.Item] = []
    left = len(items)
    for k in range(workers):
        size = left // (workers - k)
        take = max(0, size - len(shares[k]))
        head, rest = rest[:take], rest[take:]
        ordered += head[:1] + shares[k] + head[1:]
        left -= size
    return ordered + rest


def pytest_collection_finish(session: pytest.Session) -> None:
    """Fewer garbage collections: everything imported so far (Textual, pydantic, the app's modules, the test modules)
    lives as long as the session, so it is frozen out of the collector's reach (until the first app test leaves:
    ``heap.release`` hands the whole permanent generation back, and freezing again after each test would cost a full
    collection each time), and the youngest generation is collected every 10,000 allocations rather than 700. A
    Textual test allocates many short-lived objects, and the collector's passes over the long-lived heap cost several
    percent of the suite's CPU; no test depends on when a cycle is collected (the collector still runs, only less
    often)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
