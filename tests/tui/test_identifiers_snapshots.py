"""Identifiers snapshots: nothing picked yet, and a CSV of changes checked (one collision, one local error)."""

from __future__ import annotations

from cio_tui.customerio.identifiers import Identifier
from tests.tui.conftest import SMALL
from tests.tui.id_changes_steps import paste_and_check
from tests.tui.test_identifiers import people_with_ids
from tests.tui.test_plan_apply_snapshots import quiet


async def _checked(pilot) -> None:
    await quiet(pilot)
    app = pilot.app
    a, b, c, d = await people_with_ids(app.workspace.client, 4)
    app.open_identifiers(Identifier.cio(a.cio_id))
    await quiet(pilot)
    await pilot.press(*"fixed-a", "enter", "escape", "v")
    csv = f"cio_id,new_id,new_email\ncio_{b.cio_id},,new-b@example.com\n{c.cio_id},{d.id},\n{d.cio_id},x@y.co,\n"
    await paste_and_check(pilot, csv, "#ids-table", row=1)


def test_identifiers_empty(snap_compare, make_app):
    assert snap_compare(make_app("identifiers"), terminal_size=SMALL, run_before=quiet)


def test_identifiers_changes_checked(snap_compare, make_app):
    assert snap_compare(make_app("identifiers"), terminal_size=(100, 40), run_before=_checked)
