"""The journal export dialog at 80x24 (QA 18): every radio choice reads whole, "(chosen)" included."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import RadioButton

from cio_tui.tui.modals.export_journal import ExportJournalModal
from tests.tui.conftest import SMALL, settle
from tests.tui.test_plan_apply_pause import drawn


async def test_every_export_choice_is_whole_at_80x24(make_app, tmp_path: Path) -> None:
    app = make_app("journal")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(ExportJournalModal(tmp_path, "a519c90a616eab1b"))
        await settle(pilot)
        labels = {button.id: drawn(button) for button in app.screen.query(RadioButton)}
        assert "this plan (a519c90a616e) (chosen)" in labels["scope-plan"], labels
        assert "the whole journal (every plan)" in labels["scope-all"], labels
        assert "JSONL (one entry per line) (chosen)" in labels["fmt-jsonl"], labels
        assert "CSV (spreadsheet)" in labels["fmt-csv"], labels
        for widget in ("#export-path", "#export-yes", "#export-no"):
            assert app.screen.region.contains_region(app.screen.query_one(widget).region), widget
