"""Progress of an apply: a bar with done/total, the rate, the ETA, and counts by state, all in words.

The panel is fed ``ApplyStats`` snapshots (built from the engine's progress events by the Plan/Apply screen);
elapsed time comes from the engine or an injected clock, so snapshots are deterministic.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, ProgressBar

from cio_tui.tui.viewmodels.apply_stats import ApplyStats, format_duration

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


def headline(stats: ApplyStats) -> str:
    parts = [f"{STATUS_WORDS.get(stats.status, stats.status)}", f"{stats.finished}/{stats.total} operations"]
    rate = stats.rate
    parts.append(f"{rate:.1f} ops/s" if rate is not None else "rate -")
    eta = stats.eta
    if eta is not None:
        parts.append(f"ETA {format_duration(eta)}")
    elif stats.status == "finished":
        # a resumed run's time is its own: the operations done before it are not in it
        parts.append(f"took {format_duration(stats.elapsed)}" + (" this run" if stats.before else ""))
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
