"""Words for the Connect screen: key state per profile, keyring status, live check outcome (no Textual needed)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

OUTCOME_WORDS = {
    "ok": "OK",
    "invalid": "REJECTED",
    "forbidden": "NOT ALLOWED",
    "wrong_region": "WRONG REGION",
    "unreachable": "UNREACHABLE",
    "missing": "MISSING",
    "error": "ERROR",
}


def keys_label(state: tuple[bool, bool] | None) -> str:
    if state is None:
        return "reading…"
    track, app = state
    if track and app:
        return "both stored"
    if not track and not app:
        return "none stored"
    return "Track key missing" if not track else "App key missing"


def keyring_text(status: Any) -> str:
    if status.persistent:
        return f"Key store: {status.explain()}"
    return f"Key store: SESSION ONLY. {status.explain()}"


def check_text(check: Any, now: datetime) -> str:
    """One line per key with its outcome in words, then the region verdict and what to do."""
    lines = [f"Check of profile {check.profile} at {now.strftime('%H:%M UTC')}: "
             + ("ALL GOOD" if check.ok else "PROBLEMS FOUND")]
    for key in (check.track, check.app):
        lines.append(f"  {key.label}: {OUTCOME_WORDS.get(key.outcome, key.outcome.upper())}: {key.message}")
    if check.detected_region:
        verdict = "matches the profile" if check.region_ok else (
            f"but the profile says {check.configured_region.upper()}: press r to use "
            f"{check.detected_region.upper()} (or edit the profile with e)"
        )
        lines.append(f"  Region: workspace in {check.detected_region.upper()}, {verdict}")
    if not check.ok and check.region_ok:
        lines.append("  Next: edit the profile (e) and paste the rejected key again, then check (k).")
    return "\n".join(lines)


__all__ = ["OUTCOME_WORDS", "check_text", "keyring_text", "keys_label"]
