"""People: look a person up by cio_id, id or email and read their identity card."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Select, Static, TabbedContent

from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.card import IdentityCard
from cio_tui.identity.people_lookup import LookupProblem, lookup_person, parse_lookup
from cio_tui.identity.person_segment import resolve_scenarios, settings_words
from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenPreview
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.widgets.person_card import HistoryEntry, PersonCardTabs
from cio_tui.tui.widgets.person_segment import PersonSegmentPane

LOADING_DELAY = 0.15  # seconds before a running lookup shows its loading state
KINDS: list[tuple[str, str]] = [("Auto-detect", "auto"), ("cio_id", "cio_id"), ("id", "id"), ("email", "email")]


class PeopleScreen(AreaScreen):
    AREA = "people"
    HOME_FOCUS = "#card-tabs Tabs"  # the card; / types in the lookup box (the kind list is a poor place to land)
    TYPING_TARGET = "#lookup-input"  # no person on screen: letters typed go to the lookup box (nothing to act on)
    HELP = (
        "Look a person up by cio_id (with or without the cio_ prefix), id or email. The kind is detected from "
        "what you type; choose it in the list next to the box to override. The card shows identifiers, "
        "attributes (filterable), devices, segments and recent activity; a FAILED ATTRIBUTE CHANGE or a PROFILE "
        "MERGE is marked in words. The Segment tab predicts (reads only) what each identify an app would send for "
        "this person does through classic and Actions; enter opens one in Preview. "
        "Copy puts the highlighted value on the clipboard (OSC 52)."
    )
    BINDINGS = [
        Binding(
            "slash", "focus_lookup", "Look up", id="people.focus_lookup", tooltip="Put the cursor in the lookup box"
        ),
        Binding(
            "c",
            "copy_value",
            "Copy",
            id="people.copy_value",
            tooltip="Copy the highlighted value to the clipboard (OSC 52)",
        ),
        Binding(
            "p",
            "preview_identify",
            "Preview identify",
            id="people.preview_identify",
            tooltip="Open Preview with an identify for this person (Segment tab: the highlighted one)",
        ),
        Binding(
            "i",
            "change_identifiers",
            "Change identifiers",
            id="people.change_identifiers",
            show=False,
            tooltip="Open Identifiers with this person picked, to change their id or email safely",
        ),
        Binding(
            "f",
            "filter_attributes",
            "Filter attributes",
            id="people.filter_attributes",
            show=False,
            tooltip="Search the person's attributes by name or value",
        ),
        Binding(
            "o",
            "show_tab('tab-overview')",
            "Overview",
            id="people.overview",
            show=False,
            tooltip="Identifiers, status, segments, devices and what needs attention",
        ),
        Binding(
            "a",
            "show_tab('tab-activity')",
            "Activity",
            id="people.activity",
            show=False,
            tooltip="Recent activity, failed attribute changes and merges marked",
        ),
        Binding(
            "s",
            "show_tab('tab-segments')",
            "Segments and devices",
            id="people.segments",
            show=False,
            tooltip="Segments the person is in, and their devices",
        ),
        Binding(
            "e",
            "show_tab('tab-segment')",
            "Segment identifies",
            id="people.segment",
            show=False,
            tooltip="How each Segment identify (classic and Actions) would resolve to this person",
        ),
        Binding(
            "h",
            "show_tab('tab-history')",
            "Lookup history",
            id="people.history",
            show=False,
            tooltip="People looked up in this session; enter looks one up again",
        ),
    ]

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """Textual's own, without its repaint of the whole screen: each lookup moves focus from the lookup box to the card,
    and that repaint drew every widget again (as long as the card itself). The widgets that focus changes redraw
    themselves (focus and blur refresh them, the focus-within styles are updated)."""

    def __init__(self) -> None:
        super().__init__()
        self.card: IdentityCard | None = None
        self._segment_card: IdentityCard | None = None  # the card the Segment tab was predicted for
        self.message: str = ""
        self._looked_up: str | None = None  # text of the last lookup run

    def waiting_for_typing(self) -> bool:
        return self.card is None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="lookup-bar"):
            yield Input(
                placeholder="cio_id, id or email", id="lookup-input", name="lookup", suggester=SuggestFromList([])
            )
            yield Select(KINDS, value="auto", allow_blank=False, id="lookup-kind", prompt="Kind")
            yield Button("Look up", id="lookup-button", variant="primary")
        yield Static("", id="lookup-message", markup=False)
        yield PersonCardTabs(id="person-card")

    # -- input ------------------------------------------------------------------------------------------
    def _kind(self) -> str | None:
        value = self.query_one("#lookup-kind", Select).value
        return None if value in ("auto", Select.NULL) else str(value)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message = text
        widget = self.query_one("#lookup-message", Static)
        widget.update(text)
        widget.set_class(error, "-error")

    @on(Input.Changed, "#lookup-input")
    def _detect(self, event: Input.Changed) -> None:
        if event.value == self._looked_up:
            return  # the box was filled by a lookup (app.open_person): its result stays on screen
        if not event.value.strip():
            self.say("")
            return
        kind = self._kind()
        try:
            who = parse_lookup(event.value, kind)
        except LookupProblem as problem:
            self.say(f"Cannot look this up: {problem}", error=True)
            return
        how = "as chosen" if kind else "detected"
        self.say(f"Will look up by {who.kind.value} ({how}): {who}. Press enter.")

    @on(Select.Changed, "#lookup-kind")
    def _kind_changed(self) -> None:
        value = self.query_one("#lookup-input", Input).value
        if value.strip():
            self._detect(Input.Changed(self.query_one("#lookup-input", Input), value))

    @on(Input.Submitted, "#lookup-input")
    @on(Button.Pressed, "#lookup-button")
    def _submit(self) -> None:
        self.run_lookup(self.query_one("#lookup-input", Input).value, self._kind())

    @on(PersonCardTabs.HistoryChosen)
    def _again(self, event: PersonCardTabs.HistoryChosen) -> None:
        self.lookup(event.entry.text, kind=event.entry.kind)

    # -- navigation contract: app.open_person(who) -------------------------------------------------------
    def lookup(self, who: Identifier | str, kind: str | None = None) -> None:
        """Look ``who`` up as if typed (an Identifier fixes the kind)."""
        if isinstance(who, Identifier):
            text, kind = str(who), who.kind.value
        else:
            text = str(who)
        self.query_one("#lookup-input", Input).value = text
        self.query_one("#lookup-kind", Select).value = kind or "auto"
        self.run_lookup(text, kind)

    # -- the lookup (IO in a worker) ----------------------------------------------------------------------
    @work(exclusive=True, group="people", exit_on_error=False)
    async def run_lookup(self, text: str, kind: str | None) -> IdentityCard | None:
        self._looked_up = text
        workspace = self.cio.workspace
        tabs = self.query_one(PersonCardTabs)
        if workspace is None:
            self.say("No workspace is open yet: wait for it to open, or open one in Connect (press 9).", error=True)
            return None
        # Sandbox lookups take milliseconds: show the loading state only when one is slow (saves two layouts).
        show_loading = self.set_timer(LOADING_DELAY, lambda: setattr(tabs, "loading", True))
        try:
            result = await lookup_person(workspace.client, text, kind)
        except LookupProblem as problem:
            self._forget_card()
            not_found = str(problem).startswith("No person")
            self.say(f"Not found: {problem}" if not_found else str(problem), error=True)
            self._remember(text, kind, "not found" if not_found else "invalid input")
            return None
        except Exception as exc:  # API failures: words and a next step, never a crash
            self._forget_card()
            self.say(f"Lookup failed: {describe_error(exc)}", error=True)
            self.notify(describe_error(exc), title="People", severity="error", timeout=10)
            self._remember(text, kind, "failed")
            return None
        finally:
            show_loading.stop()
            tabs.loading = False
        self.card = card = result.card
        self.waiting_changed()  # letters are the card's actions now: the footer says so
        tabs.show(card, self.cio.services.clock())
        if tabs.active == "tab-segment":
            self._ensure_segment()
        if tabs.active == "tab-history" or self.focused is None or isinstance(self.focused, Input):
            tabs.active = "tab-overview"
            self.query_one("#overview-table", DataTable).focus()  # so c, p, a... work at once; / to type again
        p = card.person
        found = (
            f"Found cio_{p.cio_id}"
            + (f", id {p.id}" if p.id else ", a lead (no id)")
            + (f", {p.email}" if p.email else "")
        )
        self.say(f"{found}. {result.note}" if result.note else f"{found}.", error=False)
        self._remember(text, kind, f"-> cio_{p.cio_id}")
        return card

    def _forget_card(self) -> None:
        """A lookup that did not find anyone leaves no card: the previous person must not stay on screen, where
        c, p and i would act on them as if they were the answer."""
        self.card = None
        self.waiting_changed()
        self.query_one(PersonCardTabs).clear_card()
        self.query_one(PersonSegmentPane).show_text("")

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-segment":
            self._ensure_segment()

    def _ensure_segment(self) -> None:
        """Predict the Segment tab for the person shown, once, when the tab is opened: a lookup stays fast and
        reads nothing more unless the operator asks."""
        if self.card is not None and self._segment_card is not self.card:
            self._segment_card = self.card
            self.resolve_segment(self.card)

    @work(exclusive=True, group="people-segment", exit_on_error=False)
    async def resolve_segment(self, card: IdentityCard) -> None:
        """Fill the Segment tab: each realistic identify through both destinations, predicted (reads only)."""
        from cio_tui.identity.lookup import ClientPeopleLookup
        from cio_tui.walkthrough.recorded import workspace_outcome_settings

        pane = self.query_one(PersonSegmentPane)
        workspace = self.cio.workspace
        if workspace is None:
            return
        who = f"cio_{card.person.cio_id}"
        pane.show_text(f"Predicting how Segment identifies resolve to {who} (reads only)...")
        try:
            chosen = await asyncio.to_thread(workspace_outcome_settings, workspace, self.cio.services.settings)
            settings = chosen.settings
            rows = await resolve_scenarios(card.person, ClientPeopleLookup(workspace.client), settings)
        except Exception as exc:  # API failures: words and a next step, never a crash
            pane.show_text(f"Not predicted: {describe_error(exc)}")
            return
        if self.card is not card:
            return  # another person was looked up meanwhile
        if not rows:
            pane.show_text(f"{who} has neither an id nor an email: no Segment identify can name them.")
            return
        pane.show(rows, f"Identifies an app would send for {who}, predicted read-only ({settings_words(settings)}):")

    @on(PersonSegmentPane.PreviewWanted)
    def _preview_row(self, event: PersonSegmentPane.PreviewWanted) -> None:
        self.post_message(OpenPreview(event.text))

    def _remember(self, text: str, kind: str | None, outcome: str) -> None:
        tabs = self.query_one(PersonCardTabs)
        if not text.strip():
            return
        tabs.add_history(HistoryEntry(self.cio.services.clock(), text.strip(), kind, outcome))
        lookup_input = self.query_one("#lookup-input", Input)
        lookup_input.suggester = SuggestFromList(dict.fromkeys(e.text for e in tabs.history), case_sensitive=False)

    # -- actions ----------------------------------------------------------------------------------------
    def action_focus_lookup(self) -> None:
        self.query_one("#lookup-input", Input).focus()

    def action_filter_attributes(self) -> None:
        tabs = self.query_one(PersonCardTabs)
        tabs.active = "tab-attributes"
        self.query_one("#attr-filter", Input).focus()

    def action_show_tab(self, tab: str) -> None:
        self.query_one(PersonCardTabs).active = tab
        tables = {
            "tab-overview": "#overview-table",
            "tab-activity": "#activity-table",
            "tab-segments": "#segments-table",
            "tab-segment": "#segment-list",
            "tab-history": "#history-list",
        }
        if tab in tables:
            self.query_one(tables[tab]).focus()

    def action_copy_value(self) -> None:
        label, value = self._highlighted_value()
        if value is None:
            self.notify("Nothing to copy: look someone up first.", severity="warning")
            return
        self.app.copy_to_clipboard(value)
        self.notify(f"Copied {label} to the clipboard: {value[:60]}", title="Copied")

    def _highlighted_value(self) -> tuple[str, str | None]:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.row_count:
            row = [str(cell) for cell in focused.get_row_at(focused.cursor_row)]
            if focused.id == "activity-table":
                return "the activity", " | ".join(row)
            return row[0], row[-1] if len(row) == 2 else row[0]
        if self.card is not None:
            return "the cio_id", f"cio_{self.card.person.cio_id}"
        return "", None

    def action_preview_identify(self) -> None:
        if self.card is None:
            self.notify("Look someone up first; then p opens Preview with their identify.", severity="warning")
            return
        tabs = self.query_one(PersonCardTabs)
        row = self.query_one(PersonSegmentPane).highlighted_text() if tabs.active == "tab-segment" else None
        self.post_message(OpenPreview(row or identify_call(self.card)))

    def action_change_identifiers(self) -> None:
        if self.card is None:
            self.notify("Look someone up first; then i opens Identifiers with them picked.", severity="warning")
            return
        self.cio.open_identifiers(self.card.person.cio_id)


def identify_call(card: IdentityCard) -> str:
    """A Segment identify for this person, as JSON, for Preview to compare the two destinations."""
    p = card.person
    traits: dict[str, Any] = {}
    if p.email:
        traits["email"] = p.email
    for name in ("first_name", "last_name", "plan"):
        if p.attributes.get(name):
            traits[name] = p.attributes[name]
    call: dict[str, Any] = {"type": "identify"}
    if p.id:
        call["userId"] = p.id
    else:
        call["anonymousId"] = p.attributes.get("anonymous_id") or f"anon-{p.cio_id}"
    call["traits"] = traits
    return json.dumps(call, indent=2)


__all__ = ["PeopleScreen", "identify_call"]
