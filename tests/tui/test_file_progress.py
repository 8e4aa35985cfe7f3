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


def test_busy_waits_before_counting_redraws_a_few_times_a_second_and_always_draws_the_end() -> None:
    from types import SimpleNamespace

    said: list[str] = []
    now = [0.0]
    label = SimpleNamespace(update=said.append)
    busy = progress.Busy(label, "Loading the table…", clock=lambda: now[0])  # type: ignore[arg-type]
    busy.progress(100, 10_000)  # under two seconds: only the words
    now[0] = 2.5
    busy.progress(4_000, 10_000)
    busy.progress(4_250, 10_000)  # a moment later: not redrawn
    busy.progress(10_000, 10_000)  # the end is always drawn
    assert said == [
        "Loading the table…",
        "Loading the table… 4,000 of 10,000 (40%), about 4 s left",
        "Loading the table… 10,000 of 10,000 (100%)",
    ]
    later = progress.Busy(label, "Loading…", clock=lambda: now[0], after=0.0)  # type: ignore[arg-type]
    later.progress(250, 1_000)  # a second phase of a wait already long: counted at once
    assert said[-1] == "Loading… 250 of 1,000 (25%)"  # no "about 0 s left"
