"""Plans applied to the workspace, as the report and the repair step see them (read from the apply journal)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class AppliedPlan(BaseModel):
    model_config = ConfigDict(extra="ignore")

    plan_id: str
    source: str = ""
    description: str = ""
    operations: int = 0
    by_state: dict[str, int] = Field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None

    complete: bool = False
    """Every operation succeeded (done, or reconciled as already applied)."""

    @property
    def done(self) -> bool:
        return self.complete and self.operations > 0

    def counts_text(self) -> str:
        return ", ".join(f"{n} {s}" for s, n in sorted(self.by_state.items())) or "no operation recorded"


class JournalSummary(BaseModel):
    plans: list[AppliedPlan] = Field(default_factory=list)
    lines: list[str] = Field(default_factory=list)
    available: bool = True
    note: str = ""
