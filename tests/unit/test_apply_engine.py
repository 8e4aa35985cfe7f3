"""Apply engine over an in-memory client: decisions, journal, resume, uncertain writes, pause/cancel, events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.apply_events import ApplyOptions, OperationEvent, ProgressEvent, WrongWorkspaceError
from cio_tui.identity.journal import Journal, OpState, Record
from cio_tui.identity.plan import Plan, fingerprint
from tests.unit.fake_cio import FakeClient

FP = fingerprint("us", "site")
FAST = ApplyOptions.for_sandbox(visibility_window=0)


def leads(n: int) -> list[Person]:
    return [Person(cio_id=f"c{i}", email=f"l{i}@x.co") for i in range(n)]


def lead_plan(people: list[Person]) -> Plan:
    return Plan.create(
        workspace_fingerprint=FP,
        workspace_name="W",
        source="convert-leads",
        operations=[ops.assign_id(PersonRef(cio_id=p.cio_id, email=p.email), f"u{p.cio_id}") for p in people],
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.fixture
def journal(tmp_path):
    j = Journal(tmp_path / "journal.sqlite")
    yield j
    j.close()


def engine(client, journal, plan, **kw):
    kw.setdefault("options", FAST)
    return ApplyEngine(client, journal, plan, workspace_fingerprint=FP, workspace_name="W", **kw)


async def test_applies_and_journals_everything(journal):
    people = leads(250)
    client = FakeClient(people)
    plan = lead_plan(people)
    events = []
    result = await engine(client, journal, plan, on_event=events.append).run()
    assert result.ok and result.sent == 250 and result.by_state == {"done": 250}
    assert client.people["c7"].id == "uc7"
    assert client.reads == 6  # per batch of 100: one bulk read, then one verification read (the App budget)
    assert journal.op_states(plan.plan_id) == {op.op_id: OpState.DONE for op in plan.operations}
    states = [e.state for e in journal.entries(plan.plan_id, "op-00001")]
    assert states == ["checked", "sent", "done"]
    assert isinstance(events[-1], ProgressEvent) and events[-1].finished and events[-1].done == 250


async def test_wrong_workspace_refused(journal):
    with pytest.raises(WrongWorkspaceError, match="made for workspace 'W'"):
        ApplyEngine(FakeClient([]), journal, lead_plan(leads(1)), workspace_fingerprint="eu:x", workspace_name="X")


async def test_stale_skipped_and_already_done_not_sent(journal):
    people = leads(3)
    plan = lead_plan(people)
    client = FakeClient(people)
    client.people["c0"] = Person(cio_id="c0", email="l0@x.co", id="someone")  # changed since planning
    client.people["c1"] = Person(cio_id="c1", email="l1@x.co", id="uc1")  # already as planned
    result = await engine(client, journal, plan).run()
    assert not result.ok
    assert result.by_state == {"skipped_stale": 1, "done": 2} and result.sent == 1
    assert client.people["c0"].id == "someone"
    assert list(result.reasons) == ["stale (the person changed since planning)"]
    assert "id is 'someone', expected empty" in result.problems[0].detail


async def test_a_person_not_in_the_workspace_is_not_called_changed(journal):
    # a plan made from another workspace's export finds nobody: that is not "the person changed since planning"
    people = leads(2)
    plan = lead_plan(people)
    client = FakeClient(people[1:])
    result = await engine(client, journal, plan).run()
    assert result.by_state == {"skipped_stale": 1, "done": 1}
    assert list(result.reasons) == [
        "stale (the person is not in this workspace: deleted since planning, or planned from another workspace)"
    ]


async def test_failed_write_explained_from_activities(journal):
    people = [*leads(1), Person(cio_id="z", id="uc0")]
    client = FakeClient(people)
    plan = lead_plan(people[:1])
    result = await engine(client, journal, plan).run()
    assert result.by_state == {"failed": 1}
    assert "already associated with a different profile" in result.problems[0].detail


async def test_uncertain_writes_reconciled_not_resent(journal):
    people = leads(4)
    client = FakeClient(people)
    client.faults = {1: "after", 2: "before", 3: "refuse"}
    plan = lead_plan(people)
    result = await engine(client, journal, plan).run()
    # applied-then-failed: reconciled by reading (sent once); failed-before-applying: read back, sent again
    assert result.by_state == {"reconciled": 1, "done": 2, "failed": 1}
    assert [s for s in client.sent if s[1] == "c0"] == [("identify", "c0")]
    assert [s for s in client.sent if s[1] == "c1"] == [("identify", "c1"), ("identify", "c1")]
    assert sorted(w[1] for w in client.writes) == ["c0", "c1", "c3"]


async def test_a_server_error_on_a_send_is_uncertain_never_resent_blindly(journal):
    people = leads(2)
    client = FakeClient(people)
    client.faults = {1: "5xx_after"}
    plan = lead_plan(people)
    result = await engine(client, journal, plan).run()
    assert result.by_state == {"reconciled": 1, "done": 1}
    assert [s for s in client.sent if s[1] == "c0"] == [("identify", "c0")]  # read back as applied: sent once
    states = [e.state for e in journal.entries(plan.plan_id, plan.operations[0].op_id)]
    assert states[-1] == "reconciled", states
    assert not any("sending again" in (e.detail or "") for e in journal.entries(plan.plan_id))


@pytest.mark.parametrize("left_in", [OpState.SENT, OpState.UNCERTAIN, OpState.CHECKED])
@pytest.mark.parametrize("applied", [True, False])
async def test_resume_after_crash(journal, left_in, applied):
    people = leads(2)
    client = FakeClient(people)
    plan = lead_plan(people)
    journal.register_plan(plan)
    journal.append([Record(plan.plan_id, "op-00001", OpState.CHECKED), Record(plan.plan_id, "op-00001", left_in)])
    if applied:  # the crashed run's request reached the server
        await client.identify(plan.operations[0].subject, plan.operations[0].attributes)
    client.sent.clear()
    result = await engine(client, journal, plan).run()
    assert result.ok
    assert len([w for w in client.writes if w[1] == "c0"]) == 1
    expected = OpState.RECONCILED if applied and left_in.in_doubt else OpState.DONE
    assert journal.op_states(plan.plan_id)["op-00001"] is expected
    assert ("identify", "c0") in client.sent if not applied else ("identify", "c0") not in client.sent


async def test_rerun_repeats_nothing(journal):
    people = leads(5)
    client = FakeClient(people)
    plan = lead_plan(people)
    await engine(client, journal, plan).run()
    client.sent.clear()
    result = await engine(client, journal, plan).run()
    assert result.ok and client.sent == [] and result.sent == 0


async def test_max_and_cancel_and_pause(journal):
    people = leads(30)
    client = FakeClient(people)
    plan = lead_plan(people)
    result = await engine(client, journal, plan, options=ApplyOptions.for_sandbox(max_ops=10)).run()
    assert result.sent == 10 and not result.ok
    assert "not sent yet (beyond --max); run again to continue" in result.reasons
    eng = engine(client, journal, plan)
    eng.pause()
    task = asyncio.create_task(eng.run())
    await asyncio.sleep(0.05)
    assert client.sent.__len__() == 10 and eng.paused
    eng.cancel()
    result = await task
    assert result.cancelled and result.sent == 0
    eng = engine(client, journal, plan)
    seen = []

    async def consume():
        async for ev in eng.events():
            seen.append(ev)

    consumer = asyncio.create_task(consume())
    result = await eng.run()
    await consumer
    assert result.ok and result.sent == 20
    assert sum(isinstance(e, OperationEvent) and e.state == "done" for e in seen) == 20


async def test_merges_into_same_primary_run_in_order(journal):
    p = Person(cio_id="p", id="u1")
    s1, s2 = Person(cio_id="s1", email="a@x.co"), Person(cio_id="s2", email="b@x.co")
    client = FakeClient([p, s1, s2])
    ref = lambda x: PersonRef(cio_id=x.cio_id, id=x.id, email=x.email)  # noqa: E731
    plan = Plan.create(
        workspace_fingerprint=FP,
        workspace_name="W",
        source="merge-duplicates",
        operations=[ops.merge(ref(p), ref(s1)), ops.merge(ref(p), ref(s2))],
    )
    result = await engine(client, journal, plan).run()
    assert result.ok and set(client.people) == {"p"}
    assert client.people["p"].email == "a@x.co"


async def test_writes_visible_late_are_polled_not_resent(journal):
    people = leads(5)
    client = FakeClient(people)
    client.lag_reads = 2  # the first verification read and one poll still see the old person
    options = ApplyOptions(visibility_window=0.3, poll_first=0.01, answer_timeout=0, lease=False)
    plan = lead_plan(people)
    result = await engine(client, journal, plan, options=options).run()
    assert result.ok and result.sent == 5 and len(client.sent) == 5
    details = [e.detail or "" for e in journal.entries(plan.plan_id, "op-00001")]
    assert any(d.startswith("not visible yet") for d in details)
    assert not any("did not" in d for d in details)
    client2 = FakeClient(people)
    client2.lag_reads = 50  # never visible within the window: failed, not resent
    j2 = Journal(journal.path.with_name("j2.sqlite"))
    result = await engine(client2, j2, lead_plan(people), options=options).run()
    assert result.by_state == {"failed": 5} and len(client2.sent) == 5
    assert "sent, but not applied" in result.problems[0].detail
    j2.close()


async def test_cancel_mid_run_finishes_in_flight_and_leaves_no_doubt(journal):
    people = leads(50)
    client = FakeClient(people)
    plan = lead_plan(people)
    holder: dict[str, ApplyEngine] = {}

    def on_event(ev):
        if isinstance(ev, OperationEvent) and ev.state == "done":
            holder["e"].cancel()

    eng = engine(
        client,
        journal,
        plan,
        on_event=on_event,
        options=ApplyOptions.for_sandbox(batch_size=10, batches_in_flight=1, visibility_window=0),
    )
    holder["e"] = eng
    result = await eng.run()
    assert result.cancelled and result.sent == 10 and result.by_state == {"done": 10, "pending": 40}
    assert "not sent yet (cancelled); run again to continue" in result.reasons
    assert set(journal.op_states(plan.plan_id).values()) == {OpState.DONE}
    assert (await engine(client, journal, plan).run()).ok and len(client.sent) == 50


async def test_a_write_resent_after_an_earlier_runs_window_gets_a_window_of_its_own(journal):
    """An earlier run's write never arrived (its window is long over): the resent write is polled for a full window
    of its own, not judged on its first read by the old window (which called it "sent, but not applied")."""
    people = leads(3)
    client = FakeClient(people)
    client.lag_reads = 2  # the resent write: the first verification read and one poll still see the old person
    plan = lead_plan(people)
    journal.register_plan(plan)
    long_ago = datetime(2026, 1, 1, tzinfo=UTC)
    journal.append([Record(plan.plan_id, "op-00001", OpState.SENT, at=long_ago)])  # sent, never arrived
    options = ApplyOptions(visibility_window=0.5, poll_first=0.01, answer_timeout=0, lease=False)
    result = await engine(client, journal, plan, options=options).run()
    assert result.ok, result.problems
    assert [s for s in client.sent if s[1] == "c0"] == [("identify", "c0")]  # resent once (idempotent kind)
    states = [e.state for e in journal.entries(plan.plan_id, "op-00001")]
    assert states[-1] == "done" and "failed" not in states
