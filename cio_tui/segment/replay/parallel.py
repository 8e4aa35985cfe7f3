"""The classic half of a replay in a second process, so a large replay uses two cores and splits its memory.

Each what-if copy depends only on the requests of its own destination, in delivery order. So the second process
reads the traffic itself, maps every call through the classic destination only and runs those requests into the
classic copy (``drive.mapped`` and ``drive.Copies`` with ``sides=("classic",)``), while this process does the same
for the Actions destination and its copy. Nothing passes between them per call; at the end the worker hands back
what the diff reads of its copy (``CopyEnd``, pickled) and its peak memory. Each process holds one copy, so the
memory of the two is about that of one process holding both. The results are the ones one process gives (tested),
and ``cio-tui replay`` says when two processes ran.

The classic half is the one sent away because everything it needs pickles (the operator's subscriptions hold
compiled triggers, which stay here).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
from multiprocessing.connection import Connection
from pathlib import Path

from cio_tui.model import Person, WorkspaceSettings
from cio_tui.segment.replay.copies import CopyEnd
from cio_tui.segment.replay.drive import Copies, Mapping, fewer_collections, mapped

PARALLEL_BYTES = 8_000_000  # from this much traffic a second process pays for its start (about a second)


def worth_it(traffic_bytes: int, jobs: int | None) -> bool:
    """Two processes when asked (``jobs=2``), or by default for large traffic on a machine with two cores free."""
    if jobs is not None:
        return jobs >= 2
    return traffic_bytes >= PARALLEL_BYTES and len(os.sched_getaffinity(0)) >= 2


def _quiet(_source: int, _line: int, _why: str) -> None:
    """The worker's problems are this process's too: this process tells them."""


def _classic_worker(
    conn: Connection, paths: list[Path], mapping: Mapping, people: list[Person], settings: WorkspaceSettings
) -> None:
    try:
        copies = Copies(people, settings, sides=("classic",))
        with fewer_collections():
            for event in mapped(paths, mapping, _quiet):
                copies.apply(event)
        end = copies.end("classic")
        del copies
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        conn.send(("ok", end, peak, time.process_time()))
    except BaseException as exc:  # noqa: BLE001 - said to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class ClassicWorker:
    """Starts replaying the classic half at once; ``result()`` waits for its copy; ``stop()`` always (after an
    error in this process the worker is stopped at once)."""

    def __init__(self, paths: list[Path], mapping: Mapping, people: list[Person], settings: WorkspaceSettings) -> None:
        # spawn, not fork: a replay may run in a thread of the TUI, and a forked thread-holding process can deadlock
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe(duplex=False)
        classic = Mapping(classic_settings=mapping.classic_settings, through_models=mapping.through_models,
                          sides=("classic",))  # fmt: skip
        self._process = context.Process(target=_classic_worker, args=(child, paths, classic, people, settings),
                                        daemon=True, name="cio-tui-replay-classic")  # fmt: skip
        self._process.start()
        child.close()
        self.peak_rss = 0  # bytes, the worker's peak resident memory (known after ``result``)
        self.cpu = 0.0  # the worker's CPU seconds (known after ``result``)

    def result(self) -> CopyEnd:
        try:
            reply = self._conn.recv()
        except EOFError:
            raise RuntimeError(
                f"the replay's second process stopped without a result (exit code {self._process.exitcode})"
            ) from None
        if not (isinstance(reply, tuple) and reply[0] == "ok" and len(reply) == 4):
            raise RuntimeError(f"the replay's second process failed: {reply[1] if len(reply) > 1 else reply}")
        _, classic, peak, cpu = reply
        if not isinstance(classic, CopyEnd):
            raise RuntimeError("the replay's second process sent an unexpected result")
        self.peak_rss, self.cpu = int(peak), float(cpu)
        return classic

    def stop(self, *, finished: bool) -> None:
        """After ``result()`` (``finished``) the worker is exiting; otherwise it is stopped at once."""
        self._conn.close()
        if finished and self._process.is_alive():
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
