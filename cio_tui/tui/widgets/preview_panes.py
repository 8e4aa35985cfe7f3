"""Read-only views of one preview result: a destination's requests, the warnings, the differences, the outcome.

Differences are marked in text (``+``/``-``/``~`` in a marker column, with a legend), colour only repeats them.
Every widget here only renders what it is given; the screen computes results and does IO in workers.
"""

from __future__ import annotations

import textwrap

from textual import on
from textual.app import ComposeResult
from textual.containers import ScrollableContainer, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cio_tui.segment.outcome import Outcome
from cio_tui.segment.preview import PreviewResult
from cio_tui.segment.report import LEGEND, annotated_json, side_requests

MARK_STYLES = {"+": "$text-success", "-": "$text-error", "~": "$text-warning"}
NBSP = "\u00a0"


def marked_lines(result: PreviewResult, side: str) -> Content:
    """Each request as ``METHOD path`` (and its action slug) followed by its marked JSON body."""
    requests = side_requests(result, side)
    lines = annotated_json(requests, result.diff, side, body_only=True)
    parts: list[Content | tuple[str, str] | str] = []
    index = 0
    for i, request in enumerate(requests):
        slug = request["action"] if "action" in request else ""
        if request.get("subscription"):
            slug = f"'{request['subscription']}' {slug}"
        if slug:  # a line of its own: the request line stays whole in a half-width pane at 80 columns
            parts.append((f"{slug}\n", "bold"))
        parts.append((f"{request['method']} {request['path']}\n", "bold"))
        count = _body_line_count(request.get("body"))
        for mark, text in lines[index : index + count]:
            style = MARK_STYLES.get(mark, "")
            line = f"{mark} {text}\n"
            parts.append((line, style) if style else line)
        index += count
        if i < len(requests) - 1:
            parts.append("\n")
    return Content.assemble(*parts).rstrip()


def _body_line_count(body: object) -> int:
    return len(annotated_json([{"body": body}], [], "actions", body_only=True))


class RequestPane(ScrollableContainer):
    """One destination: its requests with marked bodies (not wrapped, scroll sideways), then its notes (classic)
    or validation errors (Actions)."""

    def __init__(self, side: str, title: str, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.side = side
        self.border_title = title
        self.border_subtitle = "- only classic  ~ changed" if side == "classic" else "+ only Actions  ~ changed"

    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-json")
        yield Static("", classes="pane-notes")

    def show(self, result: PreviewResult | None, empty: str = "") -> None:
        json_view = self.query_one(".pane-json", Static)
        notes = self.query_one(".pane-notes", Static)
        if result is None:
            json_view.update("")
            notes.update(empty)
            return
        if side_requests(result, self.side):
            json_view.update(marked_lines(result, self.side))
        else:
            json_view.update(Content.styled("SENDS NOTHING for this call.", "bold"))
        parts: list[Content | tuple[str, str] | str] = []
        if self.side == "classic":
            parts += [f"note: {note}\n" for note in result.classic.notes]
        else:
            parts += [
                (f"REJECTED by {_sender(e.action, e.subscription)}: {e.message}\n", "bold $text-error")
                for e in result.actions.errors
            ]
            if result.actions.fired:  # the operator's subscriptions: batching is each mapping's own setting
                parts.append("Fired: " + ", ".join(result.actions.fired) + ". Shown unbatched: a subscription "
                             "with enable_batching on sends these bodies in POST /api/v2/batch (cio-tui preview "
                             "--subscriptions shows the batches and what Segment reports per event).")  # fmt: skip
            elif side_requests(result, self.side):
                parts.append(
                    "Shown unbatched: with batching on (the default) these bodies go in one "
                    'POST /api/v2/batch {"batch": [...]}.'
                )
        notes.update(Content.assemble(*parts))
        self.scroll_home(animate=False)


def _sender(action: str, subscription: str | None) -> str:
    return f"subscription '{subscription}' ({action})" if subscription else action


def _indented(text: str, width: int | None, *, lead: str = "") -> list[str]:
    """``lead + text`` wrapped to ``width`` with a hanging indent (2 columns, continuation lines 4), so a long
    explanation reads as one block under its WARNING line. No width yet (before layout): one unwrapped line."""
    line = f"{lead}{text}"
    if not width or width < 20:
        return [NBSP * 2 + line]
    return textwrap.wrap(
        line, width=width, initial_indent=NBSP * 2, subsequent_indent=NBSP * 4, break_on_hyphens=False
    ) or [NBSP * 2]


class WarningsView(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-body")

    _shown: tuple[PreviewResult | None, str] = (None, "")

    def on_resize(self) -> None:
        self.show(*self._shown)

    def show(self, result: PreviewResult | None, empty: str = "") -> None:
        self._shown = (result, empty)
        body = self.query_one(".pane-body", Static)
        if result is None:
            body.update(empty)
            return
        if not result.warnings:
            body.update("No warnings: this call behaves the same way, or the differences are harmless.")
            return
        width = self.size.width - 4 or None  # less the padding and a vertical scrollbar's room
        parts: list[Content | tuple[str, str] | str] = []
        todo_lead = "What to do: "
        for warning in result.warnings:
            parts.append((f"WARNING {warning.code}\n", "bold $text-warning"))
            parts += [f"{line}\n" for line in _indented(warning.explanation, width)]
            first, *rest = _indented(warning.todo, width, lead=todo_lead)
            parts += [NBSP * 2, (todo_lead, "bold"), f"{first[2 + len(todo_lead) :]}\n"]
            parts += [f"{line}\n" for line in rest]
            parts.append("\n")
        body.update(Content.assemble(*parts))


class DiffView(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("", classes="pane-body")

    def show(self, result: PreviewResult | None, empty: str = "") -> None:
        body = self.query_one(".pane-body", Static)
        if result is None:
            body.update(empty)
            return
        if not result.diff:
            body.update("No differences in what reaches Customer.io.")
            return
        lines = [(f"{entry.describe()}\n", MARK_STYLES[entry.describe()[0]]) for entry in result.diff]
        body.update(Content.assemble((f"{LEGEND}\n\n", "italic"), *lines))


class OutcomeCard(VerticalScroll):
    """The predicted outcome in the workspace, with the people it names (enter opens them in People)."""

    class PersonChosen(Message):
        def __init__(self, cio_id: str) -> None:
            super().__init__()
            self.cio_id = cio_id

    def compose(self) -> ComposeResult:
        yield Static("", id="outcome-summary")
        yield OptionList(id="outcome-people")

    def on_mount(self) -> None:
        self.query_one("#outcome-people", OptionList).display = False

    def show_text(self, text: str) -> None:
        self.query_one("#outcome-summary", Static).update(text)
        self.query_one("#outcome-people", OptionList).display = False

    def show(self, outcome: Outcome, *, note: str = "") -> None:
        """Show ``outcome``; ``note`` says which workspace settings it assumes and where they came from."""
        parts: list[Content | tuple[str, str] | str] = [("PREDICTED (read-only): ", "bold"), outcome.summary, "\n"]
        for effect in outcome.effects:
            parts += [f"\n{effect.action}: {effect.kind.replace('_', ' ').upper()}"]
            parts += [f"\n{NBSP * 2}{detail}" for detail in effect.details]
        if note:
            parts += [("\n\nWorkspace settings: ", "bold"), note]
        parts += [("\n\nAssumptions: ", "italic"), (" ".join(outcome.assumptions), "italic $text-muted")]
        self.query_one("#outcome-summary", Static).update(Content.assemble(*parts))
        people = self.query_one("#outcome-people", OptionList)
        people.clear_options()
        mentions = {p.cio_id: p for e in outcome.effects for p in e.people}
        for cio_id, person in mentions.items():
            who = ", ".join(x for x in (person.id and f"id {person.id}", person.email) if x) or "no id or email"
            people.add_option(Option(f"Open cio_{cio_id} in People ({person.role}; {who})", id=cio_id))
        people.display = bool(mentions)
        if mentions:
            people.highlighted = 0

    @on(OptionList.OptionSelected, "#outcome-people")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(self.PersonChosen(event.option.id))
