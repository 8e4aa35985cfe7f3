"""The person card's words for times and activities (no Textual, no IO): what the People area shows."""

from __future__ import annotations

from datetime import UTC, datetime

from cio_tui.customerio.models import Activity
from cio_tui.identity.card import FLAGGED_TYPES

FLAGGED: dict[str, str] = {kind: label.upper() for kind, label in FLAGGED_TYPES.items()}


def when(ts: int | None) -> str:
    """A Unix timestamp as ``2026-01-02 03:04 UTC`` (never local time: screenshots stay the same everywhere)."""
    if not ts:
        return "unknown"
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d %H:%M UTC")


def ago(ts: int | None, now: datetime) -> str:
    if not ts:
        return ""
    seconds = int(now.timestamp()) - int(ts)
    if seconds < 0:
        return "in the future"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def activity_detail(activity: Activity) -> str:
    """Words for one activity's data: what failed and why, who was merged in."""
    data = activity.data or {}
    if activity.type == "failed_attribute_change":
        attr = data.get("attribute") or activity.name or "an attribute"
        value = data.get("value")
        reason = data.get("reason") or "Customer.io refused the change"
        return f"{attr} -> {value!r} not applied: {reason}" if value is not None else f"{attr}: {reason}"
    if activity.type == "profile_merge":
        merged = data.get("merged_cio_id")
        ids = ", ".join(str(v) for v in (data.get("merged_id"), data.get("merged_email")) if v)
        how = "automatically" if data.get("automatic") else "by request"
        who = f"cio_{merged}" + (f" ({ids})" if ids else "") if merged else "another person"
        return f"{who} merged into this person {how}"
    if activity.name:
        return activity.name
    return ", ".join(f"{k}={v}" for k, v in list(data.items())[:3])


__all__ = ["FLAGGED", "activity_detail", "ago", "when"]
