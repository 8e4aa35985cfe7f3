"""Preview: paste Segment calls and see what the classic and the Actions destinations send, side by side.

The preview itself is pure (``cio_tui.segment``) and runs on ctrl+r; the outcome prediction reads the workspace
(``ClientPeopleLookup``) in a worker; saved call sets are files, read and written in thread workers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from cio_tui.customerio.identifiers import Identifier
from cio_tui.segment.callsets import CallSetError, callsets_dir, list_call_sets, save_call_set
from cio_tui.segment.parser import ParseError
from cio_tui.segment.preview import PreviewResult, preview_text, with_outcomes
from cio_tui.segment.report import call_title
from cio_tui.segment.subscriptions import SubscriptionsError, SubscriptionSet, read_subscriptions
from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenPerson
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.widgets.csv_path import PathPrompt
from cio_tui.tui.widgets.preview_editor import CallEditor
from cio_tui.tui.widgets.preview_modals import LoadCallsModal, SaveSetModal
from cio_tui.tui.widgets.preview_panes import DiffView, OutcomeCard, RequestPane, WarningsView
from cio_tui.tui.widgets.preview_summary import OutcomeSummaryLine, list_title, next_group, shown_calls

if TYPE_CHECKING:
    from cio_tui.workspace import Workspace


EMPTY = (
    "Paste Segment calls in the editor above: a JSON message, a JSON array, JSON lines, or analytics.* calls as "
    "written in app code. Press ctrl+r to preview; ctrl+o loads sample calls or a saved set, ctrl+f opens a file."
)

NOTHING_YET = "Nothing previewed yet."
MAX_CALLS_FILE = 20_000_000  # the editor holds the file whole; bigger pastes belong to `cio-tui preview FILE`


class PreviewScreen(AreaScreen):
    AREA = "preview"
    PASTE_TARGET = "#preview-editor"
    HELP = (
        "Paste the Segment calls your app really makes (JSON, JSON lines, or analytics.identify/track/page/screen/"
        "group/alias calls with JavaScript object syntax) and press ctrl+r. Side by side: what the classic "
        "destination sent (Track v1) and what the Actions destination sends (Track v2, one request per preset), "
        "differences marked + (only Actions), - (only classic), ~ (changed). Warnings say what changes and what to "
        "do; Outcome predicts, with reads only, what would happen to the people of this workspace. Save a set of "
        "calls for the Walkthrough with ctrl+s."
    )
    BINDINGS = [
        Binding("ctrl+r", "run_preview", "Preview", id="preview.run", tooltip="Read the editor and preview every call"),
        Binding(
            "ctrl+o",
            "load_calls",
            "Load calls",
            id="preview.load",
            tooltip="Load sample calls (one per call type) or a saved set into the editor",
        ),
        Binding(
            "ctrl+f",
            "open_file",
            "Open file",
            id="preview.open_file",
            tooltip="Read a file of calls (JSON, JSON lines or analytics.* calls) into the editor and preview it",
        ),
        Binding(
            "f",
            "cycle_filter",
            "Filter outcomes",
            id="preview.filter",
            tooltip="Show only the calls of one outcome (create, update, failed attribute change...); again: the next",
        ),
        Binding(
            "ctrl+s",
            "save_calls",
            "Save set",
            id="preview.save",
            tooltip="Save the editor's calls as a named set (the Walkthrough uses them)",
        ),
        Binding(
            "m",
            "load_subscriptions",
            "Mappings",
            id="preview.subscriptions",
            tooltip="Load your Actions destination's subscriptions (the Public API's JSON) instead of the presets",
        ),
        Binding(
            "L",
            "live_subscriptions",
            "Live mappings",
            id="preview.live_subscriptions",
            show=False,
            tooltip="Read your Actions destination's subscriptions from Segment (Public API token needed)",
        ),
        Binding(
            "M",
            "default_presets",
            "Default presets",
            id="preview.presets",
            show=False,
            tooltip="Go back to the Actions destination's default presets",
        ),
        Binding("n", "next_call", "Next call", id="preview.next", tooltip="Show the next call of the paste"),
        Binding(
            "p",
            "previous_call",
            "Previous call",
            id="preview.previous",
            show=False,
            tooltip="Show the previous call of the paste",
        ),
        Binding("e", "focus_editor", "Edit", id="preview.edit", show=False, tooltip="Put the cursor in the editor"),
        Binding(
            "s",
            "show_tab('tab-requests')",
            "Side by side",
            id="preview.requests",
            show=False,
            tooltip="The two destinations' requests side by side",
        ),
        Binding(
            "w",
            "show_tab('tab-warnings')",
            "Warnings",
            id="preview.warnings",
            show=False,
            tooltip="What changes with Actions and what to do",
        ),
        Binding(
            "d",
            "show_tab('tab-diff')",
            "Differences",
            id="preview.diff",
            show=False,
            tooltip="Every difference between the two destinations",
        ),
        Binding(
            "o",
            "show_tab('tab-outcome')",
            "Outcome",
            id="preview.outcome",
            show=False,
            tooltip="What would happen to the people of this workspace; enter opens a person in People",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[PreviewResult] = []
        self.current = 0
        self.stale = False  # the results shown are from an earlier paste: the editor's text does not read now
        self.status_text = ""
        self.set_name = ""
        self._kept_text = ""  # the editor's text as last loaded, saved or sent here (replacing it loses nothing)
        self.settings_note = ""  # which workspace settings the outcomes assume, and where they came from
        self.subscriptions: SubscriptionSet | None = None  # the operator's own mappings (None: default presets)
        self.subscriptions_path = ""
        self.calls_path = ""  # the last calls file opened
        self.filter_group: str | None = None  # the outcome the calls list is narrowed to (None: every call)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="preview-top"):
            yield CallEditor(id="preview-editor")
            yield OptionList(id="preview-calls")
        yield Static(EMPTY, id="preview-status", markup=False)
        yield OutcomeSummaryLine(id="preview-summary")
        yield PathPrompt(id="preview-path")
        with TabbedContent(id="preview-tabs"):
            with TabPane("Side by side", id="tab-requests"), Horizontal(id="preview-sides"):
                yield RequestPane("classic", "Classic (Track v1)", id="pane-classic")
                yield RequestPane("actions", "Actions (default presets)", id="pane-actions")
            with TabPane("Warnings", id="tab-warnings"):
                yield WarningsView(id="preview-warnings")
            with TabPane("Differences", id="tab-diff"):
                yield DiffView(id="preview-diff")
            with TabPane("Outcome", id="tab-outcome"):
                yield OutcomeCard(id="preview-outcome")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#preview-editor", CallEditor).border_title = "Segment calls (ctrl+r to preview)"
        self.query_one("#preview-calls", OptionList).border_title = "Calls read"
        self._show()

    # -- navigation contract: app.open_preview(text) -----------------------------------------------------------
    def prefill(self, text: str, came_from: str = "the call sent from another screen") -> None:
        """Put ``text`` in the editor and preview it (asking first if that would replace text typed or pasted)."""
        self.replace_text(
            self.query_one("#preview-editor", CallEditor),
            text,
            came_from=came_from,
            then=lambda: self._prefilled(text),
            kept=self._kept_text,
        )

    def _prefilled(self, text: str) -> None:
        self._kept_text = text
        self.action_run_preview()

    def unsaved_text(self) -> str | None:
        text = self.query_one("#preview-editor", CallEditor).text
        if not text.strip() or text == self._kept_text:
            return None
        return f"Preview: {len(text.splitlines())} line(s) of calls, not saved as a set"

    # -- preview ---------------------------------------------------------------------------------------------
    def say(self, text: str, *, error: bool = False) -> None:
        self.status_text = text
        status = self.query_one("#preview-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    def action_run_preview(self) -> None:
        editor = self.query_one("#preview-editor", CallEditor)
        try:
            results = preview_text(editor.text, subscriptions=self.subscriptions)
        except ParseError as exc:
            # the results of the last paste that read stay on screen (marked as such): a typo loses nothing
            self.stale = bool(self.results)
            kept = " The results below are from the previous preview." if self.stale else ""
            self.say(
                f"CANNOT READ line {exc.line}, column {exc.column}: {exc.reason}.{kept} The cursor is there: "
                "fix it and press ctrl+r again.",
                error=True,
            )
            editor.move_cursor((exc.line - 1, exc.column - 1))
            return
        self.results, self.current, self.stale, self.filter_group = results, 0, False, None
        self._list_calls()
        self._show()
        self.predict_outcomes(results)

    # -- the summary of outcomes, and the filter to one kind -------------------------------------------------
    def shown_numbers(self) -> list[int]:
        return shown_calls(self.results, self.filter_group)

    def _list_calls(self) -> None:
        calls = self.query_one("#preview-calls", OptionList)
        calls.clear_options()
        calls.add_options([Option(_short(i + 1, self.results[i]), id=str(i)) for i in self.shown_numbers()])
        calls.border_title = list_title(self.filter_group)
        self.query_one(OutcomeSummaryLine).show(self.results, self.filter_group)

    def action_cycle_filter(self) -> None:
        if not self.results:
            self.notify("Preview some calls first (ctrl+r).", severity="warning")
            return
        self.filter_group = next_group(self.results, self.filter_group)
        shown = self.shown_numbers()
        if shown and self.current not in shown:
            self.current = shown[0]
        self._list_calls()
        self._show()

    def _show(self) -> None:
        result = self.results[self.current] if self.results else None
        self.query_one("#pane-classic", RequestPane).show(result, NOTHING_YET)
        self.query_one("#pane-actions", RequestPane).show(result, NOTHING_YET)
        self.query_one("#preview-warnings", WarningsView).show(result, NOTHING_YET)
        self.query_one("#preview-diff", DiffView).show(result, NOTHING_YET)
        tabs = self.query_one("#preview-tabs", TabbedContent)
        tabs.get_tab("tab-warnings").label = f"Warnings ({len(result.warnings)})" if result else "Warnings"
        tabs.get_tab("tab-diff").label = f"Differences ({len(result.diff)})" if result else "Differences"
        outcome = self.query_one("#preview-outcome", OutcomeCard)
        if result is None:
            outcome.show_text(NOTHING_YET)
            self.say(EMPTY)
            return
        if result.outcome is not None:
            outcome.show(result.outcome, note=self.settings_note)
        elif self.cio.workspace is None:
            outcome.show_text("No workspace is open: the outcome is not predicted. Open one in Connect (press 9).")
        else:
            outcome.show_text("Predicting the outcome in this workspace (reads only)...")
        notes = " ".join(result.parse_notes)
        self.say(
            ("PREVIOUS PREVIEW (the editor does not read now: ctrl+r shows where). " if self.stale else "")
            + f"Call {self.current + 1} of {len(self.results)} (line {result.line}): {call_title(result)}."
            + (f" {notes}" if notes else "")
        )
        shown = self.shown_numbers()
        if self.current in shown:
            self.query_one("#preview-calls", OptionList).highlighted = shown.index(self.current)

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def predict_outcomes(self, results: list[PreviewResult]) -> None:
        workspace = self.cio.workspace
        if workspace is None:
            return
        from cio_tui.identity.lookup import ClientPeopleLookup
        from cio_tui.identity.preview_ids import workspace_warnings
        from cio_tui.walkthrough.recorded import workspace_outcome_settings

        card = self.query_one("#preview-outcome", OutcomeCard)
        card.loading = True
        try:
            chosen = await asyncio.to_thread(workspace_outcome_settings, workspace, self.cio.services.settings)
            await with_outcomes(results, ClientPeopleLookup(workspace.client), chosen.settings)
            await workspace_warnings(results, workspace.client)  # new ids differing only in case from a person's
        except Exception as exc:  # API failures: words and a next step, never a crash
            card.show_text(f"Outcome not predicted: {describe_error(exc)}")
            return
        finally:
            card.loading = False
        self.settings_note = chosen.note
        if results is self.results:
            self._list_calls()  # the outcomes are known now: the summary counts them
            self._show()

    def workspace_changed(self, workspace: Workspace) -> None:
        for result in self.results:
            result.outcome = None
        if self.results:
            self._show()
            self.predict_outcomes(self.results)

    # -- the operator's own mappings (a file of the Public API's subscriptions) --------------------------------
    def action_load_subscriptions(self) -> None:
        value = self.subscriptions_path or "subscriptions.json"
        self.query_one("#preview-path", PathPrompt).ask("subscriptions", "Subscriptions JSON:", value)

    @on(PathPrompt.Given, "#preview-path")
    def _path_given(self, message: PathPrompt.Given) -> None:
        if message.purpose == "calls":
            self.open_calls_file(message.path)
        else:
            self.load_subscriptions(message.path)

    # -- a file of calls -------------------------------------------------------------------------------------
    def action_open_file(self) -> None:
        self.query_one("#preview-path", PathPrompt).ask("calls", "Calls file:", self.calls_path or "calls.js")

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def open_calls_file(self, path: Path) -> None:
        try:
            size = await asyncio.to_thread(lambda: path.stat().st_size)
            if size > MAX_CALLS_FILE:
                self.say(
                    f"NOT OPENED: {path.name} is {size / 1e6:.1f} MB; the editor takes files up to "
                    f"{MAX_CALLS_FILE / 1e6:.0f} MB (split it, or use `cio-tui preview FILE`).",
                    error=True,
                )
                return
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.say(f"CANNOT READ {path}: {getattr(exc, 'strerror', None) or exc}. Check the path.", error=True)
            return
        self.replace_text(
            self.query_one("#preview-editor", CallEditor), text,
            came_from=f"the {len(text.splitlines())} line(s) of {path.name} (ctrl+s saves yours first)",
            then=lambda: self._opened(path, text), kept=self._kept_text,
            on_kept=lambda: self.say(f"Kept the editor's calls; {path.name} was not opened."),
        )  # fmt: skip

    def _opened(self, path: Path, text: str) -> None:
        self.calls_path = str(path)
        self._prefilled(text)
        self.notify(f"Opened {path.name}.", markup=False)

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def load_subscriptions(self, path: Path) -> None:
        """Read and check the subscriptions in a thread; every problem names the subscription and the field."""
        try:
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
            subscriptions = read_subscriptions(text)
        except (OSError, UnicodeDecodeError) as exc:
            self.say(f"CANNOT READ {path}: {exc}", error=True)
            return
        except SubscriptionsError as exc:
            shown = " | ".join(exc.problems[:3]) + (
                f" (and {len(exc.problems) - 3} more)" if len(exc.problems) > 3 else ""
            )
            self.say(f"NOT LOADED: {path.name}: {shown}. The preview keeps its current mappings.", error=True)
            return
        self.subscriptions, self.subscriptions_path = subscriptions, str(path)
        notes = "".join(f"\n- {note}" for note in subscriptions.notes[:4])
        more = f"\n(and {len(subscriptions.notes) - 4} more notes)" if len(subscriptions.notes) > 4 else ""
        self._mappings_changed(f"Your subscriptions from {path.name}: {subscriptions.summary()}.{notes}{more}")

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def action_live_subscriptions(self) -> None:
        """Read the subscriptions from Segment (a worker: the Public API client does the IO)."""
        from cio_tui.walkthrough.live_mappings import read_live_mappings

        workspace = self.cio.workspace
        if workspace is None:
            self.notify("No workspace is open: open one in Connect (press 9).", severity="warning")
            return
        self.say("Reading your Actions destination's subscriptions from Segment...")
        services = self.cio.services
        try:
            live = await read_live_mappings(services.settings, services.credentials, workspace)
        except SubscriptionsError as exc:
            self.say("NOT LOADED: " + " | ".join(exc.problems[:3]), error=True)
            return
        except Exception as exc:  # API failures: words and a next step, never a crash
            self.say(f"NOT LOADED: {describe_error(exc)}", error=True)
            return
        if live.subscriptions is None:
            self.say(f"NOT LOADED: {live.message}", error=True)
            return
        self.subscriptions, self.subscriptions_path = live.subscriptions, ""
        self._mappings_changed(live.message)

    def action_default_presets(self) -> None:
        if self.subscriptions is None:
            self.notify("The preview already uses the default presets.")
            return
        self.subscriptions = None
        self._mappings_changed("Back to the Actions destination's default presets.")

    def _mappings_changed(self, note: str) -> None:
        title = "Actions (your subscriptions)" if self.subscriptions else "Actions (default presets)"
        self.query_one("#pane-actions", RequestPane).border_title = title
        self.notify(note, title="Mappings", markup=False)
        if self.query_one("#preview-editor", CallEditor).text.strip():
            self.action_run_preview()
        else:
            self.say(note)

    # -- moving between calls and tabs -------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#preview-calls")
    def _call_chosen(self, event: OptionList.OptionSelected) -> None:
        self.current = int(event.option.id or 0)
        self._show()

    def _step(self, by: int) -> None:
        shown = self.shown_numbers()  # within the filter, when one is on
        if shown:
            at = shown.index(self.current) if self.current in shown else -1 if by > 0 else 0
            self.current = shown[(at + by) % len(shown)]
            self._show()

    def action_next_call(self) -> None:
        self._step(1)

    def action_previous_call(self) -> None:
        self._step(-1)

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#preview-tabs", TabbedContent).active = tab

    def action_focus_editor(self) -> None:
        self.query_one("#preview-editor", CallEditor).focus()

    @on(OutcomeCard.PersonChosen)
    def _open_person(self, event: OutcomeCard.PersonChosen) -> None:
        self.post_message(OpenPerson(Identifier.cio(event.cio_id)))

    # -- call sets (files: thread workers) ---------------------------------------------------------------------
    def _folder(self) -> Path:
        workspace = self.cio.workspace
        base = workspace.data_dir if workspace is not None and workspace.data_dir else None
        settings = self.cio.services.settings
        assert settings is not None, "the app's settings are loaded before its first area opens"
        return callsets_dir(Path(base) if base else Path(settings.data_dir))

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def action_load_calls(self) -> None:
        saved = await asyncio.to_thread(list_call_sets, self._folder())
        self.app.push_screen(LoadCallsModal(saved), self._loaded)

    def _loaded(self, text: str | None) -> None:
        if text is not None:
            self.prefill(text, came_from="the saved set")

    def action_save_calls(self) -> None:
        text = self.query_one("#preview-editor", CallEditor).text
        if not text.strip():
            self.notify("The editor is empty: paste or load calls first.", severity="warning")
            return

        def chosen(name: str | None) -> None:
            if name:
                self.save_set(name, text)

        self.app.push_screen(SaveSetModal(self.set_name), chosen)

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def save_set(self, name: str, text: str) -> None:
        try:
            path = await asyncio.to_thread(save_call_set, self._folder(), name, text)
        except ParseError as exc:
            self.say(f"NOT SAVED: line {exc.line}, column {exc.column}: {exc.reason}", error=True)
            return
        except (CallSetError, OSError) as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return
        self.set_name = name
        self._kept_text = text
        self.notify(
            f"Saved the set '{name}' ({path.name}); the Walkthrough can replay it.", title="Saved", markup=False
        )


def _short(number: int, result: PreviewResult) -> str:
    """One line in the calls list: number, type and the call's name or id."""
    call = result.call
    what = getattr(call, "event", None) or getattr(call, "name", None) or getattr(call, "groupId", None)
    what = what or call.userId or call.anonymousId or ""
    text = f"{number}. {call.type} {what}"
    return text if len(text) <= 28 else text[:27] + "…"
