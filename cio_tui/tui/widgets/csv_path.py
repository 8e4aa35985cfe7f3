"""A one-line file path prompt shown on demand inside a screen (open a CSV, an export, a plan...).

``ask(purpose, label, value)`` shows and focuses it at once (keys typed right after the key that opened it go into
the field, never to the screen's single-letter actions), with the suggested ``value`` selected so typing replaces
it. Enter posts ``PathPrompt.Given(purpose, path)`` and hides it; Escape hides it without an answer. The screen
reads or writes the file in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class PathPrompt(Horizontal):
    DEFAULT_CSS = """
    PathPrompt { height: auto; display: none; }
    PathPrompt.-open { display: block; }
    PathPrompt > Label { padding: 1 1 0 0; width: auto; }
    PathPrompt > Input { width: 1fr; }
    """
    BINDINGS = [Binding("escape", "close", "Close the prompt", id="path.close", tooltip="Close without a file")]

    @dataclass
    class Given(Message):
        prompt: PathPrompt
        purpose: str
        path: Path
        text: str = ""  # the answer as typed (trimmed), for prompts that ask for something other than a path

        @property
        def control(self) -> PathPrompt:
            return self.prompt

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.purpose = ""

    def compose(self) -> ComposeResult:
        yield Label("File:", markup=False)
        yield Input()

    def ask(self, purpose: str, label: str, value: str = "") -> None:
        self.purpose = purpose
        self.query_one(Label).update(label)
        field = self.query_one(Input)
        field.value = value
        self.add_class("-open")
        focus_now = getattr(self.screen, "focus_now", None)  # the screen's focus model, when it has one
        if callable(focus_now):
            focus_now(field)  # now, not after a refresh: the next key may already be waiting
        else:
            self.screen.set_focus(field)
        field.select_all()

    def action_close(self) -> None:
        self.remove_class("-open")
        self._leave()

    def _leave(self) -> None:
        """Back to the screen's home widget (focus is never left on nothing)."""
        home = getattr(self.screen, "focus_home", None)
        if callable(home):
            home()
        else:
            self.screen.set_focus(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        raw = event.value.strip()
        if not raw:
            self.notify("Type a file path, or press Escape to close the prompt.", severity="warning")
            return
        self.remove_class("-open")
        self._leave()
        self.post_message(self.Given(self, self.purpose, Path(raw).expanduser(), raw))
