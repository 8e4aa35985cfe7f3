"""An operation as the plan table shows it (``PlanRow``) and each state in words with its symbol: states are never
conveyed by colour alone (``tui/widgets/plan_table.py`` adds the styles)."""

from __future__ import annotations

from dataclasses import dataclass

# Display of each operation state: (symbol, words). Unknown states are shown as given.
STATE_LABELS: dict[str, tuple[str, str]] = {
    "planned": ("·", "planned"),
    "pending": ("·", "pending"),
    "checking": ("…", "checking"),
    "ready": ("·", "ready"),
    "registered": ("·", "registered"),
    "run_started": ("▶", "run started"),
    "run_ended": ("■", "run ended"),
    "checked": ("·", "checked"),
    "fresh": ("✓", "current"),
    "stale": ("!", "stale"),
    "sending": ("…", "sending"),
    "sent": ("…", "sending"),
    "uncertain": ("?", "uncertain"),
    "done": ("✓", "done"),
    "reconciled": ("✓", "reconciled"),
    "already_done": ("✓", "no change"),
    "skipped": ("-", "skipped"),
    "skipped_stale": ("!", "stale"),
    "failed": ("✗", "failed"),
    "cancelled": ("-", "cancelled"),
    "excluded": ("-", "left out"),
}


def state_words(state: str, detail: str = "") -> str:
    symbol, words = STATE_LABELS.get(state, ("·", state.replace("_", " ")))
    return f"{symbol} {words}: {detail}" if detail else f"{symbol} {words}"


@dataclass(frozen=True)
class PlanRow:
    """One operation as the table shows it."""

    key: str
    number: int
    kind: str
    person: str
    change: str
    loses: str = "nothing"  # short, for the table; the detail pane has every loss in full
    state: str = "planned"
    detail: str = ""


__all__ = ["STATE_LABELS", "PlanRow", "state_words"]
