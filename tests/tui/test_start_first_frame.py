"""What the first area's first frame costs: its footer's keys composed once, with the focus the screen placed, only
the Open buttons it shows, and nothing heavy imported before it is drawn."""

from __future__ import annotations

import subprocess
import sys

from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.widgets.footer import AreaFooter
from tests.tui.conftest import SIZE, settle


async def test_the_first_areas_footer_keys_are_composed_once_with_the_focus_it_placed(make_app, monkeypatch):
    """The footer mounts before its screen's own on_mount places the focus: its first keys said "no focus" and
    were composed, mounted and styled again (with the focused step list) before the first frame."""
    composed: list[str] = []
    at_usable: list[list[str]] = []
    original = AreaFooter.recompose

    async def recompose(self: AreaFooter) -> None:
        composed.append(self._inputs()[1])  # where the keys go, as the footer says it
        await original(self)

    usable = AreaScreen._now_usable

    def now_usable(self: AreaScreen) -> None:
        at_usable.append(list(composed))
        usable(self)

    from textual.dom import DOMNode
    from textual.widgets._footer import FooterKey

    restyled: list[str] = []
    update_node_styles = DOMNode.update_node_styles

    def counting_restyle(self: DOMNode, animate: bool = True) -> None:
        if isinstance(self, FooterKey) and not at_usable:
            restyled.append(repr(self))
        update_node_styles(self, animate)

    monkeypatch.setattr(DOMNode, "update_node_styles", counting_restyle)
    monkeypatch.setattr(AreaFooter, "recompose", recompose)
    monkeypatch.setattr(AreaScreen, "_now_usable", now_usable)
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.usable
        assert at_usable[0] == ["▸ steps"]
        assert restyled == []  # each key is classed before it mounts (the palette's key too): none styled twice
        keys = str(app.screen.query_one(AreaFooter).query("FooterKey").first().render())
        assert keys.strip()


async def test_the_walkthrough_builds_only_the_open_buttons_of_the_steps_shown_in_their_order(make_app):
    """The first frame had seven Open buttons built and styled, six of them hidden; each is now mounted when a step
    first shows it, in its place in the list, and every step still shows exactly its areas' buttons."""
    from textual.widgets import Button

    from cio_tui.tui.screens.walkthrough import OPEN_AREAS
    from cio_tui.tui.widgets.walkthrough_steps import StepList
    from cio_tui.walkthrough.steps import STEPS

    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        grid = screen.query_one("#wt-open-buttons")

        def buttons() -> list[str]:
            return [(b.id or "").removeprefix("wt-open-") for b in grid.query_children(Button)]

        first = STEPS[screen.step_number - 1]
        assert buttons() == [m for m in OPEN_AREAS if m in first.areas]
        for step in reversed(STEPS):  # from the last: buttons made later must still land in their place
            screen.query_one(StepList).highlighted = step.number - 1
            await settle(pilot)
            shown = [(b.id or "").removeprefix("wt-open-") for b in grid.query_children(Button) if b.display]
            assert shown == [m for m in OPEN_AREAS if m in step.areas], step.key
            assert buttons() == [m for m in OPEN_AREAS if m in buttons()]
        assert set(buttons()) == {m for s in STEPS for m in s.areas if m in OPEN_AREAS}


async def test_the_first_area_is_usable_once_its_frame_is_written_and_renders_that_frame_once(make_app, monkeypatch):
    """The app's start mounts its first screen inside a batch of updates: Textual rendered the first frame there and
    did not write it (batched), the screen said it was usable, the workspace started opening (its threads holding
    the interpreter lock) and the frame written came after all that, rendered a second time."""
    from textual._compositor import Compositor
    from textual.app import App

    from cio_tui.tui.workspace_app import WorkspaceApp

    seen: list[str] = []
    render_update = Compositor.render_update
    display = App._display
    area_ready = WorkspaceApp.area_ready

    def rendering(self: Compositor, *args: object, **kwargs: object) -> object:
        seen.append("rendered")
        return render_update(self, *args, **kwargs)  # type: ignore[arg-type]

    def writing(self: App[object], screen: object, renderable: object) -> None:
        if renderable is not None and not self._batch_count and isinstance(screen, AreaScreen):
            seen.append("written")  # the headless driver writes nothing, but this is where a terminal's is
        display(self, screen, renderable)  # type: ignore[arg-type]

    def ready(self: WorkspaceApp) -> None:
        seen.append("usable")
        area_ready(self)

    monkeypatch.setattr(Compositor, "render_update", rendering)
    monkeypatch.setattr(App, "_display", writing)
    monkeypatch.setattr(WorkspaceApp, "area_ready", ready)
    opened: list[list[str]] = []
    open_workspace = WorkspaceApp.open_workspace

    def opening(self: WorkspaceApp, *args: object, **kwargs: object) -> object:
        opened.append(list(seen))
        return open_workspace(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkspaceApp, "open_workspace", opening)
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.usable and app.workspace is not None
        written = seen.index("written")
        assert seen[:written] == ["rendered"]  # the frame written is the first one rendered
        assert seen.index("usable") > written
        assert len(opened) == 1 and "usable" in opened[0]  # the workspace opens once the first area is usable


async def test_a_widget_is_styled_once_it_is_in_the_dom_not_while_it_is_made(make_app, monkeypatch):
    """Textual styled a widget each time a class was set while it was made (a Button's variant, flat and compact:
    three times, without its parents) and again as it mounted; the first area's buttons are styled once each."""
    from textual.css.stylesheet import Stylesheet
    from textual.widgets import Button

    styled: dict[str, int] = {}
    detached: list[str] = []
    apply = Stylesheet.apply

    def counting(self: Stylesheet, node: object, **kwargs: object) -> None:
        if isinstance(node, Button):
            styled[node.id or ""] = styled.get(node.id or "", 0) + 1
            if node.parent is None:
                detached.append(node.id or "")
        apply(self, node, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Stylesheet, "apply", counting)
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        while not getattr(app.screen, "usable", False):
            await pilot.pause(0.01)
        at_usable = dict(styled)
        await settle(pilot)
        assert detached == []
        assert at_usable and all(count == 1 for count in at_usable.values()), at_usable
        done = app.screen.query_one("#wt-done", Button)
        assert done.has_class("-success", "-style-default", "-textual-compact")  # its classes all set, and styled:
        assert done.styles.height.value == 1  # compact (one line)


HEAVY_AT_START = (
    "click",  # the console script opens the TUI without the click group (cio_tui.cli.entry)
    "tomllib",  # no config file here: nothing to parse
    "pydantic",
    "httpx",
    "httpcore",
    "sqlite3",
    "keyring",
    "cio_tui.config",
    "cio_tui.credentials",
    "cio_tui.workspace",  # the first area names the workspace from its glance (cio_tui.workspace_glance)
    "cio_tui.model",
    "cio_tui.sandbox.app",
    "cio_tui.walkthrough.service",
    "cio_tui.walkthrough.state",
    "cio_tui.tui.walkthrough_requests",
    "textual.widgets._data_table",
    "textual.widgets._tabbed_content",
    "textual.widgets._text_area",
)


def test_cio_tui_sandbox_draws_its_first_area_before_importing_the_heavy_parts(tmp_path) -> None:
    """``cio-tui --sandbox`` as it runs (its own process, Textual's headless driver): when the Walkthrough says its
    first view is drawn, none of click, the settings model, the HTTP stack, the keyring, the sandbox's store and engine,
    the Walkthrough's state and service, the task requests or the heavy widgets of other areas is imported yet
    (they load after the first frame, off the event loop, or on first use)."""
    import os

    code = (
        "import os, sys, threading\n"
        "threading.Timer(60, lambda: (print('timeout', flush=True), os._exit(3))).start()\n"
        "from cio_tui.tui.screens.base import AreaScreen\n"
        "def drawn(self):\n"
        f"    print(sorted(m for m in {HEAVY_AT_START!r} if m in sys.modules), flush=True)\n"
        "    os._exit(0)\n"
        "AreaScreen._now_usable = drawn\n"
        "sys.argv = ['cio-tui', '--sandbox']\n"
        "from cio_tui.cli.entry import main\n"  # the console script's (and python -m cio_tui's) start
        "main()\n"
    )
    env = {
        **os.environ,
        "CIO_TUI_DATA_DIR": str(tmp_path / "data"),
        "CIO_TUI_CONFIG": str(tmp_path / "config.toml"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver",
        "COLUMNS": "120",
        "LINES": "40",
    }
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=90)
    assert out.stdout.strip().splitlines()[-1:] == ["[]"], out.stdout + out.stderr[-2000:]


async def test_a_screen_told_usable_inside_a_batch_that_leaves_nothing_to_draw_is_usable_after_it(make_app):
    """Inside a batch a screen waits for the first frame written after it; when the batch leaves nothing dirty,
    that frame must still come, or the screen (and what waits for it) would wait for an unrelated repaint."""
    app = make_app("walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.usable = False
        with app.batch_update():
            screen._now_usable()
        assert not screen.usable  # nothing was written yet
        await settle(pilot)
        assert screen.usable
