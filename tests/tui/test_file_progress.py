"""A big CSV opened in Leads or Identifiers says how far the reading is, with a percentage, from the worker that
reads it (the status line never sits unchanged while 10,000 rows are parsed)."""

from __future__ import annotations

import re

import pytest
from textual.widgets import Label

from cio_tui.tui import progress
from cio_tui.tui.widgets.csv_input import CsvInput
from cio_tui.tui.widgets.csv_path import PathPrompt
from tests.tui.conftest import SMALL, settle


@pytest.mark.parametrize(("area", "header", "row"), [
    ("leads", "email,id", "lead{i}@example.test,lead-id-{i}"),
    ("identifiers", "cio_id,new_id,new_email", "cio_a{i:07x},new-{i},"),
])  # fmt: skip
async def test_a_10000_row_csv_shows_its_reading_progress_in_percent(
    make_app, tmp_path, monkeypatch, area, header, row
):
    monkeypatch.setattr(progress, "SHOW_PROGRESS_AFTER", 0.0)  # the machine is fast: show every step
    monkeypatch.setattr(progress, "REDRAW_EVERY", 0.0)
    path = tmp_path / "big.csv"
    path.write_text(header + "\n" + "\n".join(row.format(i=i) for i in range(10_000)) + "\n")
    app = make_app(area)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        label = screen.query_one(screen.STATUS_ID, Label)
        said: list[str] = []
        update = label.update
        label.update = lambda text="": (said.append(str(text)), update(text))[1]  # type: ignore[method-assign]
        screen.post_message(PathPrompt.Given(screen.query_one(PathPrompt), "ids", path))
        await settle(pilot)
        shares = [
            int(m.group(1)) for s in said if (m := re.search(r"Reading big\.csv… [\d,]+ of 10,001 \((\d+)%\)", s))
        ]
        assert shares and shares[0] < 100 and shares[-1] == 100 and shares == sorted(shares), said[:6]
        assert len(screen.query_one(CsvInput).parsed.rows) == 10_000
        assert "10,000 row(s) read from the file" in " ".join(said)


async def test_ids_read_before_the_leads_keep_their_count_on_the_status_line(make_app, tmp_path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text("email,id\n" + "\n".join(f"lead{i}@example.test,lead-id-{i}" for i in range(30)) + "\n")
    app = make_app("leads")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.post_message(PathPrompt.Given(screen.query_one(PathPrompt), "ids", path))
        await settle(pilot)
        status = str(screen.query_one(screen.STATUS_ID, Label).render())
        assert status.startswith("30 email,id row(s) read; now load the leads they attach to")
