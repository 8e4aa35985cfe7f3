"""Journal tables, entry details and the export prompt, over a real journal file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import Input, Label

from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.journal import Journal
from cio_tui.identity.plan import Plan
from cio_tui.tui.modals.export_journal import ExportChoice, ExportJournalModal
from cio_tui.tui.widgets.journal_detail import entry_text
from cio_tui.tui.widgets.journal_tables import JournalPlansTable, can_resume, plan_matches, plan_status


def _journal(tmp_path: Path) -> tuple[Journal, Plan]:
    plan = Plan.create(
        workspace_fingerprint="us:0123456789abcdef",
        workspace_name="sandbox",
        source="convert-leads",
        created_at=datetime(2026, 1, 2, tzinfo=UTC),
        operations=[
            ops.assign_id(PersonRef(cio_id="a1", email="ann@example.com"), "u-1"),
            ops.assign_id(PersonRef(cio_id="a2", email="bob@example.com"), "u-2"),
        ],
    )
    journal = Journal(tmp_path / "journal.sqlite", operator="tester")
    journal.register_plan(plan)
    journal.record(
        plan.plan_id,
        "op-00001",
        "sent",
        kind="assign_id",
        request={"method": "PUT", "path": "/x"},
        before={"cio_id": "a1", "id": None},
    )
    return journal, plan


def test_status_and_filters(tmp_path: Path) -> None:
    journal, plan = _journal(tmp_path)
    [record] = journal.plans()
    assert plan_status(record) == "interrupted" and can_resume(record)
    assert plan_matches(record, "convert")
    assert plan_matches(record, plan.plan_id[:6])
    assert not plan_matches(record, "merge")
    assert plan_matches(record, "", "interrupted") and not plan_matches(record, "", "complete")
    journal.record(plan.plan_id, "op-00001", "done", status=200)
    journal.record(plan.plan_id, "op-00002", "done", status=200)
    [record] = journal.plans()
    assert plan_status(record) == "complete" and not can_resume(record)


def test_entry_details_show_request_status_and_snapshots(tmp_path: Path) -> None:
    journal, plan = _journal(tmp_path)
    entry = journal.entries(plan.plan_id, "op-00001")[0]
    text = entry_text(entry).plain
    assert "by tester" in text
    assert '"path": "/x"' in text and '"cio_id": "a1"' in text
    assert "After:\n(none recorded)" in text


class _Host(App[None]):
    def __init__(self, journal: Journal, directory: Path) -> None:
        super().__init__()
        self.journal = journal
        self.directory = directory
        self.choices: list[ExportChoice | None] = []

    def compose(self) -> ComposeResult:
        yield JournalPlansTable(id="plans")

    def on_mount(self) -> None:
        self.query_one(JournalPlansTable).load(self.journal.plans())


async def test_export_prompt_checks_the_path(tmp_path: Path) -> None:
    journal, plan = _journal(tmp_path)
    app = _Host(journal, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.query_one(JournalPlansTable).highlighted.plan_id == plan.plan_id
        app.push_screen(ExportJournalModal(tmp_path, plan.plan_id), app.choices.append)
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == str(tmp_path / f"journal-{plan.plan_id}.jsonl")
        await pilot.click("#fmt-csv")
        assert path_input.value.endswith(".csv")
        assert str(app.screen.query_one("#export-format-words", Label).render()) == "Format: CSV"
        path_input.value = str(tmp_path / "missing" / "x.csv")
        path_input.focus()
        await pilot.press("enter")
        assert "does not exist" in str(app.screen.query_one("#export-error", Label).render())
        path_input.value = "out.csv"
        await pilot.press("enter")
        assert app.choices == [ExportChoice(path=tmp_path / "out.csv", format="csv", plan_id=plan.plan_id)]
