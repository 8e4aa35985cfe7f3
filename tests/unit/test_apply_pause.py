"""Pause while requests await their answers: what was answered is verified and counted during the pause, what was
held is back to pending (never left "sent" in the journal), and a cancel then leaves nothing in doubt."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from cio_tui.customerio.errors import NotSentError
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions
from cio_tui.identity.journal import Journal, OpState
from tests.unit.fake_cio import FakeClient
from tests.unit.test_apply_engine import FP, lead_plan, leads

OPTIONS = ApplyOptions.for_sandbox(visibility_window=0, sends_in_flight=10)


class SlowAnswers(FakeClient):
    """Every request leaves (its gate passed), then its answer waits until the test lets answers through."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.answers = asyncio.Event()
        self.left: list[str] = []

    async def send_planned(self, request: Any, *, label: str = "", gate: Any = None) -> None:
        if gate is not None and not await gate():
            raise NotSentError(message="not sent (stopped)")
        self.left.append(request.path)
        await self.answers.wait()
        await super().send_planned(request, label=label)


async def _paused_with_answers_due(tmp_path: Any) -> tuple[ApplyEngine, SlowAnswers, asyncio.Task[Any], Journal]:
    people = leads(30)
    client = SlowAnswers(people)
    plan = lead_plan(people)
    journal = Journal(tmp_path / "journal.sqlite")
    eng = ApplyEngine(client, journal, plan, workspace_fingerprint=FP, workspace_name="W", options=OPTIONS)
    task = asyncio.create_task(eng.run())
    for _ in range(200):
        await asyncio.sleep(0.01)
        if len(client.left) == 10:
            break
    assert len(client.left) == 10  # ten requests out, awaiting their answers; twenty queued behind them
    eng.pause()
    client.answers.set()
    for _ in range(200):
        await asyncio.sleep(0.01)
        journaled = Counter(journal.op_states(plan.plan_id).values())[OpState.DONE]  # committed beside the loop
        if eng.tracker.counts().get(OpState.DONE) == 10 and journaled == 10:
            break
    return eng, client, task, journal


async def test_answers_arriving_while_paused_are_counted_and_held_requests_are_not_sent(tmp_path):
    eng, client, task, journal = await _paused_with_answers_due(tmp_path)
    try:
        assert eng.paused
        counts = eng.tracker.counts()
        assert counts.get(OpState.DONE) == 10, counts  # counted during the pause, not when it ends
        assert counts.get(OpState.PENDING) == 20 and not counts.get(OpState.SENT)
        snapshot = eng.tracker.snapshot(paused=True)
        assert snapshot.in_flight == 0 and snapshot.done == 10
        assert len(client.left) == 10  # nothing left while paused
        states = Counter(journal.op_states(eng.plan.plan_id).values())
        assert states[OpState.SENT] == 0 and states[OpState.DONE] == 10  # no held request journaled as sent
        eng.cancel()
        result = await task
    finally:
        journal.close()
    assert result.cancelled and result.succeeded == 10
    assert result.reasons == {"not sent yet (cancelled); run again to continue": 20}


async def test_resume_after_a_pause_sends_each_held_operation_once(tmp_path):
    eng, client, task, journal = await _paused_with_answers_due(tmp_path)
    try:
        eng.resume()
        result = await task
    finally:
        journal.close()
    assert result.ok
    assert sorted(Counter(client.left).values()) == [1] * 30
