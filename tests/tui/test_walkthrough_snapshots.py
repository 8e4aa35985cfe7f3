"""Walkthrough snapshots in each state: fresh, small terminal, no workspace, audited, checklist, mixed, skip dialog."""

from __future__ import annotations

from textual.widgets import Button, Select

from cio_tui.tui.widgets.walkthrough_steps import StepList
from cio_tui.tui.widgets.walkthrough_ticklist import TickList
from tests.tui.conftest import FIXED_NOW, SIZE, SMALL, settle


async def _quiet(pilot) -> None:
    """Settle, then drop the toasts (workspace opened, step skipped) so the picture shows only the screen."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


async def _step(pilot, number: int) -> None:
    pilot.app.screen.query_one(StepList).highlighted = number - 1
    await settle(pilot)  # a first visit composes and fills the panel: one pause is too short on a busy machine


def _scroll_detail_to_end(pilot) -> None:
    pilot.app.screen.query_one("#wt-detail").scroll_end(animate=False)


def test_walkthrough_fresh(snap_compare, make_app):
    assert snap_compare(make_app("walkthrough"), terminal_size=SIZE, run_before=_quiet)


def test_walkthrough_fresh_small(snap_compare, make_app):
    assert snap_compare(make_app("walkthrough"), terminal_size=SMALL, run_before=_quiet)


def test_walkthrough_without_workspace(snap_compare, make_app):
    assert snap_compare(make_app("walkthrough", sandbox=False), terminal_size=SIZE, run_before=_quiet)


def test_walkthrough_audited(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await _step(pilot, 3)
        pilot.app.screen.query_one("#wt-audit-live", Button).press()
        await settle(pilot)
        _scroll_detail_to_end(pilot)
        await _quiet(pilot)

    assert snap_compare(make_app("walkthrough"), terminal_size=SIZE, run_before=before)


def test_walkthrough_checklist(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await _step(pilot, 6)
        pilot.app.screen.query_one("#wt-checklist", TickList).toggle("setup:dev-source")
        await settle(pilot)
        _scroll_detail_to_end(pilot)
        await _quiet(pilot)

    assert snap_compare(make_app("walkthrough"), terminal_size=SIZE, run_before=before)


def test_walkthrough_in_progress_report_and_risks(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        screen = pilot.app.screen
        await _step(pilot, 2)
        screen.query_one("#wt-id-mode", Select).value = "email_or_id"
        screen.query_one("#wt-auto-merge", Select).value = True
        screen.query_one("#wt-email-by-id", Select).value = False
        await settle(pilot)
        await _step(pilot, 4)
        await pilot.press("s", *"no app calls to review: server-side only", "enter")
        await settle(pilot)
        await _step(pilot, 7)
        screen.query_one("#wt-cut-method", Select).value = "one_step"
        await settle(pilot)
        await _step(pilot, 9)
        _scroll_detail_to_end(pilot)
        await _quiet(pilot)

    assert snap_compare(make_app("walkthrough"), terminal_size=SIZE, run_before=before)


CALLS = """analytics.identify('u1', {email: 'ada@example.com', created: '01/02/2024'})
analytics.track('User Deleted', {})
analytics.page('Pricing', {path: '/pricing'})
analytics.screen('Home')
analytics.alias('u1', 'anon-1')
"""


def test_walkthrough_behaviour_changes_of_saved_calls(snap_compare, make_app):
    async def before(pilot):
        from cio_tui.segment.callsets import save_call_set
        from cio_tui.walkthrough._segment_adapter import callsets_dir

        await settle(pilot)
        save_call_set(callsets_dir(pilot.app.workspace.data_dir), "web app", CALLS, now=FIXED_NOW)
        await pilot.press("r")
        await settle(pilot)
        await _step(pilot, 4)
        pilot.app.screen.query_one("#wt-sets", TickList).toggle("web app")
        await settle(pilot)
        _scroll_detail_to_end(pilot)
        await _quiet(pilot)

    assert snap_compare(make_app("walkthrough"), terminal_size=SIZE, run_before=before)


def test_walkthrough_repair_with_applied_plan(snap_compare, make_app):
    async def before(pilot):
        from cio_tui.customerio.models import PersonRef
        from cio_tui.identity import operations
        from cio_tui.identity.journal import Journal, Record
        from cio_tui.identity.plan import Plan

        await settle(pilot)
        ws = pilot.app.workspace
        plan = Plan.create(
            workspace_fingerprint=ws.fingerprint,
            workspace_name=ws.name,
            source="convert-leads",
            created_at=FIXED_NOW,
            operations=[
                operations.assign_id(PersonRef(cio_id=f"a{i}", email=f"l{i}@x.test"), f"u{i}") for i in range(3)
            ],
        )
        with Journal(ws.data_dir / "journal.sqlite", operator="operator") as journal:
            journal.register_plan(plan)
            journal.append(Record(plan.plan_id, op.op_id, "done", at=FIXED_NOW) for op in plan.operations)
        await pilot.press("r")
        await settle(pilot)
        await _step(pilot, 5)
        _scroll_detail_to_end(pilot)
        await _quiet(pilot)

    assert snap_compare(make_app("walkthrough"), terminal_size=SIZE, run_before=before)


def test_walkthrough_skip_dialog(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await _step(pilot, 8)
        await pilot.press("s", *"switch planned next month")
        await _quiet(pilot)

    assert snap_compare(make_app("walkthrough"), terminal_size=SMALL, run_before=before)
