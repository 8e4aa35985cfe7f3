"""A Walkthrough step change (to a step shown before) draws one frame: Textual lays the screen out two or three
times for it (the step's text resized, the scroll bar shown or hidden), and each frame drawn in between was drawn
over at once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui.conftest import SIZE, settle


async def test_each_step_change_draws_one_frame_showing_the_new_step(
    make_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        render = screen._compositor.render_update
        frames: list[str] = []

        def drawn(*args: Any, **kwargs: Any) -> Any:
            update = render(*args, **kwargs)
            if update is not None:  # None: nothing was dirty, nothing written
                frames.append(str(screen.query_one("#wt-title").render()).splitlines()[0])
            return update

        for _ in range(3):  # each step's form is made the first time it is shown: steps 2 to 4 shown once
            await pilot.press("down")
            await settle(pilot)
        monkeypatch.setattr(screen._compositor, "render_update", drawn)
        # to a long step (its scroll bar shows: three layouts), to a short one, and down again
        for key, step in (("up", 3), ("up", 2), ("up", 1), ("down", 2), ("down", 3), ("down", 4)):
            frames.clear()
            await pilot.press(key)
            await settle(pilot)
            assert screen.step_number == step
            assert len(frames) == 1, frames
            assert frames[0].startswith(f"Step {step} of 9: ")
