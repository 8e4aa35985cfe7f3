"""The audit's findings (what the repair step repairs) and whether the audit still describes the workspace.

One home for the rule used by the open risks and by the repair step's "done" condition: an audit taken before the last
repair plan was applied describes the workspace as it was, so its findings stay open until a fresh audit says
what is left; an audit taken after it (a fresh audit) is the truth, and a fresh audit that finds nothing finishes
the repairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only: the step list (imported by `cio-tui --help`) must not load pydantic
    from cio_tui.walkthrough.history import AppliedPlan
    from cio_tui.walkthrough.models import AuditCounts


def audit_findings(audit: AuditCounts) -> list[tuple[int, str]]:
    """(count, words) for each kind of finding the repairs address, zero counts left out."""
    found = (
        (audit.duplicate_group_total, "duplicate group(s) not merged"),
        (audit.leads, "email-only lead(s) not converted"),
        (audit.email_as_id, "people whose id is an email"),
        (audit.case_variant_ids, "people with ids differing only in case"),
    )
    return [(n, words) for n, words in found if n]


def last_repair_at(applied: Sequence[AppliedPlan]) -> datetime | None:
    """When the last plan that changed something (some operation succeeded) finished."""
    times = [p.finished_at for p in applied if p.finished_at and _changed(p)]
    return max(times, default=None)


def audit_is_fresh(audit: AuditCounts, applied: Sequence[AppliedPlan]) -> bool:
    """The audit was taken after every applied repair (or nothing was applied)."""
    last = last_repair_at(applied)
    return last is None or _aware(audit.taken_at) >= _aware(last)


def findings_text(findings: list[tuple[int, str]]) -> str:
    return ", ".join(f"{n} {words}" for n, words in findings)


def in_doubt(plan: AppliedPlan) -> int:
    """Operations sent whose outcome is unknown (an interrupted apply): they must be read back before anything."""
    return plan.by_state.get("sent", 0) + plan.by_state.get("uncertain", 0)


def _changed(plan: AppliedPlan) -> bool:
    return bool(plan.by_state.get("done", 0) or plan.by_state.get("reconciled", 0))


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


__all__ = ["audit_findings", "audit_is_fresh", "findings_text", "in_doubt", "last_repair_at"]
