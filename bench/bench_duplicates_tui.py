"""Duplicates screen with 50,000 groups: response to a cursor move and to a filter keystroke (target: under 50 ms).

Runs the real app headless (Textual's run_test, 100x32, on the embedded sandbox) with 50,000 groups handed to the
screen, then times each key from press to the screen having processed it and refreshed (Pilot press + pause), over
many presses: median and 95th percentile beside the target. Also the time to show the groups at all.

Pilot's own cost per key (the "floor": an unbound key) is most of those figures, so the screen's own work is also
timed directly, without Pilot: the handler (cursor moved and compare filled, or filter applied to the table) plus
the render of every widget it changed (the table's visible rows, the compare pane, the status lines) into strips.

Usage: python bench/bench_duplicates_tui.py [--groups 50000] [--moves 60]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time


def make_groups(n: int) -> list:
    """n groups of 2-4 people, with every rule, conflicting attributes and a few needing review."""
    from cio_tui.identity.duplicates.models import DuplicateGroup, Member
    from cio_tui.identity.duplicates.rules import RULES, Confidence

    groups = []
    for i in range(n):
        rule = RULES[i % len(RULES)]
        size = 2 + (i % 7 == 0) + (i % 31 == 0)
        members = [
            Member(
                f"c{i:06d}{k}",
                f"user{i}" if k == 0 else (None if k == 1 else f"User{i}"),
                f"p{i}@example.com",
                1_600_000_000 + 1000 * k,
                k != 1,
                {"plan": ("free", "pro", "team")[k % 3], "first_name": "Ada"},
            )
            for k in range(size)
        ]
        groups.append(
            DuplicateGroup(
                group_id=i,
                rules=[rule.name],
                confidence=rule.confidence,
                members=members,
                evidence=f"Linked by: {rule.phrase} 'p{i}@example.com'.",
                primary_reason=f"Primary cio_c{i:06d}0.",
                review_reasons=["Needs review: 2 different real ids."] if size > 3 else [],
            )
        )
    groups.sort(key=lambda g: (-Confidence(g.confidence).rank, g.needs_review, -g.size, g.group_id))
    return groups


def stats(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)], ordered[-1]


async def run(n_groups: int, moves: int) -> None:
    import keyring
    from keyring.backends.null import Keyring

    keyring.set_keyring(Keyring())
    from cio_tui.tui.app import CioApp
    from cio_tui.tui.services import StartChoice
    from cio_tui.tui.viewmodels.duplicates_model import PAGE
    from cio_tui.tui.widgets.duplicates_table import GroupsTable
    from tests.tui.conftest import real_services, settle  # the shell's deterministic services (embedded sandbox)

    groups = make_groups(n_groups)
    app = CioApp(real_services(start=StartChoice(profile_name=None, sandbox=True)), initial_area="duplicates")
    app.animation_level = "none"
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        start = time.perf_counter()
        screen.load_groups(groups, source="bench")
        await pilot.pause()
        shown = time.perf_counter() - start
        table = screen.query_one(GroupsTable)
        table.focus()
        await pilot.pause()

        floor: list[float] = []  # a key no binding uses: what Pilot itself costs per key (press + refresh)
        for _ in range(20):
            t = time.perf_counter()
            await pilot.press("z")
            await pilot.pause()
            floor.append(time.perf_counter() - t)

        cursor: list[float] = []
        for i in range(moves):
            key = "down" if (i // 20) % 2 == 0 else "up"
            t = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            cursor.append(time.perf_counter() - t)
        highlighted = screen.highlighted

        page_end: list[float] = []
        for _ in range(3):  # jump to the end of the page: the next page of rows is added
            t = time.perf_counter()
            await pilot.press("end")
            await pilot.pause()
            page_end.append(time.perf_counter() - t)

        await pilot.press("f")
        await pilot.pause()
        typing: list[float] = []
        for text in ("user1", "same", "pro", "needs"):
            for ch in text:
                t = time.perf_counter()
                await pilot.press(ch)
                await pilot.pause()
                typing.append(time.perf_counter() - t)
            for _ in text:
                t = time.perf_counter()
                await pilot.press("backspace")
                await pilot.pause()
                typing.append(time.perf_counter() - t)
        matches = len(screen.model.matches)
        own_cursor, own_filter = own_work(screen, table, moves)

    print(f"{n_groups:,} groups; the table holds {PAGE} rows at a time; {os.cpu_count()} cores")
    base = statistics.median(floor)
    print(
        f"\n{'measure (press to processed and redrawn)':<48}{'median':>9}{'p95':>9}{'max':>9}"
        f"{'- floor':>9}{'target':>9}"
    )
    for name, samples in (
        ("cursor move (down/up), ms", cursor),
        ("filter keystroke (type/backspace), ms", typing),
        ("cursor to the page end (adds a page), ms", page_end),
        ("floor: unbound key, ms", floor),
    ):
        med, p95, top = stats(samples)
        print(f"{name:<48}{med * 1000:>9.1f}{p95 * 1000:>9.1f}{top * 1000:>9.1f}{(med - base) * 1000:>9.1f}{'< 50':>9}")
    print(f"{'show the groups (load_groups), ms':<48}{shown * 1000:>9.1f}")
    print(
        f"\n{'screen own work, no Pilot (handler + render)':<48}{'median':>9}{'p95':>9}{'max':>9}{'':>9}{'target':>9}"
    )
    for name, samples in (
        ("cursor move: move + compare + render, ms", own_cursor),
        ("filter keystroke: filter + table + render, ms", own_filter),
    ):
        med, p95, top = stats(samples)
        print(f"{name:<48}{med * 1000:>9.1f}{p95 * 1000:>9.1f}{top * 1000:>9.1f}{'':>9}{'< 50':>9}")
    print(
        f"(last highlighted group: {highlighted.rule if highlighted else None}; groups matching at the end: "
        f"{matches:,})"
    )


def render(widgets: list) -> None:
    """Render what the compositor would ask for after a key: every line of these widgets, as strips."""
    from textual.geometry import Region

    for w in widgets:
        w.render_lines(Region(0, 0, w.size.width, w.size.height))


def own_work(screen, table, moves: int) -> tuple[list[float], list[float]]:
    """The screen's own work per key, timed directly: handler plus render of the widgets it changed (no Pilot)."""
    from cio_tui.tui.widgets.duplicates_compare import CompareTable

    widgets = [
        table,
        screen.query_one(CompareTable),
        screen.query_one("#dup-reason"),
        screen.query_one("#dup-summary"),
        screen.query_one("#dup-filter-line"),
    ]
    screen.apply_filter("")
    render(widgets)
    cursor: list[float] = []
    for i in range(moves):
        row = table.cursor_coordinate.row + (1 if (i // 20) % 2 == 0 else -1)
        t = time.perf_counter()
        table.move_cursor(row=row, animate=False)
        screen._show_highlighted()  # what the RowHighlighted handler does
        render(widgets)
        cursor.append(time.perf_counter() - t)
    typing: list[float] = []
    for text in ("user1", "same", "pro", "needs"):
        steps = [text[:k] for k in range(1, len(text) + 1)] + [text[:k] for k in range(len(text) - 1, -1, -1)]
        for query in steps:
            t = time.perf_counter()
            screen.apply_filter(query)  # what the Input.Changed handler does
            render(widgets)
            typing.append(time.perf_counter() - t)
    return cursor, typing


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=50_000)
    ap.add_argument("--moves", type=int, default=60)
    args = ap.parse_args()
    home = tempfile.mkdtemp(prefix="cio-tui-bench-tui-")
    os.environ["CIO_TUI_CONFIG"] = os.path.join(home, "config.toml")
    os.environ["CIO_TUI_DATA_DIR"] = os.path.join(home, "data")
    os.environ["XDG_CACHE_HOME"] = os.path.join(home, "cache")  # the CSS cache: not the user's ~/.cache
    asyncio.run(run(args.groups, args.moves))


if __name__ == "__main__":
    main()
