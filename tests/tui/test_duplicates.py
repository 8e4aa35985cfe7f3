"""Duplicates through the TUI: load an export file and a live export, compare, swap primary, exclude, accept,
filter, and make the merge plan that opens in Plan/Apply."""

from __future__ import annotations

from pathlib import Path

from cio_tui.identity.plan import OpKind
from cio_tui.tui.screens.duplicates import DuplicatesScreen
from cio_tui.tui.viewmodels.duplicates_model import PAGE
from cio_tui.tui.widgets.duplicates_compare import CompareTable, compare_rows
from cio_tui.tui.widgets.duplicates_table import GroupsTable
from tests.tui.conftest import SIZE, settle
from tests.unit.test_duplicates_engine import write_export

ROWS = [
    ["l1", "", "lee@example.com", "1300000000", "", "free"],
    ["c1", "lee", "Lee@example.com", "1400000000", "", "pro"],
    ["k1", "Kai", "kai1@example.com", "1500000000", "", ""],
    ["k2", "kai", "kai2@example.com", "1400000000", "", ""],
    ["a1", "ann", "ann@example.com", "1500000000", "anon-a", "pro"],
    ["a2", "", "ann.b@example.com", "1400000000", "anon-a", ""],
]


def export_file(tmp_path: Path) -> Path:
    return write_export(tmp_path / "people.csv", ROWS)


def label_text(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_load_choose_and_plan(make_app, tmp_path: Path) -> None:
    app = make_app("duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DuplicatesScreen)
        screen.load_export(export_file(tmp_path))
        await settle(pilot)
        table = screen.query_one(GroupsTable)
        assert table.row_count == 3
        assert [g.rule for g in screen.model.groups] == [
            "lead_and_id_person+same_email",
            "case_variant_id",
            "shared_anonymous_id",
        ]
        assert "3 group(s) from people.csv: 2 merge-ready, 1 need review" in label_text(screen, "#dup-summary")
        # the compare shows the primary first and the conflicting plan values in words
        compare = screen.query_one(CompareTable)
        assert compare.titles == ["Field", "PRIMARY cio_c1", "secondary cio_l1", "Conflict"]
        assert [row[0] for row in compare.rows] == ["cio_id", "id", "email", "created", "plan"]

        # swap the primary of the first group: the lead survives and takes the real id after the merge
        await pilot.press("p")
        first = screen.model.groups[0]
        assert first.primary == "l1" and "chosen by the operator" in first.primary_reason
        assert str(table.get_cell("r0", "primary")) == "lee@example.com"

        # accept the case-variant group (needs review), then exclude the anonymous one
        await pilot.press("down", "a")
        assert screen.model.groups[1].forced and str(table.get_cell("r1", "state")) == "forced"
        await pilot.press("down", "x")
        assert screen.model.groups[2].excluded and str(table.get_cell("r2", "state")) == "excluded"

        await pilot.press("c")  # medium confidence and above: the forced case-variant group is planned too
        await pilot.press("m")
        await settle(pilot)
        plan = screen.last_plan.plan
        ops = [(op.kind, op.subject.value, op.secondary.value if op.secondary else None) for op in plan.operations]
        assert ops == [
            (OpKind.MERGE, "l1", "c1"),
            (OpKind.ASSIGN_ID, "l1", None),
            (OpKind.MERGE, "k2", "k1"),
        ]
        assert plan.workspace_name == "sandbox"
        assert app.screen.AREA == "plan"


async def test_an_export_of_other_people_is_flagged_and_the_live_export_is_not(make_app, tmp_path: Path) -> None:
    app = make_app("duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.load_export(export_file(tmp_path))  # cio_ids l1, c1, ... are not sandbox people
        await settle(pilot)
        warning = screen.foreign_warning or ""
        assert "None of the 6 people checked from this export is in workspace 'sandbox'" in warning
        await pilot.press("l")
        await settle(pilot)
        assert screen.model.source.startswith("live export") and screen.foreign_warning is None


async def test_filter_narrows_the_table(make_app, tmp_path: Path) -> None:
    app = make_app("duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.load_export(export_file(tmp_path))
        await settle(pilot)
        await pilot.press("f", *"kai")
        await pilot.pause()
        assert screen.query_one(GroupsTable).row_count == 1
        assert screen.highlighted.rule == "case_variant_id"
        assert "1 match 'kai'; showing 1" in label_text(screen, "#dup-filter-line")
        await pilot.press(*"zzz")
        await pilot.pause()
        assert screen.query_one(GroupsTable).row_count == 0 and screen.highlighted is None


async def test_live_export_from_the_sandbox(make_app) -> None:
    app = make_app("duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert screen.model.groups and screen.model.source.startswith("live export people-export-")
        assert screen.query_one(GroupsTable).row_count == min(len(screen.model.groups), PAGE)


def test_compare_rows_mark_conflicts_in_words(tmp_path: Path) -> None:
    from cio_tui.identity.duplicates.engine import analyse_export

    with analyse_export(export_file(tmp_path), keep_attributes=True) as analysis:
        group = analysis.groups()[0]
    titles, rows = compare_rows(group)
    assert titles == ["Field", "PRIMARY cio_c1", "secondary cio_l1", "Conflict"]
    by_field = {row[0]: row[1:] for row in rows}
    assert by_field["email"] == ["Lee@example.com", "lee@example.com", "same"]
    assert by_field["id"] == ["lee", "", ""]
    assert by_field["plan"] == ["pro", "free", "CONFLICT: primary's kept"]


def test_model_filter_typed_before_the_groups_arrive(tmp_path: Path) -> None:
    from cio_tui.identity.duplicates.engine import analyse_export
    from cio_tui.tui.viewmodels.duplicates_model import DuplicatesModel

    model = DuplicatesModel()
    model.set_query("kai")  # typed while the export was still being analysed
    with analyse_export(export_file(tmp_path)) as analysis:
        model.load(analysis.groups(), source="people.csv", summary={}, problems=[])
    assert [model.groups[i].rule for i in model.matches] == ["case_variant_id"]
    model.set_query("kai2")  # narrowing keeps working
    assert len(model.matches) == 1
    model.toggle_exclude(model.matches[0])
    assert "1 excluded" in model.status_line() and "Plan (confidence high+): 1 group(s), 1 merge(s)" in (
        model.status_line()
    )


async def test_a_result_table_opens_with_its_people_read_live(make_app, tmp_path: Path) -> None:
    import csv

    from cio_tui.identity.duplicates.engine import analyse_export
    from cio_tui.identity.duplicates.result_table import EMBEDDED_RESULT_SQL, write_result

    app = make_app("duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("l")  # a live export of the sandbox: the groups to compare with
        await settle(pilot)
        live = [(g.primary, sorted(m.cio_id for m in g.members)) for g in screen.model.groups]
        [export] = (Path(screen.cio.workspace.data_dir) / "exports").glob("people-export-*")
        groups_file = tmp_path / "groups.csv"
        with analyse_export(export) as analysis:
            write_result(analysis.con, EMBEDDED_RESULT_SQL, groups_file)
        with groups_file.open("a", newline="") as fh:  # someone merged or deleted since the table was made
            first = next(csv.DictReader(groups_file.open()))
            csv.writer(fh).writerow([first["group_id"], "gone1", first["rules"], first["confidence"], "false", ""])
        screen.load_export(groups_file)
        await settle(pilot)
        assert screen.model.source == "result table groups.csv"
        got = [(g.primary, sorted(m.cio_id for m in g.members)) for g in screen.model.groups]
        assert sorted(got) == sorted(live)
        assert screen.model.problems == [f"group {first['group_id']}: cio_gone1 left out: no longer in the workspace "
                                         "(deleted or merged since the table)"]  # fmt: skip
        assert screen.query_one(GroupsTable).row_count == min(len(live), PAGE)


async def test_a_result_table_needs_an_open_workspace(make_app, tmp_path: Path) -> None:
    groups_file = tmp_path / "groups.csv"
    groups_file.write_text("group_id,cio_id,rules,confidence,is_primary,needs_review_reason\na,a,same_email,medium,"
                           "true,\na,b,same_email,medium,false,\n")  # fmt: skip
    app = make_app("duplicates", sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen if isinstance(app.screen, DuplicatesScreen) else None
        if screen is None:  # without a workspace the app opens on Connect: go to Duplicates
            screen = DuplicatesScreen()
            await app.push_screen(screen)
            await settle(pilot)
        screen.load_export(groups_file)
        await settle(pilot)
        assert screen.model.groups == []
        assert any("is a result table: its people are read live" in str(n.message) for n in app.notices)


async def test_calibration_from_the_screen_records_the_header_and_checks_later_exports(
    make_app, tmp_path: Path
) -> None:
    app = make_app("duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("l")  # a live export of the sandbox, to know one real person
        await settle(pilot)
        person = next(m.id for g in screen.model.groups for m in g.members if m.id and "@" not in m.id)
        await pilot.press("k", *person, "enter")
        await settle(pilot)
        found = screen.calibration
        assert found is not None and found.person == person and found.rows == 1
        assert found.header[:4] == ["cio_id", "id", "email", "created_at"] and found.roles["id"] == "id"
        recorded = [n for n in app.notices if n.title == "Export header recorded"]
        assert recorded and f"1 row(s) for {person}. Header: cio_id, id, email, created_at" in str(recorded[-1].message)
        assert "no mapping needed" in str(recorded[-1].message)

        renamed = tmp_path / "renamed.csv"  # not this workspace's export header: refused, saying why
        renamed.write_text("Internal Id,id,E-mail,created_at\nc1,u1,a@example.com,1\n")
        before = len(screen.model.groups)
        screen.load_export(renamed)
        await settle(pilot)
        refused = [n for n in app.notices if n.title == "Export refused"]
        assert refused and "renamed.csv: its header differs from this workspace's calibration export" in str(
            refused[-1].message
        )
        assert "It has no 'cio_id' (cio_id), 'email' (email) column" in str(refused[-1].message)
        assert len(screen.model.groups) == before  # nothing replaced

        screen.load_export(export_file(tmp_path))  # cio-tui's header with fewer columns: analysed, with a warning
        await settle(pilot)
        assert screen.model.source == "people.csv"
        assert any(n.title == "Not the recorded export header" for n in app.notices)


async def test_groups_merged_by_an_apply_are_stale_and_never_planned_again(make_app) -> None:
    """QA: after applying the merges, making a plan from the same groups re-reads their people first: the groups
    whose secondaries were merged away are STALE, and no plan presents those merges as still to make."""
    from cio_tui.tui.modals.confirm_typed import ConfirmTypedModal

    app = make_app("duplicates")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("l")
        await settle(pilot)
        planned = {g.group_id for g in screen.model.planned_groups()}
        assert planned
        await pilot.press("m")
        await settle(pilot)
        plan_screen = app.screen
        first = screen.last_plan
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmTypedModal)
        await pilot.press(*"sandbox", "enter")
        await settle(pilot)
        assert plan_screen.result.ok

        await pilot.press("6")
        await settle(pilot)
        assert "An apply ended since these groups were read" in label_text(screen, "#dup-summary")
        await pilot.press("m")
        await settle(pilot)
        stale = {g.group_id for g in screen.model.groups if g.stale}
        assert planned <= stale
        assert "no longer in the workspace" in next(g for g in screen.model.groups if g.stale).stale
        assert f"{len(stale):,} stale" in label_text(screen, "#dup-summary")
        assert "Stale groups" in [n.title for n in app.notices]
        again = screen.last_plan
        merged_away = {op.secondary.value for op in first.plan.operations if op.secondary}
        if again is not first:  # only groups untouched by the apply may be planned, never a merged-away secondary
            assert not merged_away & {op.secondary.value for op in again.plan.operations if op.secondary}
