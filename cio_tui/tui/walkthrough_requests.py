"""What a Walkthrough panel can ask its screen to run: one frozen dataclass per task, its payload typed.

Panels never do IO; they post a ``Task`` message carrying one of these (``tui/widgets/walkthrough_base.py``) and the
screen runs it in a worker (``tui/screens/walkthrough_tasks.py`` matches on the class, and mypy checks that every
class of ``TaskRequest`` is handled). A new task is a class here, added to ``TaskRequest``, and its ``case`` there.
No Textual here: the screen's mixins and the tests import it alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal

if TYPE_CHECKING:  # types only: the panels import this module when the Walkthrough first draws
    from cio_tui.walkthrough.cleanup import Action
    from cio_tui.walkthrough.models import CutoverMethod


@dataclass(frozen=True)
class CheckConnection:
    """Check the workspace's keys and region (the connect step)."""

    title: ClassVar[str] = "Checking the workspace"


@dataclass(frozen=True)
class AuditLive:
    """Audit the people of the live workspace."""

    title: ClassVar[str] = "Auditing the live workspace"


@dataclass(frozen=True)
class AuditExport:
    """Audit the people export (CSV) at ``path`` (as typed: ``~`` is expanded by the screen)."""

    path: str
    title: ClassVar[str] = "Auditing the export"


@dataclass(frozen=True)
class Verify:
    """Sample people since the cut-over and check what Actions writes."""

    title: ClassVar[str] = "Verifying"


@dataclass(frozen=True)
class Cleanup:
    """Plan deleting or suppressing the people of the CSV at ``path`` (``action`` for rows that name none)."""

    path: str
    action: Action | None = None
    title: ClassVar[str] = "Planning the clean-up"


@dataclass(frozen=True)
class CutoverNow:
    """Record the cut-over as happening now, by ``method`` (None: not chosen yet)."""

    method: CutoverMethod | None = None


@dataclass(frozen=True)
class ExportReport:
    """Write the migration report (Markdown) to ``path``."""

    path: str


@dataclass(frozen=True)
class ExportChecklist:
    """Write the Prepare Actions checklist (Markdown) to ``path``."""

    path: str


@dataclass(frozen=True)
class PreviewLine:
    """Open Preview on the call at ``line`` of the traffic file ``path``."""

    path: str
    line: int


@dataclass(frozen=True)
class Rehearse:
    """Replay the traffic at ``path`` from the workspace's people (or the ``export``), with the mappings of
    ``subscriptions`` (else the live ones, else the presets)."""

    path: str
    export: str | None = None
    subscriptions: str | None = None


@dataclass(frozen=True)
class ViewReport:
    """Show the rehearsal's Markdown report at ``path``."""

    path: str


SegmentAction = Literal["read", "prepare", "cutover", "rollback", "verify"]
SEGMENT_TITLES: dict[SegmentAction, str] = {
    "read": "Reading Segment",
    "prepare": "Planning the Actions destination",
    "cutover": "Planning the cut-over",
    "rollback": "Planning the rollback",
    "verify": "Verifying deliveries",
}


@dataclass(frozen=True)
class SegmentTask:
    """One action through Segment's Public API, asked by the Segment section of step ``step``."""

    action: SegmentAction
    step: int

    @property
    def title(self) -> str:
        return SEGMENT_TITLES[self.action]


WorkerTask = CheckConnection | AuditLive | AuditExport | Verify | Cleanup | SegmentTask
"""The tasks run in the screen's one task worker (each says what it is doing with its ``title``)."""
TaskRequest = WorkerTask | CutoverNow | ExportReport | ExportChecklist | PreviewLine | Rehearse | ViewReport
"""Every task a panel can ask for: a closed list (the screen handles each one)."""


__all__ = [
    "SEGMENT_TITLES",
    "AuditExport",
    "AuditLive",
    "CheckConnection",
    "Cleanup",
    "CutoverNow",
    "ExportChecklist",
    "ExportReport",
    "PreviewLine",
    "Rehearse",
    "SegmentAction",
    "SegmentTask",
    "TaskRequest",
    "Verify",
    "ViewReport",
    "WorkerTask",
]
