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
    ]
}
EXPORT_ATTRIBUTES = ["unsubscribed", "anonymous_id"]


def count_by_rule(path: Path) -> list[DuplicateRuleCount]:
    from cio_tui.walkthrough.audit import AuditError

    try:
        from cio_tui.identity import duplicates
    except ImportError as exc:  # pragma: no cover - the engine ships with the app
        raise AuditError(f"duplicate groups not counted: the duplicates engine is unavailable ({exc})") from exc
    finder = getattr(duplicates, "find_duplicates", None)
    if finder is None:
        raise AuditError("duplicate groups not counted: this build has no duplicates engine yet")
    result = finder(path)
    counts: dict[str, DuplicateRuleCount] = {}
    for group in getattr(result, "groups", result):
        rules = getattr(group, "rules", None) or [getattr(group, "rule", "other")]
        rule = str(rules[0])
        entry = counts.setdefault(rule, DuplicateRuleCount(rule=rule, groups=0, people=0))
        entry.groups += 1
        entry.people += len(getattr(group, "members", []))
    return sorted(counts.values(), key=lambda r: (-r.groups, r.rule))


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
