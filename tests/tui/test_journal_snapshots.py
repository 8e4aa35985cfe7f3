"""Journal snapshots: empty, and two plans (one complete, one interrupted) with an entry's details.

Journal times and the operator come from the wall clock and the OS user; both are pinned here.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cio_tui.identity import journal as journal_module
from cio_tui.identity import journal_records
from cio_tui.identity.apply import ApplyEngine
from cio_tui.identity.journal import Journal
from tests.tui.conftest import FIXED_NOW, SMALL
from tests.tui.test_plan_apply import lead_plan
from tests.tui.test_plan_apply_snapshots import quiet


class _FixedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):  # noqa: ANN001, ANN206 - mirrors datetime.now
        return FIXED_NOW if tz is not None else FIXED_NOW.replace(tzinfo=None)


@pytest.fixture(autouse=True)
def pinned_journal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal_module, "datetime", _FixedDatetime)
    monkeypatch.setattr(journal_records, "datetime", _FixedDatetime)  # an entry's time (JournalEntry.at)
    monkeypatch.setattr(journal_module, "_operator", lambda: "operator")
    assert journal_module.datetime.now(UTC) == FIXED_NOW


async def _history(pilot) -> None:
    await quiet(pilot)
    app = pilot.app
    done = await lead_plan(app.workspace, 2)
    await ApplyEngine.for_workspace(app.workspace, done).run()
    interrupted = await lead_plan(app.workspace, 4, prefix="next")
    with Journal.for_workspace(app.workspace) as journal:
        journal.register_plan(interrupted)
        journal.record(interrupted.plan_id, "op-00003", "done", status=200)
        journal.record(
            interrupted.plan_id,
            "op-00004",
            "sent",
            kind="assign_id",
            request=interrupted.operations[3].request.model_dump(mode="json"),
            before=[{"cio_id": interrupted.operations[3].subject.value, "id": None}],
        )
    await pilot.press("r")
    await quiet(pilot)
    entries = app.screen.query_one("#journal-entries")
    entries.move_cursor(row=entries.row_count - 1)
    await quiet(pilot)


def test_journal_empty(snap_compare, make_app):
    assert snap_compare(make_app("journal"), terminal_size=SMALL, run_before=quiet)


def test_journal_history_and_details(snap_compare, make_app):
    assert snap_compare(make_app("journal"), terminal_size=(110, 36), run_before=_history)


@pytest.mark.parametrize("size", [SMALL, (140, 45)], ids=["80x24", "140x45"])
def test_journal_history_sizes(snap_compare, make_app, size):
    """Entries never scroll sideways: number, state, HTTP status and operation stay whole at 80 columns."""
    assert snap_compare(make_app("journal"), terminal_size=size, run_before=_history)
