"""Plan/Apply at 80x24, paused while requests await their answers (QA 9): the screen says how many answers it waits
for, the counts move as they arrive, a cancel does not jump, and the toast, the status and the resume dialog call
the operations never sent "not sent", never "in doubt"."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.widget import Widget

from cio_tui.customerio.errors import NotSentError
from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.tui.screens.plan_apply import PlanScreen
from cio_tui.tui.widgets.apply_progress import ApplyProgress
from tests.tui.conftest import SMALL, settle
from tests.tui.test_plan_apply import _open, lead_plan


def drawn(widget: Widget) -> str:
    """The widget's text as drawn on screen, padding included (wrapped lines joined, borders dropped)."""
    lines = (strip.text for strip in widget.render_lines(widget.region.reset_offset))
    return " ".join(" ".join(lines).replace("│", " ").split())


async def _until(pilot: Any, ok: Any, rounds: int = 300) -> None:
    for _ in range(rounds):
        await pilot.pause(0.01)
        if ok():
            return
    raise AssertionError("the screen never got there")


async def test_paused_apply_counts_answers_as_they_arrive_and_cancel_says_not_sent(make_app) -> None:
    app = make_app("plan")
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        client = app.workspace.client
        plan = await lead_plan(app.workspace, 40, prefix="pause")
        answers, left = asyncio.Event(), []
        send = client.send_planned

        async def slow_answer(request: Any, **kw: Any) -> None:  # the request leaves; its answer waits
            gate = kw.pop("gate", None)
            if gate is not None and not await gate():
                raise NotSentError(message="not sent (stopped)")
            left.append(request.path)
            await answers.wait()
            await send(request, **kw)

        client.send_planned = slow_answer
        screen = await _open(pilot, plan)
        await pilot.press("a", *"sandbox", "enter")
        await _until(pilot, lambda: len(left) >= 10)
        await pilot.press("p")
        out = len(left)
        status, progress = screen.query_one("#plan-status"), screen.query_one(ApplyProgress)

        def panel() -> str:
            return drawn(progress.query_one("#apply-headline")) + " " + drawn(progress.query_one("#apply-counts"))

        await _until(pilot, lambda: "PAUSED: waiting for" in drawn(status))
        assert f"waiting for {out} answer(s) to requests already sent" in drawn(status), drawn(status)

        answers.set()  # the answers arrive while paused: read back and counted now, not when the pause ends
        # (their results are journaled in the writer's thread, beside the event loop: counted once on disk)
        await _until(pilot, lambda: "nothing in flight" in drawn(status) and f"done {out} " in panel())
        assert len(left) == out  # nothing else left while paused
        shown = panel()
        assert f"PAUSED · {out}/40 operations" in shown, shown
        assert f"done {out}" in shown and f"pending {40 - out}" in shown and "awaiting an answer 0" in shown, shown
        assert f"{40 - out} operation(s) wait, not sent" in drawn(status), drawn(status)

        await pilot.press("x")
        await settle(pilot)
        assert screen.phase == "finished" and screen.result is not None and screen.result.cancelled
        shown = panel()
        assert f"CANCELLED · {out}/40 operations" in shown, shown  # no jump: the count the pause showed
        said = [n.message for n in app.notices if n.title == "Apply cancelled"]
        assert said and f"{40 - out} not sent yet (cancelled)" in said[-1], said
        assert "in doubt" not in said[-1]

        await pilot.press("a")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmTypedModal)
        summary = drawn(dialog.query_one("#confirm-summary"))
        assert f"{40 - out} not sent yet" in summary and "in doubt" not in summary, summary
        assert "Press a" not in summary and "Confirming resumes" in summary
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)


async def test_the_confirmation_is_not_covered_by_a_toast_at_80x24(make_app) -> None:
    app = make_app("plan")
    async with app.run_test(size=SMALL, notifications=True) as pilot:
        await settle(pilot)
        plan = await lead_plan(app.workspace, 3, prefix="toast")
        await _open(pilot, plan)
        app.notify("68/150 operation(s) done; 82 not sent yet (cancelled).", title="Apply cancelled", timeout=15)
        await pilot.pause()
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmTypedModal)
        assert not app.toasts_on_screen()  # nothing drawn over the dialog's input and buttons
