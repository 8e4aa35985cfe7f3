"""Shared pieces of the Walkthrough widgets: the messages panels post up, and the panel base class.

Panels never do IO: they show an ``Overview`` (calls down, ``show``) and post ``Record`` (store ``Recorded`` values on
the state) or ``Task`` (run a ``tui/walkthrough_requests.py`` request: read the workspace, write a file) messages up to
the Walkthrough screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, ClassVar, TypeVar, Unpack

from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static
from textual.widgets.select import NoSelection

from cio_tui.walkthrough.steps import STEPS

if TYPE_CHECKING:
    from cio_tui.tui.walkthrough_requests import TaskRequest
    from cio_tui.walkthrough.service import Overview
    from cio_tui.walkthrough.state import Recorded

YES_NO: list[tuple[str, bool]] = [("yes", True), ("no", False)]
T = TypeVar("T")


@dataclass
class Record(Message):
    """Store these values on the walkthrough state for ``step`` (``Recorded``: its own fields only), then save."""

    step: int
    values: Recorded


@dataclass
class Task(Message):
    """Run ``request`` (one of ``TaskRequest``: its class says which task, its fields are the task's payload)."""

    request: TaskRequest


class StepPanel(Vertical):
    """The recorded-data part of one step. Subclasses compose their fields and implement ``show``."""

    STEP: ClassVar[int] = 0
    overview: Overview | None = None
    """The overview last shown (set by the screen before ``show``)."""

    def on_mount(self) -> None:
        # Panels are mounted when their step is first shown, possibly after the overview arrived: show it now.
        if self.overview is not None and self.children:  # no children: the app is closing, mid-mount
            self.show(self.overview)

    def show(self, overview: Overview) -> None:
        """Display the overview (``cio_tui.walkthrough.service.Overview``) without posting ``Record``."""

    def start_over(self) -> None:
        """Another workspace is open: empty every field typed and every error or result said for the previous one
        (``show`` then fills what the new workspace's state holds). A path typed for one workspace's export must
        never be run against the next."""
        for box in self.query(Input):
            with self.prevent(Input.Changed):
                box.value = ""
        for select in self.query(Select):  # every one may be blank (a choice not made yet)
            with self.prevent(Select.Changed):
                select.value = Select.NULL
        for note in self.query(".wt-error, .wt-said").results(Static):
            note.update("")

    def set_select(self, select_id: str, value: object) -> None:
        select = self.query_one(select_id, Select)
        with self.prevent(Select.Changed):
            select.value = Select.NULL if value is None else value

    def record(self, **values: Unpack[Recorded]) -> None:
        """Post the values, unless every one equals what the state already holds (focus moving is not a change)."""
        state = getattr(self.overview, "state", None)
        if state is not None and all(getattr(state, k, None) == v for k, v in values.items()):
            return
        self.post_message(Record(self.STEP, values))

    def request_task(self, request: TaskRequest) -> None:
        """Ask the screen to run ``request``. (Not ``task``: that is Textual's property for the widget's own
        asyncio task.)"""
        self.post_message(Task(request))


def selected(value: T | NoSelection) -> T | None:
    """A Select's value, ``None`` for the blank choice."""
    return None if isinstance(value, NoSelection) else value


def panel_class(number: int) -> type[StepPanel]:
    """Step n's form (``Step.panel``). Imported and composed when the step is first shown: one panel on screen at a
    time, so the others cost nothing at start (their widgets were most of the screen)."""
    module, name = STEPS[number - 1].panel.split(":")
    cls: type[StepPanel] = getattr(import_module(f"cio_tui.tui.widgets.{module}"), name)
    return cls


__all__ = ["YES_NO", "Record", "StepPanel", "Task", "panel_class", "selected"]
