"""Progress of an apply: a bar with done/total, the rate, the ETA, and counts by state, all in words.

The panel is fed ``ApplyStats`` snapshots (built from the engine's progress events by the Plan/Apply screen);
elapsed time comes from the engine or an injected clock, so snapshots are deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar

# States that end an operation (it will not be sent again in this run). The engine's states are
# pending, checked, sent, done, skipped_stale, failed, uncertain, reconciled (``identity.journal.OpState``).
FINISHED_STATES = frozenset(
    {"done", "reconciled", "already_done", "skipped", "skipped_stale", "stale", "failed", "cancelled", "excluded"}
)
# Order and words of the counts line; several states can share one label (they are added up).
COUNT_LABELS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("done", "already_done"), "done"),
    (("reconciled",), "reconciled"),
    (("skipped_stale", "stale"), "stale (skipped)"),
    (("failed",), "failed"),
    (("uncertain",), "uncertain"),
    (("checked", "sent"), "in progress"),
    (("pending",), "pending"),
)
STATUS_WORDS = {
    "idle": "not started",
    "checking": "checking preconditions",
    "running": "applying",
    "paused": "PAUSED",
    "cancelling": "cancelling after in-flight requests",
    "cancelled": "CANCELLED",
    "finished": "FINISHED",
    "failed": "STOPPED ON ERROR",
}


@dataclass(frozen=True)
class ApplyStats:
    """A point-in-time view of an apply run."""

    total: int
    counts: Mapping[str, int] = field(default_factory=dict)
    elapsed: float = 0.0
    status: str = "idle"
    awaiting: int = 0  # requests sent (or queued at the rate limiter) with no answer yet

    @property
    def finished(self) -> int:
        return sum(n for state, n in self.counts.items() if state in FINISHED_STATES)

    @property
    def pending(self) -> int:
        return max(self.total - self.finished, 0)

    @property
    def rate(self) -> float | None:
        """Finished operations per second, once there is something to measure."""
        if self.elapsed <= 0 or self.finished == 0:
            return None
        return self.finished / self.elapsed

    @property
    def eta(self) -> float | None:
        rate = self.rate
        if rate is None or self.status not in ("running", "checking"):
            return None
        return self.pending / rate


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def headline(stats: ApplyStats) -> str:
    parts = [f"{STATUS_WORDS.get(stats.status, stats.status)}", f"{stats.finished}/{stats.total} operations"]
    rate = stats.rate
    parts.append(f"{rate:.1f} ops/s" if rate is not None else "rate -")
    eta = stats.eta
    if eta is not None:
        parts.append(f"ETA {format_duration(eta)}")
    elif stats.status == "finished":
        parts.append(f"took {format_duration(stats.elapsed)}")
    else:
        parts.append("ETA -")
    return " · ".join(parts)


def counts_line(stats: ApplyStats) -> str:
    counts = dict(stats.counts)
    counts["pending"] = stats.total - sum(n for state, n in counts.items() if state != "pending")
    line = " · ".join(f"{words} {sum(counts.get(s, 0) for s in states)}" for states, words in COUNT_LABELS)
    return f"{line} · awaiting an answer {stats.awaiting}"


class ApplyProgress(Vertical):
    """Bar, headline (status, done/total, rate, ETA) and counts by state."""

    DEFAULT_CSS = """
    ApplyProgress {
        height: auto;
        padding: 0 1;
        border: round $primary;
        border-title-color: $text;
    }
    ApplyProgress > #apply-headline { width: 1fr; text-style: bold; }
    ApplyProgress > #apply-counts { width: 1fr; color: $text-muted; }
    ApplyProgress > ProgressBar { width: 1fr; }
    ApplyProgress > ProgressBar > Bar { width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.stats = ApplyStats(total=0)
        self.border_title = "Apply progress"

    def compose(self) -> ComposeResult:
        yield Label(headline(self.stats), id="apply-headline", markup=False)
        yield ProgressBar(total=1, show_eta=False, id="apply-bar")
        yield Label(counts_line(self.stats), id="apply-counts", markup=False)

    def update_stats(self, stats: ApplyStats) -> None:
        self.stats = stats
        if not self.is_mounted:
            return
        self.query_one("#apply-headline", Label).update(headline(stats))
        self.query_one("#apply-counts", Label).update(counts_line(stats))
        self.query_one("#apply-bar", ProgressBar).update(total=max(stats.total, 1), progress=stats.finished)

    def on_mount(self) -> None:
        self.update_stats(self.stats)
