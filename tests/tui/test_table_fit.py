"""Tables show every change whole, or end a cut value in "…" with the full text elsewhere: columns sized to their
content and the terminal, the columns that matter kept at 80x24 (Identifiers' id change, Plan's person, State and
Loses), everything whole at 140x45."""

from __future__ import annotations

import pytest
from rich.text import Text

from cio_tui.customerio.identifiers import Identifier
from cio_tui.tui.widgets.csv_changes import ChangesTable
from cio_tui.tui.widgets.fit_table import fit_widths, text_width
from cio_tui.tui.widgets.plan_table import PlanTable
from tests.tui.conftest import SMALL, settle
from tests.tui.test_plan_apply_snapshots import _review

LARGE = (140, 45)


def test_fit_widths_keeps_short_columns_whole_and_cuts_the_widest_of_a_priority_first():
    # state (8) and loses (7) whole; the two long priority-1 columns share what is left equally
    widths = fit_widths([40, 40, 8, 7], [6, 6, 6, 6], [1, 1, 1, 1], available=60)
    assert widths[2:] == [8, 7] and sum(widths) == 60 and abs(widths[0] - widths[1]) <= 1
    # a lower priority gets its minimum until the higher one is whole
    assert fit_widths([30, 30], [5, 5], [1, 2], available=40) == [30, 10]
    # everything fits: content widths, no more
    assert fit_widths([3, 10], [6, 6], [1, 2], available=100) == [3, 10]


def _visible(table, row_key: str, column: str) -> bool:
    """Whether the cell is shown whole (else it must be marked cut and end in an ellipsis when drawn)."""
    return not table.is_cut(row_key, column)


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_identifiers_id_change_with_spaces_is_shown_whole(make_app, size):
    app = make_app("identifiers")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.pick(Identifier.cio("a3000002"))
        await settle(pilot)
        await pilot.press(*"has space id", "enter")
        await settle(pilot)
        table = screen.query_one(ChangesTable)
        [row] = table.change_rows.values()
        assert str(table.get_cell(row.key, "id")) == "u0000002 -> has space id"
        assert _visible(table, row.key, "id") and _visible(table, row.key, "cio_id")
        if size == LARGE:
            for column in ("from", "email", "check"):
                assert _visible(table, row.key, column), column
        # whatever is cut says so on screen, and the detail pane has it whole
        check = table.get_cell(row.key, "check")
        if table.is_cut(row.key, "check"):
            assert check.overflow == "ellipsis"
        assert check.plain.split(": ", 1)[1] in str(screen.query_one("#ids-detail").render())


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_plan_keeps_person_state_and_loses_and_shows_everything_at_140(make_app, size):
    app = make_app("plan")
    async with app.run_test(size=size) as pilot:
        await _review(pilot)
        table = app.screen.query_one(PlanTable)
        for row in table.plan_rows:
            for column in ("number", "kind", "state", "loses"):  # the operation whole, the person cut first
                assert _visible(table, row.key, column), (size, column)
            if size == LARGE:
                for column in ("kind", "person", "change"):
                    assert _visible(table, row.key, column), (size, column, row)
        # a cut cell shows its full text as the tooltip of the cell under the mouse
        cut = [(r.key, c) for r in table.plan_rows for c in ("kind", "person", "change") if table.is_cut(r.key, c)]
        if size == SMALL:
            assert cut
            row_key, column = cut[0]
            row_index, column_index = table.get_row_index(row_key), table.get_column_index(column)
            full = table._full_value(table.cursor_coordinate._replace(row=row_index, column=column_index))
            assert isinstance(full, Text) and full.plain == table.get_cell(row_key, column).plain
            assert text_width(full) > table.column_width(column)


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_journal_entries_never_scroll_sideways_and_keep_state_and_status_whole(make_app, size):
    from cio_tui.tui.widgets.journal_tables import JournalEntriesTable
    from tests.tui.test_journal_snapshots import _history

    app = make_app("journal")
    async with app.run_test(size=size) as pilot:
        await _history(pilot)
        table = app.screen.query_one(JournalEntriesTable)
        assert table.row_count == 3
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no sideways scrolling
        for key in table.entries:
            for column in ("seq", "op", "state"):
                assert _visible(table, key, column), (size, column)
        sent = next(k for k, e in table.entries.items() if e.status is not None)
        assert str(table.get_cell(sent, "state")).endswith(" · 200")


def test_a_column_claims_only_its_want_at_its_priority_and_the_rest_last():
    # loses (natural 39, want 12) takes 12 while the change (28) is cut, and what is left after everything
    assert fit_widths([28, 39], [14, 7], [1, 1], available=34, wants=[None, 12]) == [22, 12]
    assert fit_widths([28, 39], [14, 7], [1, 1], available=50, wants=[None, 12]) == [28, 22]
    assert fit_widths([28, 39], [14, 7], [1, 1], available=34) == [17, 17]  # without want: equal, loses half empty


async def test_merge_rows_give_the_change_the_width_a_rare_long_loss_does_not_use():
    """80x24, merges (loses IRREVERSIBLE) and one update losing a long list: the change is not cut for it."""
    from textual.app import App, ComposeResult

    from cio_tui.tui.viewmodels.plan_states import PlanRow

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield PlanTable()

    merges = [
        PlanRow(
            key=f"op-{i}",
            number=i,
            kind="merge",
            person=f"cio_a30000{i:02d} (p{i}@example.com) into cio_a3000001 (x@example.com)",
            change=f"cio_a30000{i:02d}: exists -> gone",
            loses="IRREVERSIBLE",
        )
        for i in range(30, 40)
    ]
    update = PlanRow(
        key="op-x",
        number=41,
        kind="update",
        person="cio_a3000099",
        change="email: a@b.co -> c@d.co",
        loses="old email, phone, first_name, last_name",
    )
    widths = []
    for rows in (merges, [*merges, update]):
        app = One()
        async with app.run_test(size=SMALL) as pilot:
            table = app.query_one(PlanTable)
            table.load(rows)
            await settle(pilot)
            widths.append((table.column_width("change"), table.column_width("loses")))
            assert not table.is_cut("op-30", "loses")
    assert widths[1] == widths[0]  # the long loss takes nothing from the change
    assert widths[1][1] == len("IRREVERSIBLE")
