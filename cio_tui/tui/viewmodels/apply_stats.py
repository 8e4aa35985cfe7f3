"""A point-in-time view of an apply run (counts by state, rate, ETA), built from the engine's progress events by
``tui/viewmodels/plan_text.py`` and shown by ``tui/widgets/apply_progress.py``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# States that end an operation (it will not be sent again in this run). The engine's states are
# pending, checked, sent, done, skipped_stale, failed, uncertain, reconciled (``identity.journal.OpState``).
FINISHED_STATES = frozenset(
    {"done", "reconciled", "already_done", "skipped", "skipped_stale", "stale", "failed", "cancelled", "excluded"}
)


@dataclass(frozen=True)
class ApplyStats:
    """A point-in-time view of an apply run."""

    total: int
    counts: Mapping[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    status: str = "idle"
    awaiting: int = 0  # requests sent (or queued at the rate limiter) with no answer yet
    before: int = 0  # operations an earlier run finished: not this run's work, so not in its rate or ETA

    @property
    def finished(self) -> int:
        return sum(n for state, n in self.counts.items() if state in FINISHED_STATES)

    @property
    def pending(self) -> int:
        return max(self.total - self.finished, 0)

    @property
    def rate(self) -> float | None:
        """Operations this run finished per second, once there is something to measure."""
        ran = self.finished - self.before
        if self.elapsed <= 0 or ran <= 0:
            return None
        return ran / self.elapsed

    @property
    def eta(self) -> float | None:
        rate = self.rate
        if rate is None or self.status not in ("running", "checking"):
            return None
        return self.pending / rate


def format_duration(seconds: float) -> str:
    if seconds < 1:  # "took 0s" reads as if nothing ran
        return "under 1s"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


__all__ = ["FINISHED_STATES", "ApplyStats", "format_duration"]
