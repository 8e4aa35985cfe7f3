"""Plan/Apply snapshots: empty, a plan under review (one operation stale), the typed confirmation, after apply."""

from __future__ import annotations

import asyncio

import pytest

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import Plan
from tests.tui.conftest import FIXED_NOW, SIZE, SMALL, settle
from tests.tui.test_plan_apply import lead_plan


async def quiet(pilot) -> None:
    """Settle, then clear notifications (they would hide the screen; the status line says the same)."""
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


async def _review(pilot) -> None:
    """A plan of 3 lead conversions and one merge; the second lead changed since planning (stale); checked."""
    await settle(pilot)
    app = pilot.app
    leads_plan = await lead_plan(app.workspace, 3)
    merge = ops.merge(
        PersonRef(cio_id=leads_plan.operations[0].subject.value, email="x@example.com"),
        PersonRef(cio_id=leads_plan.operations[2].subject.value, email="y@example.com"),
    )
    plan = Plan.create(
        workspace_fingerprint=leads_plan.workspace_fingerprint,
        workspace_name="sandbox",
        source="manual",
        created_at=FIXED_NOW,
        operations=[*leads_plan.operations, merge],
    )
    await app.workspace.client.identify(Identifier.cio(plan.operations[1].subject.value), {"id": "changed-meanwhile"})
    app.open_plan(plan)
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    await pilot.press("down")
    await quiet(pilot)


async def _confirm(pilot) -> None:
    await _review(pilot)
    await pilot.press("a", *"sand")
    await quiet(pilot)


async def _applied(pilot) -> None:
    await settle(pilot)
    app = pilot.app
    app.open_plan(await lead_plan(app.workspace, 4))
    await settle(pilot)
    await pilot.press("a", *"sandbox", "enter")
    await quiet(pilot)


async def _paused(pilot) -> None:
    """12 lead conversions, every send held in flight, then paused: the progress panel mid-apply."""
    await settle(pilot)
    app = pilot.app
    plan = await lead_plan(app.workspace, 12)
    client, gate, in_flight = app.workspace.client, asyncio.Event(), []
    send = client.send_planned

    async def held(request, **kw):
        in_flight.append(request.path)
        await gate.wait()
        await send(request, **kw)

    client.send_planned = held
    app.open_plan(plan)
    await settle(pilot)
    await pilot.press("a", *"sandbox", "enter")
    for _ in range(300):
        await pilot.pause()
        if len(in_flight) == len(plan.operations):
            break
    await pilot.press("p")
    for _ in range(5):
        await pilot.pause()
    app.clear_notifications()
    await pilot.pause()


def test_plan_apply_empty(snap_compare, make_app):
    assert snap_compare(make_app("plan"), terminal_size=SMALL, run_before=quiet)


def test_plan_apply_review_with_stale_operation(snap_compare, make_app):
    assert snap_compare(make_app("plan"), terminal_size=SIZE, run_before=_review)


def test_plan_apply_confirm_irreversible(snap_compare, make_app):
    assert snap_compare(make_app("plan"), terminal_size=SIZE, run_before=_confirm)


def test_plan_apply_after_apply(snap_compare, make_app):
    assert snap_compare(make_app("plan"), terminal_size=SIZE, run_before=_applied)


def test_plan_apply_paused_mid_apply(snap_compare, make_app):
    assert snap_compare(make_app("plan"), terminal_size=SIZE, run_before=_paused)


def test_plan_apply_confirm_irreversible_tiny(snap_compare, make_app):
    """At 70x18 the irreversible-apply dialog still shows its input and both buttons (the details scroll)."""
    assert snap_compare(make_app("plan"), terminal_size=(70, 18), run_before=_confirm)


async def test_confirm_dialog_at_70x18_keeps_input_and_buttons_on_screen(make_app):
    app = make_app("plan")
    async with app.run_test(size=(70, 18)) as pilot:
        await _confirm(pilot)
        screen = app.screen
        assert type(screen).__name__ == "ConfirmTypedModal"
        region = screen.region
        for selector in ("#confirm-input", "#confirm-no", "#confirm-yes", "#confirm-title"):
            widget = screen.query_one(selector)
            assert region.contains_region(widget.region) and widget.region.height > 0, selector
        assert screen.query_one("#confirm-input").value == "sand"


@pytest.mark.parametrize("size", [SMALL, (140, 45)], ids=["80x24", "140x45"])
def test_plan_apply_review_sizes(snap_compare, make_app, size):
    """The operation, the change, its state and what it loses are whole at both sizes (the person is cut first)."""
    assert snap_compare(make_app("plan"), terminal_size=size, run_before=_review)
