"""The journal writer (identity/journal_writer.py): commits beside the event loop, grouped, each record durable
before ``append`` returns; and the apply engine on it still journals every intent before its request leaves."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.journal import Journal, OpState, Record
from cio_tui.identity.journal_records import JournalError
from cio_tui.identity.journal_writer import JournalWriter
from tests.unit.fake_cio import FakeClient
from tests.unit.test_apply_engine import FAST, FP, lead_plan, leads


def on_disk(path: Path) -> list[tuple[str, str]]:
    """(op_id, state) of every entry, read through a connection of its own (what a crash would leave)."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT op_id, state FROM entries WHERE op_id IS NOT NULL ORDER BY seq")
        return [(r[0], r[1]) for r in rows]


class SlowDisk:
    """Makes every commit of the writer's own connection take ``seconds`` (a slow fsync), in the worker thread."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
        self.threads: set[str] = set()
        real = Journal.append

        def slow(journal: Journal, records: Any) -> None:
            self.threads.add(threading.current_thread().name)
            time.sleep(seconds)
            real(journal, records)

        monkeypatch.setattr(Journal, "append", slow)


async def test_append_returns_once_its_records_are_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        writer = JournalWriter.open(journal)
        await writer.append([Record("p", "op-1", OpState.CHECKED), Record("p", "op-1", OpState.SENT)])
        assert on_disk(path) == [("op-1", "checked"), ("op-1", "sent")]
        await writer.aclose()


async def test_records_handed_over_during_a_commit_go_together_in_the_next_one_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        writer = JournalWriter.open(journal)
        disk = SlowDisk(monkeypatch, 0.1)
        first = asyncio.create_task(writer.append([Record("p", "op-0", OpState.SENT)]))
        await asyncio.sleep(0.03)  # its commit is on its way
        await asyncio.gather(first, *(writer.append([Record("p", f"op-{i}", OpState.SENT)]) for i in range(1, 10)))
        await writer.aclose()
    assert on_disk(path) == [(f"op-{i}", "sent") for i in range(10)]
    assert writer.commits == 2  # the first alone, the nine handed over while it was on its way: one more fsync
    assert disk.threads and all(name.startswith("journal-writer") for name in disk.threads)


async def test_the_event_loop_runs_while_a_commit_is_on_its_way_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal(tmp_path / "journal.sqlite") as journal:
        writer = JournalWriter.open(journal)
        SlowDisk(monkeypatch, 0.3)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        await writer.append([Record("p", "op-1", OpState.SENT)])
        task.cancel()
        await writer.aclose()
    assert ticks >= 10  # about 30 ticks while the commit slept; on the event loop it would have been 0


async def test_a_failed_commit_is_raised_to_every_caller_of_its_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Journal(tmp_path / "journal.sqlite") as journal:
        writer = JournalWriter.open(journal)
        await writer.append([Record("p", "op-0", OpState.SENT)])  # the worker's connection is open

        def broken(journal: Journal, records: Any) -> None:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(Journal, "append", broken)
        results = await asyncio.gather(
            *(writer.append([Record("p", f"op-{i}", OpState.SENT)]) for i in (1, 2)), return_exceptions=True
        )
        await writer.aclose()
    assert [type(r) for r in results] == [sqlite3.OperationalError] * 2


async def test_a_stopped_writer_fails_the_work_queued_behind_its_commit_and_all_later_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        writer = JournalWriter.open(journal)
        disk = SlowDisk(monkeypatch, 0.2)
        first = writer.submit([Record("p", "op-1", OpState.SENT)])
        while not disk.threads:  # its commit is on its way in the worker
            await asyncio.sleep(0.005)
        queued = writer.submit([Record("p", "op-2", OpState.SENT)])
        assert writer._drainer is not None
        writer._drainer.cancel()  # as the loop's final cancel-all does
        with pytest.raises(JournalError, match="stopped before these records were on disk"):
            await asyncio.wait_for(queued, 1)  # at once: not left pending for ever
        assert first.cancelled()  # its commit's outcome is unknown to its caller
        with pytest.raises(JournalError):  # and nothing later is journaled (hence sent) on this writer
            await asyncio.wait_for(writer.append([Record("p", "op-3", OpState.SENT)]), 1)
        await writer.aclose()
    assert on_disk(path) == [("op-1", "sent")]  # the commit under way finished in the worker; nothing after it


async def test_a_drainer_cancelled_before_it_ran_leaves_nothing_pending(tmp_path: Path) -> None:
    with Journal(tmp_path / "journal.sqlite") as journal:
        writer = JournalWriter.open(journal)
        queued = writer.submit([Record("p", "op-1", OpState.SENT)])
        assert writer._drainer is not None
        writer._drainer.cancel()
        with pytest.raises(JournalError):
            await asyncio.wait_for(queued, 1)
        await writer.aclose()
    assert on_disk(tmp_path / "journal.sqlite") == []


async def test_closing_at_once_after_opening_closes_the_connection_the_worker_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Journal] = []
    closed: list[Journal] = []
    real_init, real_close = Journal.__init__, Journal.close

    def slow_init(journal: Journal, *args: Any, **kwargs: Any) -> None:
        if threading.current_thread().name.startswith("journal-writer"):
            time.sleep(0.1)  # the worker is still opening its connection when aclose() comes
            opened.append(journal)
        real_init(journal, *args, **kwargs)

    def close(journal: Journal) -> None:
        closed.append(journal)
        real_close(journal)

    monkeypatch.setattr(Journal, "__init__", slow_init)
    monkeypatch.setattr(Journal, "close", close)
    with Journal(tmp_path / "journal.sqlite") as journal:
        writer = JournalWriter.open(journal)
        await writer.aclose()
        writer._executor.shutdown(wait=True)  # whatever the worker still had to do is done
    assert len(opened) == 1 and opened[0] in closed
    assert writer._own is None


class JournalWatchingClient(FakeClient):
    """Looks at the journal on disk as each request leaves: its operation's latest entry must be ``sent``, holding
    exactly this request."""

    def __init__(self, people: Any, path: Path) -> None:
        super().__init__(people)
        self.path = path
        self.seen: list[tuple[str, dict[str, Any]]] = []

    async def send_planned(self, request: Any, *, label: str = "", gate: Any = None) -> None:
        if gate is not None and not await gate():
            return await super().send_planned(request, label=label, gate=gate)
        with closing(sqlite3.connect(self.path)) as db:
            rows = db.execute(
                "SELECT state, request FROM entries WHERE request IS NOT NULL AND json_extract(request, '$.path')=?"
                " ORDER BY seq DESC LIMIT 1",
                (request.path,),
            ).fetchall()
        assert rows, f"{request.path} left before its intent was journaled"
        self.seen.append((rows[0][0], json.loads(rows[0][1])))
        assert json.loads(rows[0][1]) == request.model_dump(mode="json")
        await super().send_planned(request, label=label)


async def test_every_intent_is_on_disk_before_its_request_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.sqlite"
    people = leads(150)
    client = JournalWatchingClient(people, path)
    plan = lead_plan(people)
    SlowDisk(monkeypatch, 0.02)  # commits that take a while: a send must still wait for its own
    with Journal(path) as journal:
        eng = ApplyEngine(client, journal, plan, workspace_fingerprint=FP, workspace_name="W", options=FAST)
        result = await eng.run()
        assert result.ok and result.sent == 150
        assert journal.op_states(plan.plan_id) == {op.op_id: OpState.DONE for op in plan.operations}
    assert len(client.seen) == 150 and {state for state, _ in client.seen} == {"sent"}
    assert client.seen[0][1]["body"] == {"id": "uc0"}


async def test_after_a_failed_commit_nothing_more_is_journaled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "journal.sqlite"
    with Journal(path) as journal:
        writer = JournalWriter.open(journal)
        await writer.append([Record("p", "op-0", OpState.SENT)])
        real = Journal.append
        monkeypatch.setattr(Journal, "append", lambda j, r: (_ for _ in ()).throw(sqlite3.OperationalError("full")))
        with pytest.raises(sqlite3.OperationalError):
            await writer.append([Record("p", "op-1", OpState.SENT)])
        monkeypatch.setattr(Journal, "append", real)  # the disk is fine again: the writer still refuses
        with pytest.raises(sqlite3.OperationalError):
            await writer.append([Record("p", "op-2", OpState.SENT)])
        await writer.aclose()
    assert on_disk(path) == [("op-0", "sent")]


async def test_a_plan_that_cannot_be_registered_sends_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    people = leads(20)
    client = FakeClient(people)
    plan = lead_plan(people)

    def broken(journal: Journal, plan: Any) -> bool:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Journal, "register_plan", broken)
    with Journal(tmp_path / "journal.sqlite") as journal:
        eng = ApplyEngine(client, journal, plan, workspace_fingerprint=FP, workspace_name="W", options=FAST)
        with pytest.raises(sqlite3.OperationalError, match="full"):
            await eng.run()
    assert client.sent == [] and client.requests == []
    assert on_disk(tmp_path / "journal.sqlite") == []


async def test_the_plan_is_registered_before_any_record_of_its_run(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite"
    people = leads(5)
    plan = lead_plan(people)
    with Journal(path) as journal:
        result = await ApplyEngine(FakeClient(people), journal, plan, workspace_fingerprint=FP, workspace_name="W",
                                   options=FAST).run()  # fmt: skip
        assert result.ok and [p.plan_id for p in journal.plans()] == [plan.plan_id]
        states = [e.state for e in journal.entries(plan.plan_id)]
    assert states[:2] == ["registered", "run_started"] and states[-1] == "run_ended"
