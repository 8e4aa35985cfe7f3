"""TUI figures, side by side in one run:

1. Time to first frame of ``cio-tui --sandbox`` against a bare Textual app (Header, Label, Footer): each is started
   as a fresh Python process with the headless driver; the time runs from spawning the process to the app's
   ``Ready`` event (posted after the first frame is composed). Reference: at most 1.3x the bare app.
2. Lookup-to-card time on the seeded sandbox: from submitting a lookup in People to the card being shown, over
   several people and every kind of identifier, next to the bare ``build_card`` call. Reference: under 150 ms.

    python bench/bench_tui.py [--runs 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE_APP = """
import time, sys
from textual.app import App
from textual.widgets import Footer, Header, Label

class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]
    def compose(self):
        yield Header()
        yield Label("Hello")
        yield Footer()
    def on_ready(self):
        print(time.time(), flush=True)
        self.exit()

Bare().run()
"""

CIO_APP = """
import time, sys
from cio_tui.tui.app import CioApp

_ready = CioApp.on_ready
def on_ready(self):
    print(time.time(), flush=True)
    _ready(self)
    self.set_timer(1.0, self.exit)  # let the first area and the workspace finish before leaving
CioApp.on_ready = on_ready

from cio_tui.cli import main
main(["--sandbox"], standalone_mode=False)
"""


def first_frame(code: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                         cwd=ROOT)
    lines = [line for line in out.stdout.split() if line.replace(".", "", 1).isdigit()]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"child failed ({out.returncode}): {out.stderr[-2000:]}")
    return (float(lines[0]) - start) * 1000


def bench_first_frame(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIO_TUI_")}
        env.update(
            TEXTUAL_DRIVER="textual.drivers.headless_driver:HeadlessDriver",
            CIO_TUI_CONFIG=str(Path(tmp) / "config.toml"),
            CIO_TUI_DATA_DIR=str(Path(tmp) / "data"),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
        )
        first_frame(CIO_APP, env)  # seeds the sandbox once and warms the file cache, like a second start
        first_frame(BARE_APP, env)
        bare, cio = [], []
        for _ in range(runs):  # interleaved so both see the same machine load
            bare.append(first_frame(BARE_APP, env))
            cio.append(first_frame(CIO_APP, env))
    b, c = statistics.median(bare), statistics.median(cio)
    print("Time to first frame (process spawn -> Ready), median of", runs, "runs")
    print(f"  bare Textual app (Header, Label, Footer): {b:7.1f} ms   (min {min(bare):.1f})")
    print(f"  cio-tui --sandbox:                        {c:7.1f} ms   (min {min(cio):.1f})")
    print(f"  ratio: {c / b:.2f}x   (reference: at most 1.30x)")


LOOKUPS = [
    ("cio_a3000001", None), ("u0000001", None), ("eva.meyer1@umbrella.test", None), ("cio_a30000a9", None),
    ("a300006e", "cio_id"), ("u0000169", None), ("a3000011", None), ("cio_a3000120", None),
]


async def bench_lookup(rounds: int) -> None:
    sys.path.insert(0, str(ROOT))
    from cio_tui.identity.card import build_card
    from cio_tui.tui.app import CioApp
    from cio_tui.tui.people_lookup import parse_lookup
    from cio_tui.tui.services import StartChoice
    from tests.tui.conftest import real_services, settle

    app = CioApp(real_services(start=StartChoice(sandbox=True)), initial_area="people")
    app.animation_level = "none"
    ui, raw = [], []
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.pause(1.5)  # past the background import of the other areas (steady state, as a user sees it)
        await settle(pilot)
        screen = app.screen
        client = app.workspace.client
        for _ in range(rounds):
            for text, kind in LOOKUPS:
                t0 = time.perf_counter()
                await build_card(client, parse_lookup(text, kind), with_messages=False, activity_limit=30)
                raw.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                worker = screen.run_lookup(text, kind)
                await worker.wait()
                await pilot.pause()  # the card is laid out and painted
                ui.append((time.perf_counter() - t0) * 1000)
                assert screen.card is not None, text
    q = statistics.quantiles
    print(f"Lookup to card on the sandbox ({len(ui)} lookups, every kind of identifier)")
    print(f"  build_card alone:            median {statistics.median(raw):6.1f} ms   p95 {q(raw, n=20)[-1]:6.1f} ms")
    print(f"  People lookup -> card shown: median {statistics.median(ui):6.1f} ms   p95 {q(ui, n=20)[-1]:6.1f} ms"
          "   (reference: under 150 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    bench_first_frame(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        for name in [n for n in os.environ if n.startswith("CIO_TUI_")]:
            del os.environ[name]
        os.environ["CIO_TUI_CONFIG"] = str(Path(tmp) / "config.toml")
        os.environ["CIO_TUI_DATA_DIR"] = str(Path(tmp) / "data")
        import keyring
        from keyring.backends import null

        keyring.set_keyring(null.Keyring())
        asyncio.run(bench_lookup(rounds=3))


if __name__ == "__main__":
    main()
