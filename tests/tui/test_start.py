"""Start-up does less before the first area is usable: one panel composed, no whole-app CSS refresh per first visit,
seeding off the event loop with progress, the other areas prepared only once the first is usable."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from cio_tui.tui import workspace_app as app_module
from cio_tui.tui.app import CioApp, SeedingProgress
from cio_tui.tui.areas import AREAS
from cio_tui.tui.widgets.walkthrough_base import StepPanel
from cio_tui.tui.widgets.walkthrough_steps import StepList
from cio_tui.walkthrough.steps import STEP_COUNT, STEPS
from tests.tui.conftest import SIZE, settle

N = {step.key: step.number for step in STEPS}


async def test_walkthrough_composes_only_the_step_shown_and_the_next_on_first_view(make_app):
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [p.id for p in app.screen.query(StepPanel)] == ["wt-panel-1"]
        assert "Not checked yet" in str(app.screen.query_one("#wt-connection").render())
        app.screen.query_one(StepList).highlighted = N["cutover"] - 1
        await pilot.pause()
        assert [p.id for p in app.screen.query(StepPanel)] == ["wt-panel-1", f"wt-panel-{N['cutover']}"]
        assert (
            not app.screen.query_one("#wt-panel-1").display
            and app.screen.query_one(f"#wt-panel-{N['cutover']}").display
        )
        assert "received_at filters" in str(app.screen.query_one(f"#wt-panel-{N['cutover']} .wt-hint").render())


async def test_a_first_visit_does_not_refresh_the_whole_apps_css(make_app, monkeypatch):
    """Textual refreshed every stylesheet and every widget's styles (twice) for each new mode's screen: guard the
    fix against a Textual upgrade."""
    refreshes: list[str] = []
    original = CioApp.refresh_css
    monkeypatch.setattr(
        CioApp, "refresh_css", lambda self, animate=True: (refreshes.append(self.current_mode), original(self, animate))
    )
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        refreshes.clear()  # the theme's own refresh at start is Textual's, once
        for area in AREAS[1:]:
            await app.switch_mode(area.mode)
            await settle(pilot)
            assert app.screen.usable, area.mode
        assert refreshes == []


@pytest.mark.fresh_seed
async def test_first_run_seeds_the_sandbox_in_a_thread_with_progress_in_the_banner(make_app, monkeypatch):
    threads: list[str] = []
    statuses: list[str] = []
    original = SeedingProgress.__call__

    def progress(self: SeedingProgress, done: int, total: int) -> None:
        threads.append(threading.current_thread().name)
        original(self, done, total)  # returns once the app has taken the new words
        statuses.append(self.app.workspace_status)

    monkeypatch.setattr(SeedingProgress, "__call__", progress)
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.workspace is not None and app.workspace.is_sandbox
        assert "SANDBOX" in str(app.screen.query_one("#banner").render())  # the progress words are gone
    assert threads and threading.main_thread().name not in threads
    assert len(statuses) == 20
    assert statuses[0].startswith("Opening the sandbox workspace: first run, creating 100 of 2,000 people")
    assert statuses[-1] == "Opening the sandbox workspace: first run, creating 2,000 of 2,000 people…"


async def test_the_other_areas_are_prepared_only_once_the_first_is_usable(make_app, monkeypatch):
    monkeypatch.setattr(app_module, "WARM_UP_AFTER", 0.01)
    seen: list[tuple[bool, list[str]]] = []

    def warm_up(self: CioApp, areas: list) -> None:
        seen.append((bool(getattr(self.screen, "usable", False)), [a.mode for a in areas]))

    monkeypatch.setattr(CioApp, "warm_up_areas", warm_up)
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(100):  # the warm-up timer (10 ms) on a busy machine
            if seen:
                break
            await pilot.pause(0.05)
    assert seen == [(True, [a.mode for a in AREAS[1:]])]


@pytest.mark.parametrize("done,total,words", [(100, 2000, "100 of 2,000 people"), (2000, 2000, "2,000 of 2,000")])
def test_seeding_progress_words(done: int, total: int, words: str) -> None:
    class App:
        status = ""

        def call_from_thread(self, fn, *args):
            fn(*args)

    fake = App()
    SeedingProgress(fake)(done, total)  # type: ignore[arg-type]
    assert words in fake.workspace_status


def test_the_first_area_loads_no_step_form_nor_the_preview_engine() -> None:
    """What the Walkthrough needs to draw its first step: no other step's form, no preview engine, no clean-up."""
    code = (
        "import sys, cio_tui.tui.screens.walkthrough, cio_tui.walkthrough.service; "
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('cio_tui.tui.widgets.walkthrough_forms', "
        "'cio_tui.tui.widgets.walkthrough_panels', 'cio_tui.tui.widgets.walkthrough_audit', "
        "'cio_tui.segment.preview', 'cio_tui.walkthrough.cleanup', 'cio_tui.walkthrough.verify')))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


async def test_a_first_visit_styles_each_widget_a_few_times_not_a_dozen(make_app, monkeypatch):
    """Each widget is styled as it mounts (with its component classes); resumes and footer bindings used to restyle
    every widget again, about a dozen style applications per widget on a first visit."""
    from textual.css.stylesheet import Stylesheet

    applied: list[int] = []
    original = Stylesheet.apply
    monkeypatch.setattr(
        Stylesheet, "apply", lambda self, node, *a, **k: (applied.append(1), original(self, node, *a, **k))[1]
    )
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        applied.clear()
        await pilot.press("2")
        await settle(pilot)
        assert app.current_mode == "people" and app.screen.usable
        nodes = len(list(app.screen.walk_children(with_self=True)))
    assert len(applied) < 6 * nodes, (len(applied), nodes)


async def test_the_first_area_is_the_first_screen_and_styled_as_a_full_refresh_would(make_app):
    """--sandbox opens on the Walkthrough itself (no start screen, no mode switch), and skipping Textual's restyle
    after start for the theme the app started with leaves every widget exactly as that restyle would."""
    from textual.app import App

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "walkthrough" and not app._screen_stacks.get("_default")
        assert type(app.screen).__name__ == "WalkthroughScreen" and app.screen.usable

        def styles() -> list[tuple[str, str]]:
            return [(repr(node), node.styles.css) for node in app.screen.walk_children(with_self=True)]

        before = styles()
        App.refresh_css(app, animate=False)  # Textual's own, whole-app
        await pilot.pause()
        assert styles() == before


def test_opening_the_sandbox_workspace_builds_no_client(tmp_path, monkeypatch) -> None:
    """The workspace is open (named, with its folder) before any HTTP module is imported: the client is built on
    first use (the TUI's warm-up thread builds it once the first area is usable)."""
    code = (
        "import asyncio, sys; from cio_tui.config import load_settings; from cio_tui.credentials import "
        "CredentialStore; from cio_tui.workspace import open_workspace; "
        "from cio_tui.workspace_sandbox import prepare_sandbox; s = load_settings(); "
        "prepare_sandbox(s); ws = asyncio.run(open_workspace(s, CredentialStore(), sandbox=True)); "
        "print(ws.name, ws.connected, 'httpx' in sys.modules); ws.client; print(ws.connected, 'httpx' in sys.modules)"
    )
    env = {"CIO_TUI_DATA_DIR": str(tmp_path / "data"), "CIO_TUI_CONFIG": str(tmp_path / "c.toml")}
    import os

    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={**os.environ, **env}
    )
    assert out.stdout.split() == ["sandbox", "False", "False", "True", "True"]


async def test_the_walkthrough_draws_the_saved_steps_and_takes_keys_while_the_workspace_opens(make_app, monkeypatch):
    """The first view: the banner names the sandbox and the step list shows each step's saved status (one step
    skipped with its reason) before the full overview is read; Down shows the next step at once; the overview then
    completes the view (risks counted, the step's form)."""
    import json
    from datetime import UTC, datetime

    from cio_tui.config import load_settings
    from cio_tui.walkthrough import service as service_module
    from cio_tui.walkthrough.state import WalkthroughState
    from cio_tui.workspace import workspace_dir
    from cio_tui.workspace_sandbox import sandbox_fingerprint

    folder = workspace_dir(load_settings(), sandbox_fingerprint())
    folder.mkdir(parents=True, exist_ok=True)
    state = WalkthroughState()
    state.set_status(1, "done", now=datetime(2026, 1, 1, tzinfo=UTC))
    state.set_status(2, "skipped", reason="no ids yet", now=datetime(2026, 1, 1, tzinfo=UTC))
    (folder / "walkthrough.json").write_text(state.model_dump_json(), encoding="utf-8")
    release = threading.Event()
    original = service_module.WalkthroughService.overview

    def slow_overview(self, state=None):  # the journal, saved calls and risks take their time
        release.wait(10)
        return original(self, state)

    monkeypatch.setattr(service_module.WalkthroughService, "overview", slow_overview)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if getattr(app.screen, "usable", False):
                break
            await pilot.pause(0.02)
        screen = app.screen
        assert screen.usable and screen.overview is None
        banner = str(screen.query_one("#banner").render())
        assert "sandbox" in banner and "SANDBOX" in banner
        assert f"2 of {STEP_COUNT} steps finished." in str(screen.query_one("#wt-progress").render())
        assert screen.step_number == 3  # the first unfinished step
        lines = [str(o.prompt) for o in screen.query_one(StepList).options]
        assert lines[0].endswith("done") and lines[1].endswith("skipped") and lines[2].endswith("not started")
        await pilot.press("up")
        await pilot.pause()
        assert f"Step 2 of {STEP_COUNT}" in str(screen.query_one("#wt-title").render())
        assert "skipped: no ids yet" in str(screen.query_one("#wt-title").render())
        release.set()
        await settle(pilot)
        assert screen.overview is not None and screen.step_number == 2  # the step the operator moved to stays
        assert "Open risks: " in str(screen.query_one("#wt-progress").render())
        assert json.loads(json.dumps(screen.overview.state.step(2).reason)) == "no ids yet"


async def test_a_config_the_settings_refuse_still_ends_the_app_with_the_message(isolated_dirs, monkeypatch):
    """The sandbox's glance needs only the data dir, so a config file whose values the settings refuse is found
    once the first view is drawn (the settings load in a thread): the app still leaves with the message."""
    from cio_tui.cli.tui import make_services

    isolated_dirs["config"].parent.mkdir(parents=True, exist_ok=True)
    isolated_dirs["config"].write_text("timeout = -1\n")
    app = CioApp(make_services(sandbox=True))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            if app.return_code is not None:
                break
            await pilot.pause(0.02)
    assert app.return_code == 2


async def test_the_collector_paused_at_start_runs_again_once_the_first_area_is_drawn(make_app):
    """``cio-tui`` pauses the garbage collector for its start (``run_tui``); the first area drawn resumes it, and a
    collector the process turned off itself is left off."""
    import gc

    from cio_tui.tui import heap

    app = make_app("walkthrough")
    heap.pause_collection()
    try:
        assert not gc.isenabled()
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.screen.usable
            assert gc.isenabled()
    finally:
        heap.resume_collection()
        gc.enable()
    gc.disable()
    try:
        heap.pause_collection()
        heap.settle()
        assert not gc.isenabled()  # not ours to turn on
    finally:
        gc.unfreeze()
        gc.enable()


async def test_the_collector_runs_again_soon_after_the_first_frame_when_no_area_says_it_is_drawn(make_app, monkeypatch):
    """A workspace that does not open (slow, failing, or none at all): the Walkthrough never says it is drawn, and
    the collector paused for the start must not stay off for as long as the user stays there."""
    import asyncio
    import gc

    from cio_tui.tui import heap

    gate = asyncio.Event()

    async def never_opens(*, profile_name=None, sandbox=False):
        await gate.wait()
        raise AssertionError("not reached")

    import time

    monkeypatch.setattr(heap, "RESUME_AFTER", 1.0)
    app = make_app("walkthrough", profile="prod", opener=never_opens)
    heap.pause_collection()
    started = time.monotonic()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            if time.monotonic() - started < 0.8:  # a loaded machine may already be past the timer
                assert not gc.isenabled()
            for _ in range(200):
                if gc.isenabled():
                    break
                await pilot.pause(0.05)
            assert app.current_mode == "walkthrough" and not app.screen.usable  # still opening
            assert gc.isenabled()
    finally:
        heap.resume_collection()
        gc.enable()


def test_settle_collects_the_young_garbage_before_freezing_it() -> None:
    """A cycle left unreachable while the collector was paused is freed, not frozen for the session."""
    import gc
    import weakref

    from cio_tui.tui import heap

    class Node:
        pass

    heap.pause_collection()
    try:
        node = Node()
        node.self = node  # type: ignore[attr-defined]  # a cycle: only the collector frees it
        alive = weakref.ref(node)
        del node
        heap.settle()
        assert alive() is None
        assert gc.isenabled()
    finally:
        gc.unfreeze()
        heap.resume_collection()
        gc.enable()
