"""Leads snapshots: before loading, and loaded with ids attached (typed and pasted) after the checks."""

from __future__ import annotations

from cio_tui.identity.leads import find_leads
from tests.tui.conftest import SMALL
from tests.tui.id_changes_steps import paste_and_check
from tests.tui.test_leads import someone_with_an_id
from tests.tui.test_plan_apply_snapshots import quiet


async def _checked(pilot) -> None:
    await quiet(pilot)
    app = pilot.app
    leads = await find_leads(app.workspace.client)
    holder = await someone_with_an_id(app.workspace.client)
    await pilot.press("r")
    await quiet(pilot)
    await pilot.press("i", *"lead-0", "enter", *"bob@x.com", "enter", "escape", "v")
    csv = f"email,id\n{leads[2].email},lead-2\n{leads[3].email},cio_zz\n{leads[4].email},{holder.id}\n"
    await paste_and_check(pilot, csv, "#leads-table", row=4)


def test_leads_empty(snap_compare, make_app):
    assert snap_compare(make_app("leads"), terminal_size=SMALL, run_before=quiet)


def test_leads_ids_checked(snap_compare, make_app):
    assert snap_compare(make_app("leads"), terminal_size=(100, 40), run_before=_checked)
