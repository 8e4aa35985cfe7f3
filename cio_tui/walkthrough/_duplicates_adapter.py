"""Adapter to the duplicates engine (``cio_tui.identity.duplicates``) and to the people export."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from cio_tui.walkthrough.models import DuplicateRuleCount

EVERYONE = {
    "or": [
        {"attribute": {"field": "id", "operator": "exists"}},
        {"attribute": {"field": "email", "operator": "exists"}},
        {"attribute": {"field": "anonymous_id", "operator": "exists"}},
    ]
}
EXPORT_ATTRIBUTES = ["unsubscribed", "anonymous_id"]


def count_by_rule(path: Path) -> tuple[list[DuplicateRuleCount], int]:
    """Groups and people per duplicate rule (rules with no group left out) and the number of distinct groups."""
    from cio_tui.walkthrough.audit import AuditError

    try:
        from cio_tui.identity.duplicates.engine import analyse_export
    except ImportError as exc:  # pragma: no cover - the engine ships with the app
        raise AuditError(f"duplicate groups not counted: the duplicates engine is unavailable ({exc})") from exc
    try:
        with analyse_export(path) as analysis:
            counts = analysis.rule_counts()
            total = int(analysis.summary()["groups"])
    except ValueError as exc:
        raise AuditError(f"duplicate groups not counted: {exc}") from exc
    rows = [DuplicateRuleCount(rule=name, groups=c["groups"], people=c["people"]) for name, c in counts.items()]
    return [r for r in rows if r.groups], total


async def live_export(client: Any, dest_dir: Path, *, poll_seconds: float, timeout: float) -> Path:
    """Start a people export, poll until done (or failed / timed out), download it as CSV."""
    from cio_tui.walkthrough.audit import AuditError

    info = await client.start_export(EVERYONE, EXPORT_ATTRIBUTES)
    deadline = time.monotonic() + timeout
    while info.status == "pending" and not info.failed:
        if time.monotonic() > deadline:
            raise AuditError(f"the people export {info.id} is still pending after {timeout:.0f} s; try again later")
        await asyncio.sleep(poll_seconds)
        info = await client.get_export(info.id)
    if info.failed or info.status == "failed":
        raise AuditError(f"Customer.io reports the people export {info.id} failed; start the audit again")
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"people-export-{info.id}.csv"
    await client.download_export(info.id, dest)
    return dest
