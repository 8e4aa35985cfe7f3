"""Child processes of ``bench_tui.py``: each starts fresh (imports included) and prints one JSON line.

    python bench/_tui_children.py MODE T0

``T0`` is the parent's ``time.time()`` just before spawning, so every figure runs from process start. The code under
test is whatever ``cio_tui`` the child imports (the parent sets ``PYTHONPATH`` and the working directory to the
tree it measures). Modes:

- ``bare-tmux``: the bare app in a real terminal (the parent polls tmux and sends Down).
- ``bare-frame`` / ``cio-frame``: the real app on Textual's headless driver; ``ready`` is Textual's ``Ready`` (the
  first frame), ``interactive`` the first area drawn with the workspace named and its steps' saved statuses (it takes
  keys), ``complete`` the Walkthrough's full overview drawn (open risks, what is left, the step's form).
- ``bare-pilot`` / ``cio-pilot``: through Pilot (``run_test``, 120x40): the first area drawn with the workspace named,
  then a key pressed and its effect seen (``interactive``); ``complete`` as above.
- ``cio-areas``: through Pilot, each area's first visit: key ``2``..``9`` pressed from the Walkthrough, to the area
  drawn and usable (``usable``) and to its first data loaded (``loaded``: its workers done); ``cpu``: the process's
  CPU time from the key to usable (a busy machine inflates the wall-clock figures, much less this one).
- ``cio-profile``: ``cio-frame`` under cProfile; where the time to interactive goes.
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import pstats
import sys
import time
from typing import Any

SIZE = (120, 40)


def emit(**figures: Any) -> None:
    print(json.dumps(figures), flush=True)


def bare_app(on_ready: Any = None) -> Any:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer, Header, Label

    class Bare(App[None]):
        """The reference: Header, Label, Footer; Down changes the label (so a key can be seen to work)."""

        BINDINGS = [("q", "quit", "Quit"), Binding("down", "poke", show=False)]

        def compose(self) -> ComposeResult:
            yield Header()
            yield Label("Hello", id="hello")
            yield Footer()

        def action_poke(self) -> None:
            self.query_one("#hello", Label).update("Hello again")

        def on_ready(self) -> None:
            if on_ready is not None:
                on_ready(self)

    return Bare()


def banner_shows_workspace(app: Any) -> bool:
    try:
        return "SANDBOX" in str(app.screen.query_one("#banner").render())
    except Exception:  # noqa: BLE001 - not composed yet
        return False


def walkthrough_usable(app: Any) -> bool:
    """The Walkthrough shows the workspace's steps with their saved statuses and the shown step's text, takes keys
    (the screen says it is drawn and usable), and the banner names the workspace. A tree whose Walkthrough has no
    such first view (before this measure existed) counts from its complete view."""
    screen = app.screen
    if not hasattr(screen, "_glance"):
        return walkthrough_drawn(app)
    return bool(getattr(screen, "usable", False)) and banner_shows_workspace(app) and screen.step_number >= 1


def walkthrough_drawn(app: Any) -> bool:
    """Complete: the Walkthrough's full overview is shown (open risks, what is left), the shown step's form is
    mounted (its last field exists), and the banner names the workspace."""
    screen = app.screen
    if getattr(screen, "overview", None) is None or not banner_shows_workspace(app):
        return False
    try:
        return bool(screen.query_one("#wt-mode").is_mounted)  # step 1's last field (a fresh workspace)
    except Exception:  # noqa: BLE001 - not mounted yet
        return False


async def wait_until(pilot: Any, condition: Any, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("timed out")
        await asyncio.sleep(0.002)
    await pilot.pause()


def frame(t0: float, bare: bool, profile: bool = False) -> None:
    prof = cProfile.Profile() if profile else None
    if prof is not None:
        prof.enable()
    figures: dict[str, float] = {}
    if bare:

        def ready_now(app: Any) -> None:
            figures["ready"] = figures["interactive"] = time.time() - t0
            app.exit()

        bare_app(ready_now).run()
        emit(**figures)
        return
    from cio_tui.cli import main
    from cio_tui.tui.app import CioApp

    ready = CioApp.on_ready

    def on_ready(self: Any) -> None:
        figures["ready"] = time.time() - t0
        ready(self)
        self.set_interval(0.005, lambda: check(self))

    def check(app: Any) -> None:
        """Polled: the first view usable (interactive; the profile stops there), then the complete view."""
        if "interactive" not in figures and walkthrough_usable(app):
            figures["interactive"] = time.time() - t0
            if prof is not None:
                prof.disable()
                figures.update(profile_figures(prof))
        if "interactive" in figures and "complete" not in figures and walkthrough_drawn(app):
            figures["complete"] = time.time() - t0
            app.exit()

    CioApp.on_ready = on_ready  # type: ignore[method-assign]
    main(["--sandbox"], standalone_mode=False)
    emit(**figures)


PROFILE_ROWS = {
    "imports": ("<frozen importlib._bootstrap>", "_find_and_load"),
    "CSS parse": ("textual/css/stylesheet.py", "parse"),
    "CSS refresh (whole app)": ("textual/app.py", "refresh_css"),
    "styles applied to widgets": ("textual/css/stylesheet.py", "apply"),
    "compose and mount": ("textual/widget.py", "_compose"),
    "layout (reflow)": ("textual/_compositor.py", "reflow"),
    "render": ("textual/_compositor.py", "render_update"),
    "settings load": ("cio_tui/cli/tui.py", "settings"),
    "workspace open": ("cio_tui/tui/workspace_app.py", "open_workspace"),
    "walkthrough overview": ("cio_tui/walkthrough/service.py", "overview"),
}


def profile_figures(prof: cProfile.Profile) -> dict[str, float]:
    """Cumulative seconds of a few telling functions (they overlap: imports happen inside compose, ...)."""
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    total = 0.0
    for (path, _line, func), (_cc, _nc, tt, ct, _callers) in stats.items():
        total += tt
        for row, (suffix, name) in PROFILE_ROWS.items():
            if func == name and path.endswith(suffix):
                out[f"profile:{row}"] = max(out.get(f"profile:{row}", 0.0), ct)
    out["profile:total"] = total
    return out


async def pilot(t0: float, bare: bool) -> None:
    if bare:
        app = bare_app()
        async with app.run_test(size=SIZE) as p:
            await wait_until(p, lambda: bool(app.query("#hello")))
            drawn = time.time() - t0
            await p.press("down")
            await wait_until(p, lambda: "again" in str(app.query_one("#hello").render()))
            emit(drawn=drawn, interactive=time.time() - t0)
        return
    app = cio_app()
    async with app.run_test(size=SIZE) as p:
        await wait_until(p, lambda: walkthrough_usable(app))
        drawn = time.time() - t0
        before = app.screen.step_number
        await p.press("down")
        await wait_until(p, lambda: app.screen.step_number == before + 1 and f"Step {before + 1} of 9" in title(app))
        interactive = time.time() - t0
        await wait_until(p, lambda: getattr(app.screen, "overview", None) is not None)
        emit(drawn=drawn, interactive=interactive, complete=time.time() - t0)


def title(app: Any) -> str:
    try:
        return str(app.screen.query_one("#wt-title").render())
    except Exception:  # noqa: BLE001 - not composed yet
        return ""


def cio_app(initial_area: str | None = None) -> Any:
    """The app as ``cio-tui --sandbox`` builds it (services from the CLI context)."""
    from cio_tui.cli.context import CliContext
    from cio_tui.cli.tui import build_services
    from cio_tui.tui.app import CioApp

    ctx = CliContext.create(profile_name=None, sandbox=True)
    app = CioApp(build_services(ctx), initial_area=initial_area)
    app.animation_level = "none"
    return app


async def areas(t0: float) -> None:
    from cio_tui.tui.areas import AREAS

    app = cio_app()
    out: dict[str, Any] = {}
    async with app.run_test(size=SIZE) as p:
        await wait_until(p, lambda: walkthrough_drawn(app))
        out["interactive"] = time.time() - t0
        await asyncio.sleep(0.2)  # as a user would, reading the Walkthrough; the warm-up runs now
        await app.workers.wait_for_complete()
        for area in AREAS[1:]:
            await app.switch_mode("walkthrough")
            await p.pause()
            start, cpu = time.perf_counter(), time.process_time()
            await p.press(area.key)
            await wait_until(p, lambda m=area.mode: app.current_mode == m and usable(app.screen))
            usable_ms = (time.perf_counter() - start) * 1000
            cpu_ms = (time.process_time() - cpu) * 1000  # this process's CPU (all threads): what load cannot inflate
            await wait_until(p, lambda: not any(w.is_running and w.group != "navigation" for w in app.workers))
            out[area.mode] = {"usable": usable_ms, "loaded": (time.perf_counter() - start) * 1000, "cpu": cpu_ms}
    emit(**out)


def usable(screen: Any) -> bool:
    """Drawn and usable: the screen says so (``usable``); a tree without that flag: mounted and refreshed."""
    return bool(getattr(screen, "usable", screen.is_mounted))


def main() -> None:
    mode, t0 = sys.argv[1], float(sys.argv[2])
    if mode == "bare-tmux":  # a real terminal (tmux): the parent watches the screen and sends the key
        bare_app().run()
    elif mode in ("bare-frame", "cio-frame", "cio-profile"):
        frame(t0, bare=mode == "bare-frame", profile=mode == "cio-profile")
    elif mode in ("bare-pilot", "cio-pilot"):
        asyncio.run(pilot(t0, bare=mode == "bare-pilot"))
    elif mode == "cio-areas":
        asyncio.run(areas(t0))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
