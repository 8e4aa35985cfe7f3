"""Shared pieces of the Walkthrough widgets: the messages panels post up, and the panel base class.

Panels never do IO: they show an ``Overview`` (calls down, ``show``) and post ``Record`` (store values on the state)
or ``Task`` (run something that reads the workspace or writes a file) messages up to the Walkthrough screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar

from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from cio_tui.walkthrough.steps import STEPS

if TYPE_CHECKING:
    from cio_tui.walkthrough.service import Overview

YES_NO: list[tuple[str, bool]] = [("yes", True), ("no", False)]


@dataclass
class Record(Message):
    """Store these values on the walkthrough state (``field name -> value``) for ``step``, then save."""

    step: int
    values: dict[str, Any] = field(default_factory=dict)


class TaskKind(StrEnum):
    """The tasks a panel can ask the Walkthrough screen to run (a closed list: the screen handles each one)."""

    CHECK_CONNECTION = "check_connection"
    AUDIT_LIVE = "audit_live"
    AUDIT_EXPORT = "audit_export"  # args: path
    VERIFY = "verify"
    CLEANUP = "cleanup"  # args: path, action
    CUTOVER_NOW = "cutover_now"  # args: method
    EXPORT_REPORT = "export_report"  # args: path
    EXPORT_CHECKLIST = "export_checklist"  # args: path
    PREVIEW_LINE = "preview_line"  # args: path, line
    REHEARSE = "rehearse"  # args: path, export, subscriptions
    VIEW_REPORT = "view_report"  # args: path (the rehearsal's Markdown report)
    SEGMENT_READ = "segment_read"  # args: step
    SEGMENT_PREPARE = "segment_prepare"
    SEGMENT_CUTOVER = "segment_cutover"
    SEGMENT_ROLLBACK = "segment_rollback"
    SEGMENT_VERIFY = "segment_verify"


@dataclass
class Task(Message):
    """Run the screen's task ``kind`` with ``args``."""

    kind: TaskKind
    args: dict[str, Any] = field(default_factory=dict)


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

    def set_select(self, select_id: str, value: Any) -> None:
        select = self.query_one(select_id, Select)
        with self.prevent(Select.Changed):
            select.value = Select.NULL if value is None else value

    def record(self, **values: Any) -> None:
        """Post the values, unless every one equals what the state already holds (focus moving is not a change)."""
        state = getattr(self.overview, "state", None)
        if state is not None and all(getattr(state, k, None) == v for k, v in values.items()):
            return
        self.post_message(Record(self.STEP, values))

    def request_task(self, kind: TaskKind | str, **args: Any) -> None:
        """Ask the screen to run ``kind``; an unknown name fails here, in the panel that asked. (Not ``task``: that
        is Textual's property for the widget's own asyncio task.)"""
        self.post_message(Task(TaskKind(kind), args))


def selected(value: Any) -> Any:
    """A Select's value, ``None`` for the blank choice."""
    return None if value is Select.NULL else value


def panel_class(number: int) -> type[StepPanel]:
    """Step n's form (``Step.panel``). Imported and composed when the step is first shown: one panel on screen at a
    time, so the others cost nothing at start (their widgets were most of the screen)."""
    module, name = STEPS[number - 1].panel.split(":")
    cls: type[StepPanel] = getattr(import_module(f"cio_tui.tui.widgets.{module}"), name)
    return cls


__all__ = ["YES_NO", "Record", "StepPanel", "Task", "TaskKind", "panel_class", "selected"]
