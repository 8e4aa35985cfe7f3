"""Leads from a people export of another workspace are flagged when the export is read."""

from __future__ import annotations

from tests.tui.conftest import SIZE, settle


async def test_an_export_of_people_not_in_this_workspace_is_flagged(make_app, tmp_path):
    app = make_app("leads")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        export = tmp_path / "people.csv"
        export.write_text("cio_id,email,id\nzz000001,ann@elsewhere.test,\nzz000002,bob@elsewhere.test,\n")
        await pilot.press("o")
        app.screen.query_one("#leads-path Input").value = str(export)
        await pilot.press("enter")
        await settle(pilot)
        warnings = [n.message for n in app.notices if n.title == "Not this workspace's people?"]
        assert warnings and "None of the 2 people checked from this export is in workspace 'sandbox'" in warnings[0]
