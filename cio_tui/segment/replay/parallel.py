"""The classic side of a replay in a second process, so a large replay uses two cores.

The two what-if copies are independent (``drive``): a worker process reads the same traffic in the same delivery
order and drives the classic copy while this process drives the Actions copy; at the end the worker hands back what
the diff reads of its copy (``CopyEnd``, pickled over a pipe). The results are the ones one process gives; the work
is not less, only spread (``cio-tui replay`` says which it did). The worker reports nothing: this process reads the
same lines and reports their problems and the progress.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from cio_tui.model import Person, WorkspaceSettings
from cio_tui.segment.classic import ClassicSettings
from cio_tui.segment.replay.copies import CopyEnd, WhatIfCopy
from cio_tui.segment.replay.drive import Sides, drive

PARALLEL_BYTES = 8_000_000  # from this much traffic a second process pays for its start (about a second)


def worth_it(traffic_bytes: int, jobs: int | None) -> bool:
    """Two processes when asked (``jobs=2``), or by default for large traffic on a machine with two cores free."""
    if jobs is not None:
        return jobs >= 2
    return traffic_bytes >= PARALLEL_BYTES and len(os.sched_getaffinity(0)) >= 2


@dataclass
class _Job:
    paths: list[Path]
    people: list[Person]
    settings: WorkspaceSettings
    classic_settings: ClassicSettings | None
    through_models: bool


def _quiet(source: int, line: int, why: str) -> None:
    """The worker's problems: the parent process reports the same ones."""


def _classic_worker(conn: Connection, job: _Job) -> None:
    try:

        def new_sides() -> Sides:
            return Sides(classic=WhatIfCopy("classic", job.people, job.settings), actions=None,
                         classic_settings=job.classic_settings, through_models=job.through_models)  # fmt: skip

        _counts, sides = drive(job.paths, new_sides, _quiet)
        assert sides.classic is not None
        conn.send(("ok", sides.classic.end()))
    except BaseException as exc:  # noqa: BLE001 - said to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class ClassicWorker:
    """``start()`` the classic side elsewhere; ``result()`` waits for its ``CopyEnd``; ``stop()`` always."""

    def __init__(self, job: _Job) -> None:
        # spawn, not fork: a replay may run in a thread of the TUI, and a forked thread-holding process can deadlock
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe(duplex=False)
        self._process = context.Process(target=_classic_worker, args=(child, job), daemon=True,
                                        name="cio-tui-replay-classic")  # fmt: skip
        self._child = child

    def start(self) -> None:
        self._process.start()
        self._child.close()

    def result(self) -> CopyEnd:
        try:
            status, value = self._conn.recv()
        except EOFError:
            raise RuntimeError("the classic side of the replay stopped without a result") from None
        if status != "ok" or not isinstance(value, CopyEnd):
            raise RuntimeError(f"the classic side of the replay failed: {value}")
        return value

    def stop(self, *, finished: bool) -> None:
        """After ``result()`` (``finished``) the worker is exiting; otherwise it is stopped at once."""
        self._conn.close()
        if finished and self._process.is_alive():
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()


def classic_worker(
    paths: list[Path],
    people: list[Person],
    settings: WorkspaceSettings,
    classic_settings: ClassicSettings | None,
    *,
    through_models: bool,
) -> ClassicWorker:
    return ClassicWorker(_Job(paths, people, settings, classic_settings, through_models))
