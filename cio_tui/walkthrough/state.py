"""Walkthrough state per workspace: each step's status, notes and recorded data, persisted as JSON.

The file is ``workspace.data_dir / "walkthrough.json"``, written atomically (temp file + rename) after every change,
so the walkthrough resumes exactly where the operator left it, even after a crash.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cio_tui.errors import UserError
from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.walkthrough.models import (
    AuditCounts,
    ClassicSettings,
    ConnectionCheck,
    CutoverChoice,
    IdentifierSettings,
    PlanRecord,
    RehearsalRecord,
    VerifyResult,
)
from cio_tui.walkthrough.status import STATE_FILE, StepStatus, first_unfinished, status_words
from cio_tui.walkthrough.steps import STEPS, step_by_number

STATE_VERSION = 1

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class WalkthroughStateError(UserError):
    """The state file cannot be read; the message says which file and what to do."""

    exit_code = 1


class StepState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    status: StepStatus = StepStatus.NOT_STARTED
    reason: str | None = None
    notes: str = ""
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def status_words(self) -> str:
        return status_words(self.status, self.reason)


class Recorded(TypedDict, total=False):
    """What a step records on the state, field by field (each step names its own in ``Step.records``). The keys
    are ``WalkthroughState`` fields, so the stored JSON is the state's, unchanged."""

    classic: ClassicSettings
    connection: ConnectionCheck
    identifier_settings: IdentifierSettings
    audit: AuditCounts
    reviewed_sets: list[str]
    rehearsal: RehearsalRecord
    checklist: dict[str, bool]
    cutover: CutoverChoice
    verify: VerifyResult


def _default_steps() -> dict[int, StepState]:
    return {step.number: StepState() for step in STEPS}


class WalkthroughState(BaseModel):
    """Everything the walkthrough knows about one workspace's migration."""

    model_config = ConfigDict(extra="ignore")

    version: int = STATE_VERSION
    workspace_name: str = ""
    workspace_fingerprint: str = ""
    site_fingerprint: str = ""
    """The fingerprint of the workspace's region and site id alone (no hosts): what a site id typed in the connect step
    is compared with. ``workspace_fingerprint`` also covers the API hosts when they are not the region's own (the
    sandbox, a proxy), so it cannot be compared with a bare site id."""
    is_sandbox: bool = False
    started_at: datetime | None = None
    updated_at: datetime | None = None
    steps: dict[int, StepState] = Field(default_factory=_default_steps)
    classic: ClassicSettings = Field(default_factory=ClassicSettings)
    connection: ConnectionCheck | None = None
    identifier_settings: IdentifierSettings = Field(default_factory=IdentifierSettings)
    audit: AuditCounts | None = None
    reviewed_sets: list[str] = Field(default_factory=list)
    rehearsal: RehearsalRecord | None = None
    checklist: dict[str, bool] = Field(default_factory=dict)
    cutover: CutoverChoice = Field(default_factory=CutoverChoice)
    verify: VerifyResult | None = None
    plans: list[PlanRecord] = Field(default_factory=list)
    report_path: str | None = None
    report_exported_at: datetime | None = None

    def classic_site_id_is_another(self) -> bool:
        """The classic site id recorded in the connect step is not this workspace's own (it sends elsewhere, or
        the wrong profile is open); False while none is recorded or the workspace's is unknown."""
        from cio_tui.identity.plan import fingerprint

        own = self.site_fingerprint or self.workspace_fingerprint  # states saved before site_fingerprint existed
        if not self.classic.site_id or ":" not in own:
            return False
        return fingerprint(own.split(":", 1)[0], self.classic.site_id.strip()) != own

    def model_post_init(self, context: object, /) -> None:
        for step in STEPS:
            self.steps.setdefault(step.number, StepState())

    # -- steps ----------------------------------------------------------------------------------------
    def step(self, number: int) -> StepState:
        step_by_number(number)  # raises a clear KeyError for an unknown number
        return self.steps[number]

    def set_status(self, number: int, status: StepStatus | str, *, reason: str | None = None, now: datetime) -> None:
        """Set a step's status. Skipping needs a reason; the reason is cleared for any other status."""
        status = StepStatus(status)
        st = self.step(number)
        if status is StepStatus.SKIPPED:
            if not reason or not reason.strip():
                raise ValueError(f"say why step {number} is skipped: a skipped step needs a reason")
            st.reason = reason.strip()
        else:
            st.reason = None
        if status is StepStatus.NOT_STARTED:
            st.started_at = None
            st.finished_at = None
        else:
            st.started_at = st.started_at or now
            st.finished_at = now if status.finished else None
        st.status = status
        self.started_at = self.started_at or now

    def touch(self, number: int, *, now: datetime) -> None:
        """The operator worked on a step: a not-started step becomes in progress."""
        if self.step(number).status is StepStatus.NOT_STARTED:
            self.set_status(number, StepStatus.IN_PROGRESS, now=now)

    def record(self, number: int, values: Recorded, *, now: datetime) -> None:
        """What step ``number`` found or chose (``Recorded``: field name -> value, e.g. ``audit=...``), stored and
        the step marked in progress: the one way a step records something (the Walkthrough screen's ``Record``
        message and the service's ``record``). A step sets only the fields it names (``Step.records``), never the
        step bookkeeping nor another step's findings."""
        own = step_by_number(number).records
        bad = [name for name in values if name not in own]
        if bad:
            what = f"it records {', '.join(own)}" if own else "it records nothing"
            raise KeyError(f"step {number} cannot record {', '.join(bad)}: {what}")
        for name, value in values.items():
            setattr(self, name, value)
        self.touch(number, now=now)

    def set_notes(self, number: int, notes: str, *, now: datetime) -> None:
        self.step(number).notes = notes
        if notes.strip():
            self.touch(number, now=now)

    def current_step(self) -> int | None:
        """The first step that is neither done nor skipped (None when all are finished)."""
        return first_unfinished(self.statuses())

    def statuses(self) -> dict[int, StepStatus]:
        return {number: st.status for number, st in self.steps.items()}

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in StepStatus}
        for st in self.steps.values():
            out[st.status.value] += 1
        return out

    def status_json(self) -> dict[str, Any]:
        """The shape printed by ``cio-tui walkthrough status --json``."""
        return {
            "workspace": {
                "name": self.workspace_name,
                "fingerprint": self.workspace_fingerprint,
                "sandbox": self.is_sandbox,
            },
            "started_at": _iso(self.started_at),
            "updated_at": _iso(self.updated_at),
            "current_step": self.current_step(),
            "counts": self.counts(),
            "steps": [
                {
                    "number": step.number,
                    "key": step.key,
                    "title": step.title,
                    "status": self.steps[step.number].status.value,
                    "reason": self.steps[step.number].reason,
                    "notes": self.steps[step.number].notes,
                    "started_at": _iso(self.steps[step.number].started_at),
                    "finished_at": _iso(self.steps[step.number].finished_at),
                }
                for step in STEPS
            ],
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _site_fingerprint(workspace: WorkspaceView) -> str:
    """The region + site id fingerprint of a workspace (hosts left out), ``""`` when it has no profile."""
    from cio_tui.identity.plan import fingerprint

    profile = getattr(workspace, "profile", None)
    site_id = getattr(profile, "site_id", None)
    region = getattr(workspace, "region", None)
    return fingerprint(region, site_id) if isinstance(site_id, str) and isinstance(region, str) else ""


class WalkthroughStore:
    """Loads and saves one workspace's walkthrough state file."""

    def __init__(
        self,
        path: Path,
        *,
        workspace_name: str = "",
        fingerprint: str = "",
        is_sandbox: bool = False,
        site_fingerprint: str = "",
        now: Clock = utc_now,
    ) -> None:
        self.path = Path(path)
        self.now = now
        self._identity = (workspace_name, fingerprint, is_sandbox)
        self._site_fingerprint = site_fingerprint

    @classmethod
    def for_workspace(cls, workspace: WorkspaceView, *, now: Clock = utc_now) -> WalkthroughStore:
        """The store of a ``cio_tui.workspace.Workspace`` (its ``data_dir / walkthrough.json``)."""
        return cls(
            Path(workspace.data_dir) / STATE_FILE,
            workspace_name=getattr(workspace, "name", ""),
            fingerprint=getattr(workspace, "fingerprint", ""),
            is_sandbox=bool(getattr(workspace, "is_sandbox", False)),
            site_fingerprint=_site_fingerprint(workspace),
            now=now,
        )

    def load(self) -> WalkthroughState:
        name, fingerprint, sandbox = self._identity
        if not self.path.exists():
            return WalkthroughState(
                workspace_name=name,
                workspace_fingerprint=fingerprint,
                is_sandbox=sandbox,
                site_fingerprint=self._site_fingerprint,
            )
        try:
            state = WalkthroughState.model_validate(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, ValidationError) as exc:
            raise WalkthroughStateError(
                f"cannot read the walkthrough state {self.path}: {type(exc).__name__}. Move the file aside to start "
                "the walkthrough afresh (nothing in the workspace depends on it)."
            ) from exc
        if fingerprint and state.workspace_fingerprint and state.workspace_fingerprint != fingerprint:
            raise WalkthroughStateError(
                f"{self.path} belongs to another workspace ({state.workspace_name or state.workspace_fingerprint}); "
                "move it aside to start this workspace's walkthrough."
            )
        state.workspace_name = name or state.workspace_name
        state.workspace_fingerprint = fingerprint or state.workspace_fingerprint
        state.is_sandbox = sandbox or state.is_sandbox
        state.site_fingerprint = self._site_fingerprint or state.site_fingerprint
        return state

    def save(self, state: WalkthroughState) -> None:
        """Write atomically: a crash leaves either the old or the new file, never half of one."""
        state.updated_at = self.now()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = state.model_dump_json(indent=2)
        fd, tmp = tempfile.mkstemp(prefix=".walkthrough-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def update(self, change: Callable[[WalkthroughState, datetime], None]) -> WalkthroughState:
        """Load, apply ``change(state, now)``, save, return the new state."""
        state = self.load()
        change(state, self.now())
        self.save(state)
        return state
