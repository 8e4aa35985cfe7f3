"""The shell: first frame before IO, every area reachable, help and palette generated, quit confirmation."""

from __future__ import annotations

import asyncio

from cio_tui.customerio.errors import AuthError
from cio_tui.tui.app import CioApp
from cio_tui.tui.areas import AREAS
from cio_tui.tui.commands import palette_commands
from cio_tui.tui.help import help_rows
from cio_tui.tui.messages import OpenPreview
from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.modals.help import HelpModal
from cio_tui.tui.widgets.banner import AreaBar, Banner
from tests.tui.conftest import SIZE, fake_workspace, settle


def _text(widget) -> str:
    return str(widget.render())


async def test_first_frame_comes_before_the_workspace_is_opened(make_app):
    gate = asyncio.Event()
    calls: list[str] = []

    async def slow_opener(*, profile_name=None, sandbox=False):
        calls.append("open")
        await gate.wait()
        return fake_workspace("Sandbox", is_sandbox=True)

    app = make_app(opener=slow_opener)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        banner = app.screen.query_one(Banner)
        # named from its glance while it opens (nothing about it needs the settings or the keyring)
        assert "sandbox │ region US │ SANDBOX" in _text(banner)
        assert app.workspace is None and app.glance is not None
        gate.set()
        await settle(pilot)
        assert calls == ["open"]
        assert "SANDBOX" in _text(app.screen.query_one(Banner))
        assert "Sandbox" in _text(app.screen.query_one(Banner))


async def test_banner_says_live_in_words(make_app):
    app = make_app(workspace=fake_workspace("Acme prod", "eu"), sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = _text(app.screen.query_one(Banner))
        assert "Acme prod" in text and "region EU" in text and "LIVE" in text


async def test_no_profile_opens_on_connect(make_app):
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "connect"
        assert "No workspace" in _text(app.screen.query_one(Banner))


async def test_every_area_is_reachable_by_key_named_in_the_area_bar_and_helped(make_app):
    app = make_app(workspace=fake_workspace(), sandbox=False)
    async with app.run_test(size=(140, 32)) as pilot:
        await pilot.pause()
        for area in AREAS:
            await pilot.press("escape", area.key)  # escape leaves a text field (People focuses its lookup box)
            await pilot.pause()
            assert app.current_mode == area.mode
            assert app.screen.query_one(Banner)
            bar = _text(app.screen.query_one(AreaBar))
            assert all(a.title in bar for a in AREAS), bar
            described = {row.description for row in help_rows(app, app.screen)}
            for binding in [*type(app.screen).BINDINGS, *CioApp.BINDINGS]:
                if binding.description:
                    assert binding.description in described, (area.mode, binding)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal)
        assert app.screen.help_title == "Connect"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpModal)


async def test_go_to_picker_lists_every_area(make_app):
    app = make_app(workspace=fake_workspace(), sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        options = app.screen.query_one("#goto-list")
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [a.mode for a in AREAS]
        await pilot.press("down", "down", "enter")  # from walkthrough: people, preview
        await pilot.pause()
        assert app.current_mode == "preview"


def test_palette_lists_every_area_as_area_verb():
    app = CioApp.__new__(CioApp)  # palette_commands only reads bound methods
    titles = [c.title for c in palette_commands(app)]
    for area in AREAS:
        assert f"{area.title}: go to this area" in titles
    assert all(": " in t for t in titles)


async def test_quit_asks_first_when_work_is_running(make_app):
    app = make_app(workspace=fake_workspace(), sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        blocker = asyncio.Event()

        async def long_job() -> None:
            await blocker.wait()

        app.run_worker(long_job(), group="apply")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert "apply" in str(app.screen.query_one(".dialog-body").render())
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmModal)
        assert app.is_running
        exits: list[bool] = []
        app.exit = lambda *a, **k: exits.append(True)  # type: ignore[method-assign]
        await pilot.press("q", "y")
        await pilot.pause()
        assert exits == [True]
        blocker.set()


async def test_failed_open_notifies_with_next_step_and_goes_to_connect(make_app):
    async def failing_opener(*, profile_name=None, sandbox=False):
        raise AuthError("authentication failed for the Track API key of profile prod", status=401)

    app = make_app(profile="prod", opener=failing_opener)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert app.current_mode == "connect"
        messages = [n.message for n in app.notices]
        assert any("authentication failed" in m and "Connect" in m for m in messages), messages
        assert "Could not open profile prod" in _text(app.screen.query_one(Banner))


async def test_navigation_api_calls_the_target_screen(make_app, monkeypatch):
    from cio_tui.tui.screens.plan_apply import PlanScreen
    from cio_tui.tui.screens.preview import PreviewScreen

    received: list[object] = []
    monkeypatch.setattr(PreviewScreen, "prefill", lambda self, text: received.append(("preview", text)))
    monkeypatch.setattr(PlanScreen, "show_plan", lambda self, plan: received.append(("plan", plan)))
    app = make_app(workspace=fake_workspace(), sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.post_message(OpenPreview('analytics.identify("u1", {email: "a@b.co"})'))
        await settle(pilot)
        assert app.current_mode == "preview"
        app.open_plan("the plan")
        await settle(pilot)
        assert app.current_mode == "plan"
        assert received == [("preview", 'analytics.identify("u1", {email: "a@b.co"})'), ("plan", "the plan")]


async def test_no_color_still_says_sandbox_in_words(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app("people", sandbox=False, workspace=fake_workspace("sandbox", is_sandbox=True))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.no_color
        assert "SANDBOX" in _text(app.screen.query_one(Banner))
        assert "▸2 People◂" in _text(app.screen.query_one(AreaBar))


def test_start_choice_follows_flags_env_and_profiles(monkeypatch):
    from cio_tui.cli.tui import start_choice
    from cio_tui.config import Profile, load_settings, save_profile

    settings = load_settings()
    assert start_choice(settings, profile_name=None, sandbox=True).sandbox
    assert start_choice(settings, profile_name="prod", sandbox=False).profile_name == "prod"
    assert not start_choice(settings, profile_name=None, sandbox=False).opens_workspace  # -> Connect
    save_profile(Profile(name="prod", site_id="abc"), settings)
    assert start_choice(settings, profile_name=None, sandbox=False).profile_name == "prod"
    monkeypatch.setenv("CIO_TUI_SITE_ID", "from-env")
    assert start_choice(load_settings(), profile_name=None, sandbox=False).env_profile


def test_errors_say_what_to_do_next():
    from cio_tui.config import ConfigError
    from cio_tui.customerio.errors import NetworkError, RegionError
    from cio_tui.tui.errors import describe_error

    assert "Connect (press 9)" in describe_error(ConfigError("no profile named 'x'"))
    assert "try again" in describe_error(NetworkError("could not connect to track.customer.io"))
    assert "region" in describe_error(RegionError("redirected to the EU host", status=301))


async def test_area_bar_is_clickable_and_palette_actions_switch_area_first(make_app):
    app = make_app("people", sandbox=False, workspace=fake_workspace())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = _text(app.screen.query_one(AreaBar))
        await pilot.click(AreaBar, offset=(bar.index("8 Journal") + 2, 0))
        await pilot.pause()
        assert app.current_mode == "journal"
        command = next(c for c in palette_commands(app) if c.title == "Connect: add profile")
        await command.run()
        await pilot.pause()
        assert app.current_mode == "connect"
        assert type(app.screen).__name__ == "ProfileFormModal"


async def test_the_palette_quit_command_asks_first_while_an_apply_runs(make_app):
    app = make_app(workspace=fake_workspace(), sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        blocker = asyncio.Event()

        async def long_job() -> None:
            await blocker.wait()

        app.run_worker(long_job(), group="apply")
        await app.run_action("quit")  # what Textual's system command "Quit" runs
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        body = str(app.screen.query_one(".dialog-body").render())
        assert "apply" in body and "resume it from the Journal" in body
        assert app.is_running
        blocker.set()


async def test_help_headings_are_words_and_rows_say_the_tooltip(make_app):
    app = make_app("walkthrough", workspace=fake_workspace(), sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = help_rows(app, app.screen)
        sections = list(dict.fromkeys(row.section for row in rows))
        assert sections[0] == "This screen" and sections[-2:] == ["Everywhere", "Moving around (every Textual widget)"]
        assert not any(s[0].isupper() and any(c.isupper() for c in s[1:]) and " " not in s for s in sections)
        does = {row.description: row.does for row in rows}
        assert does["Open"] == "Open: Open the screen that does this step"
        assert does["Up"] == "Up"  # no tooltip: the description alone


async def test_confirm_shows_title_and_body_as_plain_text(make_app):
    from rich.text import Text
    from textual.widgets import Label, Static

    from cio_tui.tui.modals.confirm import ConfirmModal

    app = make_app(workspace=fake_workspace(), sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        answers: list[bool | None] = []
        app.push_screen(ConfirmModal("Remove [prod]?", "Remove [bold]x[/] and [oops?", yes="Remove"), answers.append)
        await pilot.pause()
        assert str(app.screen.query_one(".dialog-title", Label).render()) == "Remove [prod]?"
        assert str(app.screen.query_one(".dialog-body", Static).render()) == "Remove [bold]x[/] and [oops?"
        await pilot.press("n")
        await pilot.pause()
        styled = Text.assemble(("Bold", "bold"), " part")  # a caller that needs a style passes a Text
        app.push_screen(ConfirmModal("Sure?", styled), answers.append)
        await pilot.pause()
        body = app.screen.query_one(".dialog-body", Static).render()
        assert str(body) == "Bold part" and body.spans and "bold" in str(body.spans[0].style)
        await pilot.press("y")
        await pilot.pause()
        assert answers == [False, True]


async def test_done_toasts_go_away_soon_errors_may_stay(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.notify("Apply finished 97/97", title="Apply finished", timeout=15)
        app.notify("Restore planned", title="Restore planned: review it before applying", timeout=20)
        app.notify("Apply finished with problems", severity="warning", timeout=20)
        app.notify("The key was refused", severity="error", timeout=30)
        await pilot.pause()
        shown = {n.message: n.timeout for n in app.notices}  # what Textual will time out
        assert shown["Apply finished 97/97"] == 6.0 and shown["Restore planned"] == 6.0
        assert shown["Apply finished with problems"] == 12.0
        assert shown["The key was refused"] == 30.0


def test_help_section_headings_are_whole_at_80_columns() -> None:
    from rich.console import Console

    from cio_tui.tui.help import GENERIC, HelpRow
    from cio_tui.tui.modals.help import _table

    console = Console(width=70, record=True, color_system=None)  # the dialog's body at 80 columns
    console.print(_table([HelpRow(GENERIC, "tab", "Next widget", "")]))
    text = " ".join(console.export_text().split())
    assert "Moving around (every Textual widget) tab Next widget" in text and "…" not in text


def test_the_area_bar_line_is_made_once_per_area_and_width_and_says_the_same() -> None:
    """Its nine markups were parsed on every render of every area; made once, the line still names every area with
    its key, brackets the current one in bold reverse, and makes each other one a click to it."""
    from cio_tui.tui.widgets.banner import area_bar_text

    full = " 1 Walkthrough▸2 People◂ 3 Preview 4 Leads 5 Identifiers 6 Duplicates 7 Plan/Apply 8 Journal 9 Connect"
    narrow = " 1 Walk▸2 People◂ 3 Preview 4 Leads 5 Ids 6 Dups 7 Plan 8 Journal 9 Connect"
    for is_narrow, plain in ((False, full), (True, narrow)):
        line = area_bar_text("people", narrow=is_narrow)
        assert area_bar_text("people", narrow=is_narrow) is line
        assert line.plain == plain
        styled = {line.plain[s.start : s.end]: str(s.style) for s in line.spans}
        assert styled["▸2 People◂"] == "b reverse"
        others = [v for k, v in styled.items() if k != "▸2 People◂"]
        assert len(others) == 8 and "@click=app.switch_area('walkthrough')" in others
        assert all(v.startswith("@click=app.switch_area(") for v in others)
