"""The apply engine's journal commits, off the event loop and grouped.

Every journal commit is synchronous (``PRAGMA synchronous=FULL``: on disk when it returns; about 9 ms each on the
machine the apply bench runs on), and the engine used to commit on the event loop: three commits per 100
operations held everything else still, the App API reads included, for about 40 ms of every 200 ms at 500 ops/s.
The writer commits in one worker thread, over its own connection to the journal file. Records handed over while a
commit is on its way to the disk go together in the next one (one fsync for several batches' records), and
``await writer.append(records)`` returns only once those records are durable: an intent is still on disk before
its request is sent. One worker, records committed in the order they were handed over, so an operation's latest
entry is its latest state. The plan itself (megabytes of JSON for 10,000 operations) is registered the same way,
beside the first reads, ahead of every record handed over after it. Once a commit fails, every later one fails
with it: nothing is journaled, hence nothing sent, after a journal error. A writer stopped mid-commit (its task
cancelled) counts as failed: its commit's outcome is unknown, so what was queued behind it and all later work
fail at once (no caller is left waiting for ever).

Use::

    writer = JournalWriter.open(journal)      # or: async with JournalWriter.open(journal) as writer:
    await writer.append(records)
    await writer.aclose()
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from cio_tui.errors import NextStep
from cio_tui.identity.journal import Journal, JournalPlan, Record
from cio_tui.identity.journal_records import JournalError

Work = list[Record] | JournalPlan  # records to append, or a plan to register


class JournalWriter:
    """Commits records to ``journal``'s file from a worker thread; see the module docstring."""

    def __init__(self, journal: Journal) -> None:
        self._path, self._operator = journal.path, journal.operator
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal-writer")
        self._own: Journal | None = None  # the worker's connection, opened (and used, and closed) in the worker
        self._queue: list[tuple[Work, asyncio.Future[None]]] = []
        self._broken: BaseException | None = None
        self._drainer: asyncio.Task[None] | None = None
        self._closed = False
        self.commits = 0  # transactions so far (each one fsync)

    @classmethod
    def open(cls, journal: Journal) -> JournalWriter:
        """A writer whose connection opens in the worker now, beside whatever the caller does next (the first commit
        waits for it; an error opening it is raised there)."""
        writer = cls(journal)
        writer._executor.submit(writer._open)
        return writer

    async def __aenter__(self) -> JournalWriter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _open(self) -> None:
        if self._own is None:
            self._own = Journal(self._path, operator=self._operator)

    def _commit(self, work: Work) -> None:
        self._open()
        assert self._own is not None
        if isinstance(work, list):
            self._own.append(work)
        else:
            self._own.register_plan(work)
        self.commits += 1

    def submit(self, work: Work) -> asyncio.Future[None]:
        """Hand over records to append (or a plan to register); the future is done once they are on disk. Work is
        committed in the order it is handed over."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._broken is not None:
            future.set_exception(self._broken)
            return future
        self._queue.append((work, future))
        if self._drainer is None:
            self._drainer = asyncio.create_task(self._drain())
            self._drainer.add_done_callback(self._drainer_done)
        return future

    async def append(self, records: Iterable[Record]) -> None:
        """Commit ``records`` (in one transaction, perhaps with others'); returns once they are on disk."""
        batch = list(records)
        if batch:
            await self.submit(batch)

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                group = self._next_group()
                work: Work = group[0][0]
                if isinstance(work, list):  # consecutive records: one transaction
                    work = [r for batch, _ in group if isinstance(batch, list) for r in batch]
                try:
                    await loop.run_in_executor(self._executor, self._commit, work)
                except asyncio.CancelledError:  # the commit itself goes on in the worker: its outcome is unknown
                    for _, future in group:
                        future.cancel()
                    raise
                except BaseException as exc:  # every caller of this commit and all later ones learn it failed
                    self._broken = exc
                    for _, future in [*group, *self._queue]:
                        if not future.done():
                            future.set_exception(exc)
                    self._queue.clear()
                else:
                    for _, future in group:
                        if not future.done():
                            future.set_result(None)
        finally:
            self._drainer = None

    def _drainer_done(self, task: asyncio.Task[None]) -> None:
        """A drainer cancelled (at the loop's end, or before it even ran) leaves the work queued behind it neither done
        nor failed, and its awaiters would wait forever. The commit it was waiting for may still fail in the worker
        unseen, so the writer counts as broken from then on: what was queued and what comes later fail at once, and
        nothing is sent on an intent that is not known to be durable."""
        if self._drainer is task:  # cancelled before its first step: its ``finally`` never ran
            self._drainer = None
        if not task.cancelled() and task.exception() is None:
            return  # drained: nothing left behind (work handed over since then starts a drainer of its own)
        if self._broken is None:
            self._broken = JournalError(
                "The journal writer was stopped before these records were on disk, so nothing more is sent in this "
                "run. Resume the apply: it reads back whatever may have been sent.",
                next_step=NextStep.RECONCILE,
            )
        for _, future in self._queue:
            if not future.done():
                future.set_exception(self._broken)
        self._queue.clear()

    def _next_group(self) -> list[tuple[Work, asyncio.Future[None]]]:
        """The next commit's work: a plan alone, or every record list up to the next plan."""
        n = 1
        if isinstance(self._queue[0][0], list):
            while n < len(self._queue) and isinstance(self._queue[n][0], list):
                n += 1
        group, self._queue = self._queue[:n], self._queue[n:]
        return group

    async def aclose(self) -> None:
        """Wait for what was handed over, then close the worker's connection and the worker."""
        if self._drainer is not None:
            await asyncio.gather(self._drainer, return_exceptions=True)
        if self._closed:
            return
        self._closed = True
        # in the worker, after everything handed to it: a connection ``open()`` is still opening is closed too
        await asyncio.get_running_loop().run_in_executor(self._executor, self._close_own)
        self._executor.shutdown(wait=False)

    def _close_own(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None


__all__ = ["JournalWriter"]
