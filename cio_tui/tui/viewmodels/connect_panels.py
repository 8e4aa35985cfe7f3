"""Words for the Connect screen: key state per profile, keyring status, live check outcome (no Textual needed)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cio_tui.credentials import CredentialStatus
    from cio_tui.customerio.validate import ProfileCheck

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


def keyring_text(status: CredentialStatus) -> str:
    if status.persistent:
        return f"Key store: {status.explain()}"
    return f"Key store: SESSION ONLY. {status.explain()}"


def check_text(check: ProfileCheck, now: datetime) -> str:
    """One line per key with its outcome in words, then the region verdict and what to do."""
    lines = [
        f"Check of profile {check.profile} at {now.strftime('%H:%M UTC')}: "
        + ("ALL GOOD" if check.ok else "PROBLEMS FOUND")
    ]
    for key in (check.track, check.app):
        lines.append(f"  {key.label}: {OUTCOME_WORDS.get(key.outcome, key.outcome.upper())}: {key.message}")
    if check.detected_region:
        verdict = (
            "matches the profile"
            if check.region_ok
            else (
                f"but the profile says {check.configured_region.upper()}: press r to use "
                f"{check.detected_region.upper()} (or edit the profile with e)"
            )
        )
        lines.append(f"  Region: workspace in {check.detected_region.upper()}, {verdict}")
    if not check.ok and check.region_ok:
        lines.append("  Next: " + next_step(check))
    return "\n".join(lines)


def next_step(check: ProfileCheck) -> str:
    """What to do after a failed check, by what failed: a key is pasted again only when it was rejected or missing;
    a server error or an unreachable host (a 502, a timeout) says nothing about the key, so the advice is to retry."""
    outcomes = {check.track.outcome, check.app.outcome}
    if outcomes & {"invalid", "missing"}:
        return "edit the profile (e) and paste the rejected or missing key again, then check (k)."
    if "forbidden" in outcomes:
        return "give the key a wider scope in Customer.io (or create a new one and paste it with e), then check (k)."
    return (
        "Customer.io did not give a usable answer (a server error or no connection), so the keys were not judged: "
        "nothing to change in the profile; check again (k) in a moment."
    )


__all__ = ["OUTCOME_WORDS", "check_text", "keyring_text", "keys_label", "next_step"]
