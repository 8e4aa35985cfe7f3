"""The reusable Plan/Apply pieces: plan rows, progress figures, the typed confirmation, CSV rows."""

from __future__ import annotations

from datetime import UTC, datetime

from textual.app import App, ComposeResult
from textual.widgets import Button, Label

from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import Plan
from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.tui.viewmodels.apply_stats import ApplyStats, format_duration
from cio_tui.tui.viewmodels.confirm_request import ConfirmRequest
from cio_tui.tui.viewmodels.csv_rows import parse_csv_text
from cio_tui.tui.viewmodels.plan_rows import irreversible_lines, operation_detail, rows_from_plan
from cio_tui.tui.widgets.apply_progress import counts_line, headline
from cio_tui.tui.widgets.plan_table import PlanTable, state_text


def _plan() -> Plan:
    return Plan.create(
        workspace_fingerprint="us:0123456789abcdef",
        workspace_name="acme-prod",
        source="manual",
        created_at=datetime(2026, 1, 2, tzinfo=UTC),
        operations=[
            ops.assign_id(PersonRef(cio_id="a1", email="ann@example.com"), "u-1001"),
            ops.change_identifiers(PersonRef(cio_id="a2", id="bob@x.com", email="bob@x.com"), new_id="u-2"),
            ops.merge(PersonRef(cio_id="a3", id="u-3", email="c@x.com"), PersonRef(cio_id="a4", email="c@x.com")),
        ],
    )


def test_rows_say_what_changes_and_what_is_lost() -> None:
    rows = rows_from_plan(_plan(), {"op-00002": ("stale", "id is 'zz'")})
    assert [(r.number, r.kind, r.person, r.change) for r in rows] == [
        (1, "assign id", "cio_a1 (ann@example.com)", "id: (none) -> u-1001"),
        (2, "change id", "cio_a2 (bob@x.com)", "id: bob@x.com -> u-2"),
        (3, "merge", "cio_a4 (c@x.com) into cio_a3 (u-3)", "cio_a4: exists -> gone"),
    ]
    assert [r.loses for r in rows] == ["nothing", "old id", "IRREVERSIBLE"]
    assert (rows[1].state, rows[1].detail) == ("stale", "id is 'zz'")
    assert irreversible_lines(_plan()) == ["1 merge(s): each secondary person is deleted and folded into its primary"]


def test_progress_figures_in_words() -> None:
    counts = {"done": 400, "reconciled": 2, "failed": 1, "sent": 3, "pending": 594}
    stats = ApplyStats(total=1000, counts=counts, elapsed=4.03, status="running", awaiting=2)
    assert stats.finished == 403 and stats.pending == 597
    assert headline(stats) == "applying · 403/1000 operations · 100.0 ops/s · ETA 6s"
    assert counts_line(stats) == (
        "done 400 · reconciled 2 · stale (skipped) 0 · failed 1 · uncertain 0 · in progress 3 · pending 594"
        " · awaiting an answer 2"
    )
    assert headline(ApplyStats(total=5)) == "not started · 0/5 operations · rate - · ETA -"
    done = ApplyStats(total=2, counts={"done": 2}, elapsed=75, status="finished")
    assert headline(done) == "FINISHED · 2/2 operations · 0.0 ops/s · took 1m 15s"
    assert format_duration(3725) == "1h 02m"
    assert format_duration(0.3) == "under 1s"  # QA: a quick resumed run said "took 0s"


def test_a_resumed_run_counts_only_its_own_operations_in_rate_and_time() -> None:
    """68 done by an earlier run, 82 by this one in 7 s: 11.7 ops/s (not 150/7), and the time is this run's."""
    resumed = ApplyStats(total=150, counts={"done": 150}, elapsed=7.0, status="finished", before=68)
    assert headline(resumed) == "FINISHED · 150/150 operations · 11.7 ops/s · took 7s this run"
    running = ApplyStats(total=150, counts={"done": 100, "pending": 50}, elapsed=4.0, status="running", before=68)
    assert headline(running) == "applying · 100/150 operations · 8.0 ops/s · ETA 6s"
    assert ApplyStats(total=150, counts={"done": 68}, elapsed=1.0, before=68).rate is None  # nothing this run yet


def test_the_paused_line_counts_answers_due_and_what_waits_unsent() -> None:
    from cio_tui.tui.viewmodels.plan_text import paused_note

    # 150 intents journaled, 32 requests out: the other 118 have not left and will not while paused
    assert paused_note(32, {"sent": 150}) == (
        "PAUSED: waiting for 32 answer(s) to requests already sent (read back and counted once answered); "
        "118 operation(s) wait, not sent. p resumes; x cancels."
    )
    assert paused_note(0, {"done": 68, "pending": 82}) == (
        "PAUSED: nothing in flight; 82 operation(s) wait, not sent (read again before sending). p resumes; x cancels "
        "(they stay not sent)."
    )


def test_csv_rows_keep_their_line_numbers() -> None:
    parsed = parse_csv_text("\n\nEmail, ID\nann@x.com,u1\n\nbob@x.com,\n", ("email", "id"), required=("email", "id"))
    assert [(r.line, r.values) for r in parsed.rows] == [
        (4, {"email": "ann@x.com", "id": "u1"}),
        (6, {"email": "bob@x.com", "id": ""}),
    ]
    assert [(i.line, i.message) for i in parsed.issues] == [(6, "id is empty")]
    bad = parse_csv_text("mail,user\na,b\n", ("email", "id"))
    assert bad.rows == [] and "missing: email" in bad.issues[0].message


class _Host(App[None]):
    def __init__(self, request: ConfirmRequest) -> None:
        super().__init__()
        self.request = request
        self.answers: list[bool | None] = []

    def compose(self) -> ComposeResult:
        yield PlanTable(id="plan")

    def on_mount(self) -> None:
        self.query_one(PlanTable).load(rows_from_plan(_plan()))
        self.push_screen(ConfirmTypedModal(self.request), self.answers.append)


async def test_typed_confirmation_needs_the_exact_name() -> None:
    req = ConfirmRequest(workspace="acme-prod", action="Apply 3 operations", irreversible=irreversible_lines(_plan()))
    app = _Host(req)
    async with app.run_test(size=(100, 30)) as pilot:
        modal = app.screen
        assert isinstance(modal, ConfirmTypedModal)
        assert str(modal.query_one("#confirm-title", Label).render()) == (
            "Apply 3 operations on the LIVE workspace 'acme-prod'?"
        )
        irreversible = str(modal.query_one("#confirm-irreversible").render())
        assert irreversible.startswith("IRREVERSIBLE") and "1 merge(s)" in irreversible
        assert modal.query_one("#confirm-yes", Button).label.plain == "Apply (irreversible)"
        await pilot.press("enter")
        assert "Nothing typed yet" in str(modal.query_one("#confirm-mismatch", Label).render())
        await pilot.press(*"Acme-prod", "enter")
        assert app.answers == [] and modal.query_one("#confirm-yes", Button).disabled
        assert "That is not the workspace name" in str(modal.query_one("#confirm-mismatch", Label).render())
        await pilot.press("escape")
        assert app.answers == [False]

    app = _Host(req)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"acme-prod")
        assert not app.screen.query_one("#confirm-yes", Button).disabled
        await pilot.press("enter")
        assert app.answers == [True]


async def test_plan_table_updates_state_in_words() -> None:
    app = _Host(ConfirmRequest(workspace="w", action="x"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("escape")
        table = app.query_one(PlanTable)
        table.set_state("op-00003", "failed", "merge refused")
        assert table.row_for("op-00003").state == "failed"
        assert str(table.get_cell("op-00003", "state")) == "✗ failed"
        assert table.row_for("op-00003").detail == "merge refused"
        assert table.highlighted_row is not None and table.highlighted_row.key == "op-00001"


async def test_a_state_set_on_a_row_not_shown_yet_is_shown_when_the_row_is_added() -> None:
    """A big plan is shown in chunks; journal states read meanwhile reach the rows added later."""
    app = _Host(ConfirmRequest(workspace="w", action="x"))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("escape")
        table = app.query_one(PlanTable)
        table.begin(rows_from_plan(_plan()))
        assert table.show_more(1) == 1 and not table.complete and table.row_count == 1
        table.set_state("op-00003", "done", "from an earlier run")
        assert table.show_more(5) == 3 and table.complete and table.row_count == 3
        assert str(table.get_cell("op-00003", "state")) == str(state_text("done"))
        assert str(table.get_cell("op-00002", "state")) == str(state_text("planned"))
        assert table.progressed() == {"op-00003": "done"}


def test_resume_note_and_end_of_apply_words() -> None:
    from cio_tui.identity.apply_events import ApplyResult
    from cio_tui.tui.viewmodels.plan_text import apply_outcome, resume_note

    plan = _plan()
    assert resume_note(plan, {"op-00001": "done", "op-00002": "sent"}) == (
        "Applied before: 1 done, 1 not sent yet, 1 in doubt (sent, no answer: read back before anything is "
        "resent). Press a to resume: 2 operation(s) left; done ones are not sent again."
    )
    ok = ApplyResult(plan_id="p", total=3, by_state={"done": 3}, reasons={}, sent=3, elapsed=1.0)
    assert apply_outcome(ok) == (
        "Apply finished",
        "3/3 operation(s) done. Press j to see every step in the journal.",
        "information",
    )
    stale = ApplyResult(
        plan_id="p",
        total=3,
        by_state={"done": 2, "skipped_stale": 1},
        reasons={"stale (the person changed since planning)": 1},
        sent=2,
        elapsed=1.0,
    )
    title, text, severity = apply_outcome(stale)
    assert (title, severity) == ("Apply finished with problems", "warning")
    assert text.startswith("2/3 operation(s) done; 1 stale (the person changed since planning). Press j")
    assert apply_outcome(None, "Customer.io refused the key.")[1].startswith(
        "The apply stopped: Customer.io refused the key. What was sent is in the journal"
    )


def test_apply_request_refuses_with_reasons_and_counts_what_is_left() -> None:
    from types import SimpleNamespace

    import pytest

    from cio_tui.tui.viewmodels.plan_confirm import NothingToApply, apply_request, starting_stats

    plan = _plan()
    here = SimpleNamespace(name="acme-prod", fingerprint=plan.workspace_fingerprint, is_sandbox=False)
    other = SimpleNamespace(name="staging", fingerprint="eu:ffffffffffffffff", is_sandbox=True)
    with pytest.raises(NothingToApply, match="No workspace is open"):
        apply_request(plan, None, {})
    with pytest.raises(NothingToApply, match="made for workspace 'acme-prod', not 'staging'"):
        apply_request(plan, other, {})
    with pytest.raises(NothingToApply, match="already done"):
        apply_request(plan, here, {op.op_id: "done" for op in plan.operations})
    request = apply_request(plan, here, {"op-00001": "reconciled"}, "Checked just now: 2 up to date.")
    assert (request.action, request.is_live, request.workspace) == ("Resume applying 2 operation(s)", True, "acme-prod")
    assert request.summary[-2:] == [
        "Checked just now: 2 up to date.",
        "Applied before: 1 done, 2 not sent yet. Confirming resumes: 2 operation(s) left; done ones are not sent "
        "again.",
    ]  # QA: the dialog needs the workspace name typed, so it never says "press a"
    assert request.is_irreversible
    stats = starting_stats(plan, {"op-00001": "reconciled"})
    assert (stats.total, stats.finished, stats.pending, stats.status, stats.before) == (3, 1, 2, "running", 1)


def test_detail_of_an_unapplied_operation_claims_no_check_or_read_back() -> None:
    op = _plan().operations[1]
    planned = operation_detail(op)
    assert "checked just before sending)" not in planned and "(verified by reading back)" not in planned
    assert "Expected before (checked again just before sending): cio_a2" in planned
    assert "Expected after (verified by reading back once sent): cio_a2" in planned
    done = operation_detail(op, "done")
    assert "Before (checked just before sending): cio_a2" in done
    assert "After (verified by reading back): cio_a2" in done


def test_stale_check_tells_missing_people_from_changed_ones() -> None:
    from cio_tui.customerio.models import Person
    from cio_tui.identity.plan_checks import check_operation, check_summary

    plan = _plan()
    nobody = [check_operation(op, {}) for op in plan.operations]
    text = check_summary(nobody)
    assert "changed since planning" not in text
    assert "3 stale (the person is not in this workspace; will be skipped)" in text
    assert "probably made from another workspace's export" in text
    changed = {"a1": Person(cio_id="a1", email="ann@example.com", id="someone")}
    text = check_summary([check_operation(plan.operations[0], changed)])
    assert "1 stale (the person changed since planning; will be skipped)" in text and "another workspace" not in text
