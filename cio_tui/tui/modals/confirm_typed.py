"""Confirm a write by typing the workspace name: the guard in front of every apply.

``ConfirmTypedModal`` dismisses with ``True`` only when the operator typed the workspace name exactly and pressed
Enter or the confirm button. Escape, the Cancel button (focused by default after the input) or anything else
dismisses with ``False``. The irreversible variant (merge, delete, suppress) says so in words and names what cannot
come back; a LIVE workspace is named as such. However small the terminal, the input and the buttons stay on screen:
the summary and the list of what cannot be undone scroll above them (and margins go below 24 rows).
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from cio_tui.tui.viewmodels.confirm_request import ConfirmRequest

SHORT_BELOW = 24  # terminal rows: below this the dialog drops its margins so the input and buttons still fit


class ConfirmTypedModal(ModalScreen[bool]):
    """Type the workspace name (or site id) to confirm; the safe answer (False) is the default."""

    DEFAULT_CSS = """
    ConfirmTypedModal {
        align: center middle;
    }
    ConfirmTypedModal > #confirm-box {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        padding: 1 2;
        border: thick $warning;
        background: $surface;
    }
    ConfirmTypedModal.-irreversible > #confirm-box {
        border: thick $error;
    }
    ConfirmTypedModal #confirm-title { text-style: bold; width: 1fr; }
    ConfirmTypedModal #confirm-details { height: auto; max-height: 40vh; }
    ConfirmTypedModal.-short #confirm-details { max-height: 30vh; }
    ConfirmTypedModal.-short > #confirm-box { padding: 0 1; }
    ConfirmTypedModal.-short #confirm-summary, ConfirmTypedModal.-short #confirm-irreversible,
    ConfirmTypedModal.-short #confirm-prompt, ConfirmTypedModal.-short #confirm-buttons { margin: 0; }
    ConfirmTypedModal #confirm-summary { margin: 1 0 0 0; width: 1fr; }
    ConfirmTypedModal #confirm-irreversible {
        margin: 1 0 0 0;
        width: 1fr;
        text-style: bold;
        color: $text-error;
    }
    ConfirmTypedModal #confirm-prompt { margin: 1 0 0 0; width: 1fr; }
    ConfirmTypedModal #confirm-scroll-hint { width: 1fr; color: $text-muted; }
    ConfirmTypedModal #confirm-mismatch { width: 1fr; color: $text-warning; height: auto; }
    ConfirmTypedModal #confirm-buttons { height: auto; margin: 1 0 0 0; align-horizontal: right; }
    ConfirmTypedModal #confirm-buttons Button { margin: 0 0 0 2; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without applying anything", id="confirm.cancel"),
        # the list above the input scrolls from the input itself: every line is reachable before confirming
        Binding("pagedown", "details('page_down')", "Scroll down", show=False),
        Binding("pageup", "details('page_up')", "Scroll up", show=False),
        Binding("ctrl+end", "details('scroll_end')", "List end", show=False),
        Binding("ctrl+home", "details('scroll_home')", "List start", show=False),
    ]
    LONG_LIST = 8  # summary lines beyond which the dialog says how to scroll them

    def __init__(self, request: ConfirmRequest) -> None:
        super().__init__(classes="-irreversible" if request.is_irreversible else None)
        self.request = request

    def compose(self) -> ComposeResult:
        req = self.request
        where = "LIVE workspace" if req.is_live else "SANDBOX workspace"
        with Vertical(id="confirm-box"):
            yield Label(Text(f"{req.action} on the {where} {req.workspace!r}?"), id="confirm-title", markup=False)
            if len(req.summary) + len(req.irreversible) > self.LONG_LIST:
                yield Label(
                    "PageDown/PageUp scroll the list; Ctrl+End: its last line.",
                    id="confirm-scroll-hint",
                    markup=False,
                )
            with VerticalScroll(id="confirm-details"):
                if req.summary:
                    yield Static(Text("\n".join(req.summary)), id="confirm-summary")
                if req.irreversible:
                    lines = ["IRREVERSIBLE: these cannot be undone by cio-tui or by Customer.io:"]
                    lines += [f"  - {line}" for line in req.irreversible]
                    lines.append("The journal keeps a before-snapshot of every person touched, to rebuild by hand.")
                    yield Static(Text("\n".join(lines)), id="confirm-irreversible")
            yield Label(
                Text.assemble(f"Type the {req.confirm_label} ", (req.word, "bold"), " to confirm, or press Escape."),
                id="confirm-prompt",
            )
            yield Input(
                placeholder=f"type the {req.confirm_label} here",
                id="confirm-input",
                select_on_focus=False,
                name=req.confirm_label,  # the footer's "▸ workspace name: typing"
            )
            yield Label("", id="confirm-mismatch", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button("Cancel", id="confirm-no", variant="default")
                yield Button(
                    "Apply (irreversible)" if req.is_irreversible else "Apply",
                    id="confirm-yes",
                    variant="error" if req.is_irreversible else "warning",
                    disabled=True,
                )

    def on_mount(self) -> None:
        self.set_class(self.app.size.height < SHORT_BELOW, "-short")
        self.query_one("#confirm-input", Input).focus()
        # a toast still up (an apply cancelled, a plan saved) would cover the dialog's buttons at 80x24; what it
        # said is in the screen's status line and in the dialog's own summary
        self.app.clear_notifications()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT_BELOW, "-short")

    @property
    def matches(self) -> bool:
        return self.query_one("#confirm-input", Input).value == self.request.word

    @on(Input.Changed, "#confirm-input")
    def _typed(self) -> None:
        self.query_one("#confirm-yes", Button).disabled = not self.matches
        self.query_one("#confirm-mismatch", Label).update("")

    @on(Input.Submitted, "#confirm-input")
    def _submitted(self) -> None:
        if self.matches:
            self.dismiss(True)
            return
        typed = self.query_one("#confirm-input", Input).value
        message = "Nothing typed yet." if not typed else f"That is not the {self.request.confirm_label}."
        self.query_one("#confirm-mismatch", Label).update(
            Text(f"{message} Type {self.request.word} exactly (case matters), or press Escape to cancel.")
        )

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        if self.matches:
            self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_details(self, how: str) -> None:
        details = self.query_one("#confirm-details", VerticalScroll)
        {
            "page_down": details.scroll_page_down,
            "page_up": details.scroll_page_up,
            "scroll_end": details.scroll_end,
            "scroll_home": details.scroll_home,
        }[how](animate=False)

    def action_cancel(self) -> None:
        self.dismiss(False)
