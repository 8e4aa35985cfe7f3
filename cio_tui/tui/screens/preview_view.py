"""The Preview screen's view: the editor, the calls read, the four tabs, the outcome prediction and moving
between calls (``PreviewView``). Loading calls and mappings from files and sets is ``preview_sources``; the keys
and help are ``preview``.

The preview itself is pure (``cio_tui.segment``) and runs on ctrl+r; the outcome prediction reads the workspace
(``ClientPeopleLookup``) in a worker.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import OptionList, Static, TabbedContent, TabPane, Tabs
from textual.widgets.option_list import Option

from cio_tui.customerio.identifiers import Identifier
from cio_tui.segment.batching import Batch, BatchCheck, model_batch_check
from cio_tui.segment.parser import ParseError
from cio_tui.segment.preview import PreviewResult, batches_for, predict, preview_text
from cio_tui.segment.report import call_title
from cio_tui.segment.subscriptions import SubscriptionSet
from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenPerson
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.widgets.csv_path import PathPrompt
from cio_tui.tui.widgets.preview_batches import ON_EMPTY, ON_WHATIF, PREDICTING, BatchesView, batch_counts
from cio_tui.tui.widgets.preview_editor import CallEditor
from cio_tui.tui.widgets.preview_panes import DiffView, OutcomeCard, RequestPane, WarningsView
from cio_tui.tui.widgets.preview_summary import OutcomeSummaryLine, list_title, next_group, shown_calls

if TYPE_CHECKING:
    from cio_tui.workspace import Workspace


EMPTY = (
    "Paste Segment calls in the editor above: a JSON message, a JSON array, JSON lines, or analytics.* calls as "
    "written in app code. Press ctrl+r to preview; ctrl+o loads sample calls or a saved set, ctrl+f opens a file."
)

NOTHING_YET = "Nothing previewed yet."


class PreviewView(AreaScreen):
    """The state and the panes of the Preview screen (subclassed by ``PreviewSources``, then ``PreviewScreen``)."""

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
        self.batches: list[Batch] = []  # what the batching subscriptions send for the whole paste
        self.batches_on = ""  # the workspace the batches' 207s are predicted on

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
            with TabPane("Batches", id="tab-batches"):
                yield BatchesView(id="preview-batches")

    def waiting_for_typing(self) -> bool:
        return not self.results and not self.query_one("#preview-editor", CallEditor).text.strip()

    @on(CallEditor.Changed, "#preview-editor")
    def _editor_changed(self) -> None:
        self.waiting_changed()  # calls in the editor: its letter keys are actions again outside it

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#preview-editor", CallEditor).border_title = "Segment calls (ctrl+r to preview)"
        self.query_one("#preview-calls", OptionList).border_title = "Calls read"
        self.query_one("#preview-tabs", TabbedContent).hide_tab("tab-batches")
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
        self.waiting_changed()
        self._plan_batches(model_batch_check(), PREDICTING if self.cio.workspace is not None else ON_EMPTY)
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

    def _plan_batches(self, check: BatchCheck, predicted_on: str) -> None:
        """The batches of the whole paste, as production sends them (only when a subscription batches)."""
        subscriptions = self.subscriptions
        batching = subscriptions is not None and any(s.batching for s in subscriptions.subscriptions)
        self.batches = batches_for(self.results, subscriptions, check) if subscriptions and batching else []
        self.batches_on = predicted_on
        tabs = self.query_one("#preview-tabs", TabbedContent)
        if batching:
            tabs.show_tab("tab-batches")
        else:
            if tabs.active == "tab-batches":
                tabs.active = "tab-requests"
            tabs.hide_tab("tab-batches")

    def _show(self) -> None:
        result = self.results[self.current] if self.results else None
        self.query_one("#preview-batches", BatchesView).show(self.batches, self.batches_on)
        self.query_one("#pane-classic", RequestPane).show(result, NOTHING_YET)
        self.query_one("#pane-actions", RequestPane).show(result, NOTHING_YET)
        self.query_one("#preview-warnings", WarningsView).show(result, NOTHING_YET)
        self.query_one("#preview-diff", DiffView).show(result, NOTHING_YET)
        tabs = self.query_one("#preview-tabs", TabbedContent)
        tabs.get_tab("tab-warnings").label = f"Warnings ({len(result.warnings)})" if result else "Warnings"
        tabs.get_tab("tab-diff").label = f"Differences ({len(result.diff)})" if result else "Differences"
        sent, failed = batch_counts(self.batches)
        tabs.get_tab("tab-batches").label = f"Batches ({sent} sent, {failed} failed)" if self.batches else "Batches"
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

    @work(exclusive=True, group="preview", exit_on_error=False, description="Predicting outcomes")
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
            check = await predict(results, ClientPeopleLookup(workspace.client), chosen.settings)
            await workspace_warnings(results, workspace.client)  # new ids differing only in case from a person's
        except Exception as exc:  # API failures: words and a next step, never a crash
            card.show_text(f"Outcome not predicted: {describe_error(exc)}")
            if results is self.results and self.batches:
                self.batches_on = "an empty workspace (this workspace's people could not be read)"
                self._show()
            return
        finally:
            card.loading = False
        self.settings_note = chosen.note
        if results is self.results:
            self._plan_batches(check, ON_WHATIF)
            self._list_calls()  # the outcomes are known now: the summary counts them
            self._show()

    def workspace_changed(self, workspace: Workspace | None) -> None:
        for result in self.results:
            result.outcome = None
        if self.results:
            self._show()
            self.predict_outcomes(self.results)

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
        tabs = self.query_one("#preview-tabs", TabbedContent)
        if tab == "tab-batches" and not tabs.get_tab(tab).display:
            self.notify("No batches: load subscriptions with enable_batching on (m) to see the /api/v2/batch "
                        "bodies and the per-item 207s.", severity="warning")  # fmt: skip
            return
        focused = self.focused
        if focused is None or tabs not in focused.ancestors:
            tabs.active = tab
            return
        # Focus was in a tab's content (a side pane): hiding it would send focus to the next widget, in the old tab,
        # and TabbedContent follows focus back there. Park focus on the tab bar, switch, then read the new tab.
        self.set_focus(tabs.query_one(Tabs))
        tabs.active = tab
        self.call_after_refresh(self._focus_tab_content, tab)

    def _focus_tab_content(self, tab: str) -> None:
        tabs = self.query_one("#preview-tabs", TabbedContent)
        if tabs.active != tab:
            return
        for widget in tabs.get_pane(tab).query("*"):
            if widget.focusable:
                self.set_focus(widget)
                return

    def action_focus_editor(self) -> None:
        self.query_one("#preview-editor", CallEditor).focus()

    @on(OutcomeCard.PersonChosen)
    def _open_person(self, event: OutcomeCard.PersonChosen) -> None:
        self.post_message(OpenPerson(Identifier.cio(event.cio_id)))


def _short(number: int, result: PreviewResult) -> str:
    """One line in the calls list: number, type and the call's name or id."""
    call = result.call
    what = getattr(call, "event", None) or getattr(call, "name", None) or getattr(call, "groupId", None)
    what = what or call.userId or call.anonymousId or ""
    text = f"{number}. {call.type} {what}"
    return text if len(text) <= 28 else text[:27] + "…"
