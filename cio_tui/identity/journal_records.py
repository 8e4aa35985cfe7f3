"""What the journal records: the states an entry can hold, an entry as read back, a plan as the journal knows it,
and the record the apply engines append (``identity/journal.py`` stores and reads them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from cio_tui.errors import UserError


class JournalError(UserError):
    """The journal file cannot be used (damaged, not a journal, unreadable); the message says what to do."""


class ApplyLockedError(UserError, RuntimeError):
    """Another apply holds this workspace's journal."""

    exit_code = 1


class OpState(StrEnum):
    PENDING = "pending"
    CHECKED = "checked"
    SENT = "sent"
    DONE = "done"
    SKIPPED_STALE = "skipped_stale"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    RECONCILED = "reconciled"

    @property
    def succeeded(self) -> bool:
        return self in (OpState.DONE, OpState.RECONCILED)

    @property
    def in_doubt(self) -> bool:
        """The write may have reached Customer.io: read before doing anything else."""
        return self in (OpState.SENT, OpState.UNCERTAIN)


class PlanEvent(StrEnum):
    """Entries about a plan's runs rather than one operation (``op_id`` is None): with ``OpState``, every state an
    entry can record."""

    REGISTERED = "registered"
    LEASE_TAKEN = "lease_taken"
    LEASE_RELEASED = "lease_released"
    LEASE_LOST = "lease_lost"  # a renewal found another run's token: this run stopped sending
    RUN_STARTED = "run_started"
    RUN_ENDED = "run_ended"


class JournalPlan(Protocol):
    """What the journal keeps of a plan (a people ``Plan`` or a ``SegmentPlan``)."""

    @property
    def plan_id(self) -> str: ...
    @property
    def workspace_fingerprint(self) -> str: ...
    @property
    def workspace_name(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def operations(self) -> Sequence[object]: ...
    def to_json(self) -> str: ...


class JournalEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    seq: int
    at: datetime
    plan_id: str
    op_id: str | None
    state: str
    operator: str
    kind: str | None = None
    request: dict[str, Any] | None = None
    status: int | None = None
    before: object = None  # person snapshots (JSON) as they were read before / after the write
    after: object = None
    detail: str | None = None


class PlanRecord(BaseModel):
    """One plan known to the journal, with its operations counted by current state."""

    model_config = ConfigDict(frozen=True)

    plan_id: str
    registered_at: datetime
    operator: str
    workspace_name: str
    source: str
    description: str
    total: int
    states: dict[str, int]
    last_at: datetime | None

    @property
    def succeeded(self) -> int:
        return sum(n for s, n in self.states.items() if OpState(s).succeeded)

    @property
    def complete(self) -> bool:
        return self.succeeded == self.total


@dataclass
class Record:
    """One entry to append (see ``Journal.append``)."""

    plan_id: str
    op_id: str | None
    state: OpState | PlanEvent
    kind: str | None = None
    request: dict[str, Any] | None = None
    status: int | None = None
    before: object = None
    after: object = None
    detail: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


__all__ = [
    "ApplyLockedError",
    "JournalEntry",
    "JournalError",
    "JournalPlan",
    "OpState",
    "PlanEvent",
    "PlanRecord",
    "Record",
]
