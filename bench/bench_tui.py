"""TUI figures, side by side in one run (reference: a bare Textual app with a Header, a Label and a Footer).

1. Time to interactive of ``cio-tui --sandbox`` on an already seeded sandbox: from process start to the Walkthrough
   drawn with the workspace named (banner naming the sandbox, the steps with their saved statuses, the shown step's
   text) and a key answered (Down shows step 2; the bare app's Down changes its label); and to the complete view (the
   open risks counted, what is left and the step's form, read after the first view). Measured
   - in a real terminal: tmux at 120x40, polling ``capture-pane``, alternating with the bare app;
   - through Pilot (``run_test``), alternating likewise;
   - and, for reference, the placeholder frame figure (Textual's ``Ready``) on the headless driver.
   Reference: at most 1.3x the bare app.
2. Each area's first visit: key ``2``..``9`` pressed on the Walkthrough to the area drawn and usable, and to its
   first data loaded (Pilot; the other areas' warm-up has run, as after a few seconds of use), with the CPU time;
   and (2b) in a real terminal: tmux at 120x40, key to the area marked in the area bar and its keys in the footer.
3. Where the time to interactive goes, from cProfile (cumulative seconds; the rows overlap).
4. ``cio-tui --help`` and headless commands beside ``python -c pass`` (this checkout's code, as the console script).
5. People lookup to identity card: enter pressed to the first frame drawn with the card (p95; reference: under
   150 ms).

``--before REF`` runs 1, 2 and 3 on a git checkout of REF too (a temporary worktree), for before/after figures.
Every figure is a median over interleaved runs, so a busy machine slows both sides alike, but run it on an idle
machine for the absolute figures. Each tree's ``cio_tui`` is byte-compiled first, as an installed copy is.

    python bench/bench_tui.py [--runs 5] [--before REF] [--skip-tmux]
    python bench/bench_tui.py --only-lookup [--lookup-rounds 10]   (section 5 alone, to iterate on it)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's cio_tui (and tests.tui.conftest), not an installed copy
CHILD = Path(__file__).resolve().parent / "_tui_children.py"
TMUX_SIZE = ("120", "40")
CIO_MARKS = ("SANDBOX", "of 9 steps finished", "Step 1 of 9")  # the workspace named, the steps, the step's text
CIO_COMPLETE = r"Open risks: \d"  # the full overview read and drawn (the risks are counted)
BARE_MARKS = ("Hello", "Quit")


class Tree:
    """A source tree to measure (this checkout, or a worktree of ``--before``) and the environment to run it in."""

    def __init__(self, name: str, root: Path, env: dict[str, str]) -> None:
        self.name, self.root = name, root
        self.env = {**env, "PYTHONPATH": str(root)}

    def child(self, mode: str, timeout: float = 90) -> dict[str, Any]:
        env = {
            **self.env,
            "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver",
            "COLUMNS": TMUX_SIZE[0],
            "LINES": TMUX_SIZE[1],
        }  # the headless driver reads its size from these, like tmux below
        t0 = time.time()
        out = subprocess.run(
            [sys.executable, str(CHILD), mode, repr(t0)],
            env=env,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
        if out.returncode != 0 or not lines:
            raise SystemExit(f"{self.name} {mode} failed ({out.returncode}): {out.stderr[-3000:]}")
        figures: dict[str, Any] = json.loads(lines[-1])
        return figures


def bench_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIO_TUI_") and k != "PYTHONPATH"}
    env.update(
        CIO_TUI_CONFIG=str(tmp / "config.toml"),
        CIO_TUI_DATA_DIR=str(tmp / "data"),
        XDG_CACHE_HOME=str(tmp / "cache"),  # the CSS cache: not the user's ~/.cache
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return env


def med(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:7.0f} ms (min {min(values) * 1000:.0f})"


# -- 1. time to interactive ------------------------------------------------------------------------------------
def tmux_run(
    command: str,
    marks: tuple[str, ...],
    key: str,
    answered: str,
    env: dict[str, str],
    cwd: Path,
    timeout: float = 30,
    complete: str | None = None,
) -> tuple[float, float, float]:
    """(drawn, interactive, complete) seconds from spawning ``command`` in a 120x40 tmux window: drawn when every
    mark is on screen, interactive when ``key`` (sent as soon as it is drawn) shows ``answered``, complete when the
    screen matches the regular expression ``complete`` (interactive when None)."""
    session = f"bench-tui-{os.getpid()}"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    # exported: a bare ``K=V cd ...`` prefix set them for ``cd`` only, and the app ran on the tmux server's own
    # environment (another data dir)
    exports = " ".join(f"{k}={_quote(v)}" for k, v in env.items() if k in KEEP_ENV)
    shell = f"export {exports}; cd {_quote(str(cwd))} && "
    t0 = new_session(session, shell + command)
    try:
        drawn = _poll(session, lambda s: all(m in s for m in marks), t0, timeout)
        subprocess.run(["tmux", "send-keys", "-t", session, key], check=True)
        interactive = _poll(session, lambda s: answered in s, t0, timeout)
        done = _poll(session, lambda s: re.search(complete, s) is not None, t0, timeout) if complete else interactive
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return drawn, interactive, done


def new_session(session: str, command: str) -> float:
    """Start ``command`` in a new 120x40 tmux session; the ``perf_counter`` just before it started. Retried: killing
    the last session lets the tmux server exit, and a session started meanwhile fails ("server exited")."""
    for attempt in range(3):
        t0 = time.perf_counter()
        started = subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", TMUX_SIZE[0], "-y", TMUX_SIZE[1], command],
            capture_output=True,
        )
        if started.returncode == 0:
            return t0
        if attempt == 2:
            raise SystemExit(f"tmux new-session failed: {started.stderr.decode()[-500:]}")
        time.sleep(0.3)
    raise AssertionError("unreachable")


KEEP_ENV = ("CIO_TUI_CONFIG", "CIO_TUI_DATA_DIR", "XDG_CACHE_HOME", "PYTHON_KEYRING_BACKEND", "PYTHONPATH")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _poll(session: str, seen: Callable[[str], bool], t0: float, timeout: float) -> float:
    while time.perf_counter() - t0 < timeout:
        screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
        if seen(screen):
            return time.perf_counter() - t0
        time.sleep(0.005)
    raise SystemExit(f"tmux: not seen within {timeout} s; the screen was:\n{screen}")


def bench_tti(trees: list[Tree], runs: int, use_tmux: bool) -> float | None:
    """Prints section 1; returns the bare app's median tmux time to interactive (s), None without tmux."""
    rows: dict[str, dict[str, list[float]]] = {}

    def add(row: str, column: str, value: float) -> None:
        rows.setdefault(row, {}).setdefault(column, []).append(value)

    bare_tree = trees[0]
    for tree in trees:  # seeds each tree's sandbox once, like any second start
        tree.child("cio-frame")
    bare_tree.child("bare-frame")
    for _ in range(runs):  # interleaved so that every figure sees the same machine load
        if use_tmux:
            d, i, _ = tmux_run(
                f"{sys.executable} {CHILD} bare-tmux 0",
                BARE_MARKS,
                "Down",
                "Hello again",
                bare_tree.env,
                bare_tree.root,
            )
            add("bare Textual app", "tmux drawn", d)
            add("bare Textual app", "tmux interactive", i)
        f = bare_tree.child("bare-pilot")
        add("bare Textual app", "Pilot interactive", f["interactive"])
        f = bare_tree.child("bare-frame")
        add("bare Textual app", "first frame", f["ready"])
        for tree in trees:
            name = f"cio-tui --sandbox ({tree.name})"
            if use_tmux:
                d, i, c = tmux_run(
                    f"{sys.executable} -m cio_tui --sandbox",
                    CIO_MARKS,
                    "Down",
                    "Step 2 of 9",
                    tree.env,
                    tree.root,
                    complete=CIO_COMPLETE,
                )
                add(name, "tmux drawn", d)
                add(name, "tmux interactive", i)
                add(name, "tmux complete", c)
            f = tree.child("cio-pilot")
            add(name, "Pilot interactive", f["interactive"])
            add(name, "Pilot complete", f.get("complete", f["interactive"]))
            f = tree.child("cio-frame")
            add(name, "first frame", f["ready"])
            add(name, "headless interactive", f["interactive"])
            add(name, "headless complete", f.get("complete", f["interactive"]))
    columns = (["tmux drawn", "tmux interactive", "tmux complete"] if use_tmux else []) + [
        "Pilot interactive",
        "Pilot complete",
        "first frame",
        "headless interactive",
        "headless complete",
    ]
    print(
        f"1. Time to interactive (process start -> first area drawn with the workspace open, a key answered), "
        f"median of {runs}"
    )
    print("   'first frame' is Textual's Ready (the first frame drawn, whatever it shows).")
    print(
        "   'complete': the Walkthrough's full overview (risks counted, what is left, the step's form), read after the"
        " first view; the bare app has no such later view (its ratio is to its interactive)."
    )
    bare = rows["bare Textual app"]
    for row, figures in rows.items():
        print(f"   {row}")
        for column in columns:
            if column in figures:
                ref = bare.get(column.replace("complete", "interactive")) or bare.get("first frame")
                ratio = statistics.median(figures[column]) / statistics.median(ref) if ref else 0.0
                print(f"     {column:<22} {med(figures[column])}   {ratio:4.2f}x bare")
    print("   reference: tmux interactive at most 1.30x bare")
    tmux_bare = bare.get("tmux interactive")
    return statistics.median(tmux_bare) if tmux_bare else None


# -- 2. first visit of each area ---------------------------------------------------------------------------------
# What each area shows once drawn and usable in a real terminal: its place in the area bar and its own first key in
# the footer (the footer lists the keys once the screen's bindings are in place).
AREA_MARKS = {
    "people": "/ Look up",
    "preview": "^r Preview",
    "leads": "r Load leads",
    "identifiers": "p Pick person",
    "duplicates": "o Open export",
    "plan": "o Open plan file",
    "journal": "r Refresh",
    "connect": "a Add profile",
}


def tmux_areas(tree: Tree, timeout: float = 30) -> dict[str, float]:
    """Each area's first visit in a 120x40 tmux window: ``cio-tui --sandbox`` started and its Walkthrough complete
    (and the warm-up past, as after a few seconds of reading), then per area: ``1`` back to the Walkthrough, the
    area's key, and the seconds until the area bar marks it and its footer shows its first key."""
    from cio_tui.tui.areas import AREAS

    session = f"bench-tui-areas-{os.getpid()}"
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    exports = " ".join(f"{k}={_quote(v)}" for k, v in tree.env.items() if k in KEEP_ENV)
    shell = f"export {exports}; cd {_quote(str(tree.root))} && {sys.executable} -m cio_tui --sandbox"
    out: dict[str, float] = {}
    t0 = new_session(session, shell)
    try:
        _poll(session, lambda s: re.search(CIO_COMPLETE, s) is not None, t0, timeout)
        time.sleep(2.0)  # past the warm-up of the other areas' modules
        for area in AREAS[1:]:
            subprocess.run(["tmux", "send-keys", "-t", session, "1"], check=True)
            _poll(session, lambda s: "▸1 Walkthrough◂" in s and "Step " in s, time.perf_counter(), timeout)
            time.sleep(0.3)
            marks = (f"▸{area.key} {area.title}◂", AREA_MARKS[area.mode])
            start = time.perf_counter()
            subprocess.run(["tmux", "send-keys", "-t", session, area.key], check=True)
            out[area.mode] = _poll(session, lambda s, m=marks: all(x in s for x in m), start, timeout)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    return out


def bench_tmux_areas(trees: list[Tree], runs: int, bare_tti: float | None) -> None:
    print(f"\n2b. First visit of each area in a real terminal (tmux 120x40, key -> area marked and its keys in the "
          f"footer), median of {runs}, the trees alternating")  # fmt: skip
    results: dict[str, list[dict[str, float]]] = {tree.name: [] for tree in trees}
    for _ in range(runs):
        for tree in trees:
            results[tree.name].append(tmux_areas(tree))
    from cio_tui.tui.areas import AREAS

    print(f"   {'area':<14}" + "".join(f"{tree.name:>20}" for tree in trees))
    for area in AREAS[1:]:
        cells = [f"{statistics.median(r[area.mode] for r in results[t.name]) * 1000:14.0f} ms" for t in trees]
        print(f"   {area.key} {area.title:<12}" + "".join(f"{c:>20}" for c in cells))
    if bare_tti is not None:
        print(f"   reference: at most 1.30x the bare app's tmux time to interactive = {bare_tti * 1300:.0f} ms")


def bench_areas(trees: list[Tree], runs: int, bare_tti: float | None) -> None:
    print(
        f"\n2. First visit of each area (key pressed on the Walkthrough -> drawn and usable / first data loaded; CPU "
        f"time of the process from the key to usable), Pilot, median of {runs}, the trees alternating"
    )
    results: dict[str, list[dict[str, Any]]] = {tree.name: [] for tree in trees}
    for _ in range(runs):
        for tree in trees:
            results[tree.name].append(tree.child("cio-areas"))
    from cio_tui.tui.areas import AREAS

    header = "".join(f"{tree.name + ' usable/loaded (cpu)':>36}" for tree in trees)
    print(f"   {'area':<14}{header}")
    for area in AREAS[1:]:
        cells = []
        for tree in trees:
            usable = statistics.median(r[area.mode]["usable"] for r in results[tree.name])
            loaded = statistics.median(r[area.mode]["loaded"] for r in results[tree.name])
            cpu = statistics.median(r[area.mode].get("cpu", 0.0) for r in results[tree.name])
            cells.append(f"{usable:12.0f} / {loaded:5.0f} ms ({cpu:4.0f})")
        print(f"   {area.key} {area.title:<12}" + "".join(f"{c:>36}" for c in cells))
    if bare_tti is not None:
        print(f"   reference: usable at most 1.30x the bare app's tmux time to interactive = {bare_tti * 1300:.0f} ms")


# -- 3. People lookup ---------------------------------------------------------------------------------------------
LOOKUPS = [
    ("cio_a3000001", None),
    ("u0000001", None),
    ("eva.meyer1@umbrella.test", None),
    ("cio_a30000a9", None),
    ("a300006e", "cio_id"),
    ("u0000169", None),
    ("a3000011", None),
    ("cio_a3000120", None),
]


async def bench_lookup(rounds: int) -> None:
    """Each lookup as the operator makes it: the text in the lookup box (and the kind chosen), then enter pressed,
    timed from the key to the end of the screen update that first drew the new card (its frames rendered for the
    terminal: the card's lines, and the whole screen again if that update repainted it), and, as before, to the app
    idle again (Pilot's ``pause()``: later frames, then at least 20 ms of Pilot's idle polling). After each lookup,
    untimed: the overview on screen names the person found."""
    from textual import events
    from textual.screen import Screen
    from textual.widgets import DataTable, Input, Select

    from cio_tui.identity.card import build_card
    from cio_tui.identity.people_lookup import parse_lookup
    from cio_tui.tui.app import CioApp
    from cio_tui.tui.services import StartChoice
    from tests.tui.conftest import real_services, settle

    app = CioApp(real_services(start=StartChoice(sandbox=True)), initial_area="people")
    app.animation_level = "none"
    previous: object = None  # the card shown before the key
    drawn_at: list[tuple[float, float]] = []  # (wall, CPU) once the screen update that drew the new card is over
    card_drawn = asyncio.Event()
    draw, update = Screen._compositor_refresh, Screen._on_timer_update
    in_update = False
    new_card_drawn = False

    def drawn(self: Screen[Any]) -> None:
        nonlocal new_card_drawn
        draw(self)
        card = getattr(self, "card", None)
        if not card_drawn.is_set() and card is not None and card is not previous:
            new_card_drawn = True
            if not in_update:
                done()

    def updated(self: Screen[Any]) -> None:
        """Textual's screen update: the layout, then one or more frames (the card, then a repaint of the whole screen
        when one was asked for): timed to its end, every frame of it drawn."""
        nonlocal in_update
        in_update = True
        try:
            update(self)
        finally:
            in_update = False
        if new_card_drawn and not card_drawn.is_set():
            done()

    def done() -> None:
        drawn_at.append((time.perf_counter(), time.process_time()))
        card_drawn.set()

    Screen._compositor_refresh = drawn  # type: ignore[method-assign]
    Screen._on_timer_update = updated  # type: ignore[method-assign]
    raw: list[float] = []
    shown: list[float] = []
    shown_cpu: list[float] = []
    idle: list[float] = []
    try:
        async with app.run_test(size=(100, 32)) as pilot:
            await settle(pilot)
            await pilot.pause(1.5)  # past the background warm-up of the other areas (steady state, as a user sees it)
            await settle(pilot)
            screen = app.screen
            client = app.workspace.client
            box, kinds = screen.query_one("#lookup-input", Input), screen.query_one("#lookup-kind", Select)
            for _ in range(rounds):
                for text, kind in LOOKUPS:
                    t0 = time.perf_counter()
                    await build_card(client, parse_lookup(text, kind), with_messages=False, activity_limit=30)
                    raw.append((time.perf_counter() - t0) * 1000)
                    kinds.value = kind or "auto"
                    box.value = text
                    box.focus()
                    await pilot.pause()  # typed: the box and its hint drawn, the app idle
                    previous, new_card_drawn = screen.card, False
                    card_drawn.clear()
                    t0, c0 = time.perf_counter(), time.process_time()
                    app.post_message(events.Key("enter", "\r"))  # as the driver posts a key read from the terminal
                    await asyncio.wait_for(card_drawn.wait(), 30)
                    await pilot.pause()
                    idle.append((time.perf_counter() - t0) * 1000)
                    wall, cpu = drawn_at[-1]
                    shown.append((wall - t0) * 1000)
                    shown_cpu.append((cpu - c0) * 1000)
                    card = screen.card
                    assert card is not None, text
                    overview = screen.query_one("#overview-table", DataTable)
                    assert overview.display and str(overview.get_cell_at((0, 1))) == f"cio_{card.person.cio_id}", text
    finally:
        Screen._compositor_refresh, Screen._on_timer_update = draw, update  # type: ignore[method-assign]

    def line(values: list[float]) -> str:
        return f"median {statistics.median(values):6.1f} ms   p95 {statistics.quantiles(values, n=20)[-1]:6.1f} ms"

    print(f"\n5. Lookup to card on the sandbox ({len(shown)} lookups, every kind of identifier)")
    print(f"   build_card alone:              {line(raw)}")
    print(f"   enter -> card drawn:           {line(shown)}   (reference: p95 under 150 ms)")
    print(f"   the same, CPU time:            {line(shown_cpu)}")
    print(f"   enter -> app idle (Pilot):     {line(idle)}   (what was measured before the frame was timed)")


# -- 4. profile ---------------------------------------------------------------------------------------------------
def bench_profile(trees: list[Tree]) -> None:
    print(
        "\n3. Where the time to interactive goes (cProfile, headless driver; cumulative s, rows overlap; "
        "profiling slows everything about 2x)"
    )
    figures = {tree.name: tree.child("cio-profile") for tree in trees}
    rows = sorted({k for f in figures.values() for k in f if k.startswith("profile:")})
    print(f"   {'':<30}" + "".join(f"{tree.name:>14}" for tree in trees))
    print(f"   {'time to interactive':<30}" + "".join(f"{figures[t.name]['interactive']:13.3f}s" for t in trees))
    for row in rows:
        print(
            f"   {row.removeprefix('profile:'):<30}" + "".join(f"{figures[t.name].get(row, 0.0):13.3f}s" for t in trees)
        )


# -- 5. command-line start ----------------------------------------------------------------------------------------
def bench_cli(env: dict[str, str], runs: int) -> None:
    commands = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("cio-tui --help", [sys.executable, "-m", "cio_tui", "--help"]),
        ("cio-tui profile list", [sys.executable, "-m", "cio_tui", "profile", "list"]),
        (
            "cio-tui --sandbox walkthrough status",
            [sys.executable, "-m", "cio_tui", "--sandbox", "walkthrough", "status"],
        ),
        (
            "cio-tui --sandbox person cio_a3000001",
            [sys.executable, "-m", "cio_tui", "--sandbox", "person", "cio_a3000001"],
        ),
    ]
    print(f"\n4. Command-line start (spawn -> exit), median of {runs}")
    times: dict[str, list[float]] = {name: [] for name, _ in commands}
    for _ in range(runs):
        for name, argv in commands:
            t0 = time.perf_counter()
            out = subprocess.run(argv, env={**env, "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True)
            times[name].append(time.perf_counter() - t0)
            if out.returncode != 0:
                raise SystemExit(f"{name} failed: {out.stderr.decode()[-2000:]}")
    base = statistics.median(times["python -c pass"])
    for name, values in times.items():
        print(f"   {name:<40} {med(values)}   +{(statistics.median(values) - base) * 1000:.0f} ms")


def compile_tree(root: Path) -> None:
    """Byte-compile a tree's ``cio_tui`` first, as ``pip install`` does: with ``PYTHONDONTWRITEBYTECODE`` set (a
    common setting in containers and CI) nothing writes the bytecode, and every measured start compiled the app's
    modules from source (about 40 ms of CPU) while Textual's installed modules were already compiled."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "cio_tui")], check=True, capture_output=True)


def before_tree(ref: str, tmp: Path, env: dict[str, str]) -> Tree:
    path = tmp / "before"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(path), ref], check=True, capture_output=True
    )
    tree_env = {**env, "CIO_TUI_DATA_DIR": str(tmp / "data-before"), "XDG_CACHE_HOME": str(tmp / "cache-before")}
    return Tree(f"before {ref[:10]}", path, tree_env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", metavar="REF", help="also measure this git revision (before/after figures)")
    parser.add_argument("--skip-tmux", action="store_true", help="no tmux figures (tmux not installed)")
    parser.add_argument("--only-lookup", action="store_true", help="only section 5 (People lookup to identity card)")
    parser.add_argument("--lookup-rounds", type=int, default=10, help="rounds of the 8 lookups in section 5")
    args = parser.parse_args()
    use_tmux = not args.skip_tmux and shutil.which("tmux") is not None
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as name:
        tmp = Path(name)
        env = bench_env(tmp)
        trees = [Tree("now", ROOT, env)]
        try:
            if args.only_lookup:
                compile_tree(ROOT)
                return _run_lookup(env, args.lookup_rounds)
            if args.before:
                trees.append(before_tree(args.before, tmp, env))
            for tree in trees:
                compile_tree(tree.root)
            bare_tti = bench_tti(trees, args.runs, use_tmux)
            bench_areas(trees, max(3, args.runs // 2), bare_tti)
            if use_tmux:
                bench_tmux_areas(trees, max(3, args.runs // 2), bare_tti)
            bench_profile(trees)
            bench_cli(env, args.runs)
        finally:
            if args.before:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp / "before")], capture_output=True
                )
        _run_lookup(env, args.lookup_rounds)


def _run_lookup(env: dict[str, str], rounds: int) -> None:
    """Section 5 in this process, on the bench's own config and data dir."""
    for k in [n for n in os.environ if n.startswith("CIO_TUI_")]:
        del os.environ[k]
    os.environ.update(
        CIO_TUI_CONFIG=env["CIO_TUI_CONFIG"],
        CIO_TUI_DATA_DIR=env["CIO_TUI_DATA_DIR"],
        XDG_CACHE_HOME=env["XDG_CACHE_HOME"],
    )
    import keyring
    from keyring.backends import null

    keyring.set_keyring(null.Keyring())
    asyncio.run(bench_lookup(rounds=rounds))


if __name__ == "__main__":
    main()
