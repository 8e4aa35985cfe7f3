"""The model of Customer.io of a replay in a second process, so a large replay uses two cores.

This process reads the traffic and maps every call through both destinations (``drive.mapped``); a worker process
runs the requests into the two what-if copies (``drive.Copies``), in the same order, and at the end hands back what
the diff reads of them (``CopyEnd``, pickled). The two halves cost about the same, so the work is spread, not
lessened: the results are the ones one process gives (tested), and ``cio-tui replay`` says when two processes ran.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
from multiprocessing.connection import Connection

from cio_tui.model import Person, WorkspaceSettings
from cio_tui.segment.replay.copies import CopyEnd
from cio_tui.segment.replay.drive import Copies, Event, fewer_collections

PARALLEL_BYTES = 8_000_000  # from this much traffic a second process pays for its start (about a second)
CHUNK = 512  # events sent at a time (one pickle each)


def worth_it(traffic_bytes: int, jobs: int | None) -> bool:
    """Two processes when asked (``jobs=2``), or by default for large traffic on a machine with two cores free."""
    if jobs is not None:
        return jobs >= 2
    return traffic_bytes >= PARALLEL_BYTES and len(os.sched_getaffinity(0)) >= 2


def _engine_worker(conn: Connection, people: list[Person], settings: WorkspaceSettings) -> None:
    try:
        copies = Copies(people, settings)
        with fewer_collections():
            while (chunk := conn.recv()) is not None:
                for event in chunk:
                    copies.apply(event)
        classic, actions = copies.ends()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        conn.send(("ok", classic, actions, peak))
    except BaseException as exc:  # noqa: BLE001 - said to the parent, which raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class EngineWorker:
    """``put`` events as they are mapped; ``result()`` ends the stream and waits for both copies; ``stop()``
    always (after an error in this process the worker is stopped at once)."""

    def __init__(self, people: list[Person], settings: WorkspaceSettings) -> None:
        # spawn, not fork: a replay may run in a thread of the TUI, and a forked thread-holding process can deadlock
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe(duplex=True)
        self._process = context.Process(target=_engine_worker, args=(child, people, settings), daemon=True,
                                        name="cio-tui-replay-model")  # fmt: skip
        self._process.start()
        child.close()
        self._chunk: list[Event] = []
        self.peak_rss = 0  # bytes, the worker's peak resident memory (known after ``result``)

    def put(self, event: Event) -> None:
        self._chunk.append(event)
        if len(self._chunk) >= CHUNK:
            self._send(self._chunk)
            self._chunk = []

    def _send(self, message: list[Event] | None) -> None:
        try:
            self._conn.send(message)
        except (BrokenPipeError, ConnectionResetError, EOFError):
            raise RuntimeError(f"the replay's second process stopped: {self._failure()}") from None

    def _failure(self) -> str:
        try:
            if self._conn.poll(1):
                reply = self._conn.recv()
                return str(reply[1]) if isinstance(reply, tuple) and len(reply) > 1 else "no reason given"
        except (EOFError, OSError):
            pass
        return f"exit code {self._process.exitcode}"

    def result(self) -> tuple[CopyEnd, CopyEnd]:
        if self._chunk:
            self._send(self._chunk)
            self._chunk = []
        self._send(None)
        try:
            reply = self._conn.recv()
        except EOFError:
            raise RuntimeError("the replay's second process stopped without a result") from None
        if not (isinstance(reply, tuple) and reply[0] == "ok" and len(reply) == 4):
            raise RuntimeError(f"the replay's second process failed: {reply[1] if len(reply) > 1 else reply}")
        _, classic, actions, peak = reply
        if not isinstance(classic, CopyEnd) or not isinstance(actions, CopyEnd):
            raise RuntimeError("the replay's second process sent an unexpected result")
        self.peak_rss = int(peak)
        return classic, actions

    def stop(self, *, finished: bool) -> None:
        """After ``result()`` (``finished``) the worker is exiting; otherwise it is stopped at once."""
        self._conn.close()
        if finished and self._process.is_alive():
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
