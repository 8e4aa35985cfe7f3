"""Preview: the summary of outcomes for many calls, the filter to one kind, and opening a calls file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from cio_tui.customerio.identifiers import Identifier
from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.widgets.preview_editor import CallEditor
from tests.tui.conftest import SIZE, settle


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def _calls(app) -> str:
    [customer] = await app.workspace.client.get_people([Identifier.cio("a3000001")])
    return (
        "analytics.identify('sum-new-1', {email: 'sum1@example.com'})\n"
        "analytics.identify('sum-new-2', {email: 'sum2@example.com'})\n"
        f"analytics.identify('{customer.id}', {{plan: 'pro'}})\n"
        "analytics.page('Docs')\n"
    )


async def test_summary_counts_outcomes_and_f_filters_the_calls(make_app) -> None:
    app = make_app("preview")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.prefill(await _calls(app))
        await settle(pilot)
        summary = _text(app, "#preview-summary")
        assert summary.startswith("Outcomes: 4 call(s): 2 create, 1 update, ")
        assert "1 rejected by Actions" in summary and "f shows one kind at a time" in summary
        calls = app.screen.query_one("#preview-calls", OptionList)
        assert calls.option_count == 4

        app.screen.query_one("#preview-calls").focus()
        await pilot.press("f")  # first kind present: create
        await pilot.pause()
        assert calls.option_count == 2 and calls.border_title == "Calls: create"
        assert "showing 2: create (f: next kind)" in _text(app, "#preview-summary")
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.current == 1  # next stays within the filter
        await pilot.press("n")
        await pilot.pause()
        assert app.screen.current == 0
        await pilot.press("f")  # update
        await pilot.pause()
        assert calls.option_count == 1 and app.screen.current == 2
        await pilot.press("f", "f")  # rejected, then every call again
        await pilot.pause()
        assert calls.option_count == 4 and calls.border_title == "Calls read"


async def test_open_a_calls_file_asks_before_replacing_typed_calls(make_app, tmp_path: Path) -> None:
    app = make_app("preview", sandbox=False)
    calls_file = tmp_path / "calls.js"
    calls_file.write_text("analytics.track('Opened From File', {}, {userId: 'u-file'})\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        editor = app.screen.query_one(CallEditor)
        editor.load_text("analytics.identify('typed-by-me')\n")
        app.screen.query_one("#preview-calls").focus()
        await pilot.press("ctrl+f")
        await pilot.pause()
        prompt = app.screen.query_one("#preview-path Input")
        prompt.value = str(calls_file)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("escape")  # keep mine
        await settle(pilot)
        assert editor.text == "analytics.identify('typed-by-me')\n"
        assert "was not opened" in _text(app, "#preview-status")

        app.screen.open_calls_file(calls_file)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        app.screen.dismiss(True)
        await settle(pilot)
        assert "Opened From File" in editor.text
        assert "Call 1 of 1" in _text(app, "#preview-status")

        app.screen.open_calls_file(tmp_path / "missing.js")
        await settle(pilot)
        assert "CANNOT READ" in _text(app, "#preview-status")
