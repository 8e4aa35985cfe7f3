"""A big plan file opened in Plan/Apply says how far it is, in percent, while the worker reads and checks its
operations and while the table is filled; apply is refused in words until every operation is in the table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Label

from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import Plan, save_plan
from cio_tui.identity.signing import SANDBOX_PLAN_KEY
from cio_tui.tui import progress
from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal
from cio_tui.tui.screens.plan_apply import PlanScreen
from cio_tui.tui.widgets.csv_path import PathPrompt
from cio_tui.tui.widgets.plan_table import PlanTable
from cio_tui.workspace_sandbox import sandbox_fingerprint
from tests.tui.conftest import SIZE, settle

COUNT = 10_000


def big_plan_file(folder: Path) -> Path:
    """10,000 operations for the sandbox, signed with its key (as a plan made there and saved is)."""
    plan = Plan.create(
        workspace_fingerprint=sandbox_fingerprint(),
        workspace_name="sandbox",
        source="manual",
        created_at=datetime(2026, 1, 2, tzinfo=UTC),
        operations=[
            ops.assign_id(PersonRef(cio_id=f"a{i:07x}", email=f"p{i}@example.com"), f"u-{i}") for i in range(COUNT)
        ],
    )
    return save_plan(plan, folder / "big.json", key=SANDBOX_PLAN_KEY)


def shares(said: list[str], words: str) -> list[int]:
    pattern = re.escape(words) + r" [\d,]+ of 10,000 \((\d+)%\)"
    return [int(m.group(1)) for s in said if (m := re.search(pattern, s))]


@pytest.mark.long(17)
async def test_a_10000_operation_plan_shows_both_phases_in_percent_and_refuses_apply_until_all_shown(
    make_app, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "SHOW_PROGRESS_AFTER", 0.0)  # the machine is fast: show every step
    monkeypatch.setattr(progress, "REDRAW_EVERY", 0.0)
    path = big_plan_file(tmp_path)
    app = make_app("plan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlanScreen)
        label = screen.query_one("#plan-status", Label)
        said: list[str] = []
        update = label.update
        label.update = lambda text="": (said.append(str(text)), update(text))[1]  # type: ignore[method-assign]
        screen.post_message(PathPrompt.Given(screen.query_one(PathPrompt), "open", path))
        for _ in range(2000):  # until the file is read and the table is being filled
            await pilot.pause(0.005)
            if screen.phase == "loading":
                break
        assert screen.phase == "loading"
        table = screen.query_one(PlanTable)
        assert 0 < table.row_count < COUNT
        assert "not applied" in (screen.unapplied_work() or "")  # quitting now still asks first

        await pilot.press("a")  # refused in words; nothing opens, nothing is sent
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmTypedModal)
        (note,) = [n for n in app.notices if n.title == "Still loading"]
        assert re.fullmatch(
            r"The plan is still loading: [\d,]+ of 10,000 operations are in the table\. Review and apply it once "
            r"every operation is shown \(a few seconds\); nothing was sent\.",
            note.message,
        )

        await settle(pilot)
        reading = shares(said, "Opening big.json: reading and checking its operations…")
        assert reading and reading[0] < 100 and reading[-1] == 100 and reading == sorted(reading), said[:4]
        loading = shares(said, "Loading the table…")
        assert loading and loading[0] < 50 and loading[-1] == 100 and loading == sorted(loading), said[-4:]
        assert any(re.search(r"\(\d+%\), about \d+ s left", s) for s in said)
        assert screen.phase == "review" and table.complete
        assert table.row_count == COUNT
        assert str(table.get_cell("op-10000", "number")) == "10000"
        assert str(label.render()).startswith("Not checked yet: press c")

        await pilot.press("a")  # complete: the typed confirmation opens
        await pilot.pause()
        assert isinstance(app.screen, ConfirmTypedModal)
        await pilot.press("escape")
        await settle(pilot)

        said.clear()
        await pilot.press("c")  # the stale check reads the 10,000 people in bulk, counting them the same way
        await settle(pilot)
        checking = shares(said, "Reading 10,000 people…")
        assert checking and checking[-1] == 100 and checking == sorted(checking), said[:4]
        assert len(screen.checks) == COUNT
