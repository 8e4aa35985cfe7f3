"""Adapter to the duplicates engine (``cio_tui.identity.duplicates``) and to the people export."""

from __future__ import annotations

from pathlib import Path

from cio_tui.customerio.contract import CioClient
from cio_tui.walkthrough.models import DuplicateRuleCount


def count_by_rule(path: Path) -> tuple[list[DuplicateRuleCount], int, int]:
    """Groups and people per duplicate rule (rules with no group left out), the number of distinct groups, and the
    duplicate profiles (people in groups beyond one per group: what the duplicates are billed for)."""
    from cio_tui.walkthrough.audit import AuditError

    try:
        from cio_tui.identity.duplicates.engine import analyse_export
    except ImportError as exc:  # pragma: no cover - the engine ships with the app
        raise AuditError(f"duplicate groups not counted: the duplicates engine is unavailable ({exc})") from exc
    try:
        with analyse_export(path) as analysis:
            counts = analysis.rule_counts()
            summary = analysis.summary()
            total = int(summary["groups"])
            extra = int(summary["people_in_groups"]) - total
    except ValueError as exc:
        raise AuditError(f"duplicate groups not counted: {exc}") from exc
    rows = [DuplicateRuleCount(rule=name, groups=c["groups"], people=c["people"]) for name, c in counts.items()]
    return [r for r in rows if r.groups], total, extra


async def live_export(client: CioClient, dest_dir: Path, *, timeout: float) -> Path:
    """Start a people export, wait for it and download it (the duplicates engine's ``fetch_live_export``)."""
    from cio_tui.identity.duplicates.live import LiveExportError, fetch_live_export
    from cio_tui.walkthrough.audit import AuditError

    try:
        return await fetch_live_export(client, dest_dir, timeout=timeout)
    except LiveExportError as exc:
        raise AuditError(str(exc)) from exc
