"""Duplicates snapshots on the seeded sandbox: empty, a live export analysed, and a group compared after choices."""

from __future__ import annotations

from tests.tui.conftest import SIZE, SMALL
from tests.tui.test_plan_apply_snapshots import quiet


async def _live(pilot) -> None:
    await quiet(pilot)
    await pilot.press("l")
    await quiet(pilot)


async def _chosen(pilot) -> None:
    await _live(pilot)
    await pilot.press("f", *"case", "escape", "p")
    await quiet(pilot)


def test_duplicates_empty(snap_compare, make_app):
    assert snap_compare(make_app("duplicates"), terminal_size=SMALL, run_before=quiet)


def test_duplicates_live_loaded(snap_compare, make_app):
    assert snap_compare(make_app("duplicates"), terminal_size=SIZE, run_before=_live)


def test_duplicates_filtered_primary_swapped(snap_compare, make_app):
    assert snap_compare(make_app("duplicates"), terminal_size=(100, 40), run_before=_chosen)
