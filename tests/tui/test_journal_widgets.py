"""Journal tables, entry details and the export prompt, over a real journal file."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Label, RadioButton

from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.journal import Journal, JournalEntry, PlanRecord
from cio_tui.identity.plan import Plan
from cio_tui.tui.modals.export_journal import ExportChoice, ExportJournalModal
from cio_tui.tui.viewmodels.journal_view import can_resume, plan_matches, plan_status
from cio_tui.tui.widgets.journal_detail import entry_text
from cio_tui.tui.widgets.journal_tables import JournalEntriesTable, JournalPlansTable


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
        assert str(app.screen.query_one("#fmt-jsonl", RadioButton).label).endswith("(chosen)")
        assert str(app.screen.query_one("#export-format-words", Label).render()) == "Format: JSONL (chosen)"
        assert path_input.value == str(tmp_path / f"journal-{plan.plan_id}.jsonl")
        await pilot.click("#fmt-csv")
        assert path_input.value.endswith(".csv")
        assert str(app.screen.query_one("#export-format-words", Label).render()) == "Format: CSV (chosen)"
        labels = {b.id: str(b.label) for b in app.screen.query(RadioButton)}  # the choice in words, not colour
        assert labels == {
            "fmt-jsonl": "JSONL (one entry per line)",
            "fmt-csv": "CSV (spreadsheet) (chosen)",
            "scope-plan": f"this plan ({plan.plan_id[:12]}) (chosen)",
            "scope-all": "the whole journal (every plan)",
        }
        path_input.value = str(tmp_path / "missing" / "x.csv")
        path_input.focus()
        await pilot.press("enter")
        assert "does not exist" in str(app.screen.query_one("#export-error", Label).render())
        path_input.value = "out.csv"
        await pilot.press("enter")
        assert app.choices == [ExportChoice(path=tmp_path / "out.csv", format="csv", plan_id=plan.plan_id)]


async def test_export_prompt_can_export_the_whole_journal(tmp_path: Path) -> None:
    journal, plan = _journal(tmp_path)
    app = _Host(journal, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ExportJournalModal(tmp_path, plan.plan_id), app.choices.append)
        await pilot.pause()
        await pilot.click("#scope-all")
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == str(tmp_path / "journal-all.jsonl")
        assert str(app.screen.query_one("#scope-all", RadioButton).label).endswith("(chosen)")
        assert "Export the journal of every plan" in str(app.screen.query_one("#export-title", Label).render())
        path_input.focus()
        await pilot.press("enter")
        assert app.choices == [ExportChoice(path=tmp_path / "journal-all.jsonl", format="jsonl", plan_id=None)]


class _Tables(App[None]):
    def compose(self) -> ComposeResult:
        yield JournalPlansTable(id="plans")
        yield JournalEntriesTable(id="entries")


async def test_cells_show_data_as_plain_text_not_markup() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    record = PlanRecord(
        plan_id="p[1]",
        registered_at=at,
        operator="[red]op",
        workspace_name="w",
        source="[bold]src[/",
        description="",
        total=1,
        states={"done": 1},
        last_at=None,
    )
    entry = JournalEntry(seq=1, at=at, plan_id="p[1]", op_id="op[/b]", state="done", operator="[b]x", detail="[i]d")
    app = _Tables()
    async with app.run_test(size=(120, 20)) as pilot:
        app.query_one(JournalPlansTable).load([record])
        app.query_one(JournalEntriesTable).load([entry])
        await pilot.pause()
        for table in app.query(DataTable):
            for cell in table.get_row_at(0):
                assert not isinstance(cell, str), cell  # a str cell would be read as markup
        plans = [c.plain for c in app.query_one(JournalPlansTable).get_row_at(0)]
        assert plans[0] == "p[1]" and plans[2] == "[bold]src[/" and plans[5] == "1 done"
        entries = [c.plain for c in app.query_one(JournalEntriesTable).get_row_at(0)]
        assert entries[2] == "op[/b]" and entries[4].endswith("[i]d")
