"""Progress events as the CLI line and the TUI read them."""

from __future__ import annotations

import io

from cio_tui.cli.apply import ProgressLine
from cio_tui.identity.apply_events import OperationEvent, ProgressEvent, ProgressTracker
from cio_tui.identity.journal import OpState


def test_tracker_counts_rate_and_eta(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("cio_tui.identity.apply_events.time.monotonic", lambda: now[0])
    tracker = ProgressTracker(10, {"op-00001": OpState.DONE})
    now[0] = 102.0
    for i in range(2, 6):
        tracker.set(f"op-{i:05d}", OpState.DONE)
    tracker.set("op-00006", OpState.SKIPPED_STALE)
    tracker.sent = 4
    ev = tracker.snapshot()
    assert (ev.done, ev.total, ev.by_state) == (5, 10, {"done": 5, "skipped_stale": 1, "pending": 4})
    assert ev.rate == 2.0 and ev.eta_seconds == 2.5  # 4 finished in 2 s; 5 left
    assert ev.line() == "5/10 done pending=4 skipped_stale=1 | 2.0 op/s | ETA 2s"


def test_progress_line_prints_progress_only():
    out = io.StringIO()
    line = ProgressLine(out)
    line(OperationEvent("op-00001", "assign_id", "x", "done"))
    line(
        ProgressEvent(
            total=2, done=2, by_state={"done": 2}, rate=1.0, eta_seconds=0.0, elapsed=2.0, sent=2, finished=True
        )
    )
    assert out.getvalue() == "2/2 done | 1.0 op/s | ETA 0s\n"


def test_apply_tuning_names_every_apply_option() -> None:
    """``ApplyOptions.for_sandbox(**tuning)`` is typed by ``ApplyTuning``: it must keep the dataclass's fields."""
    from dataclasses import fields

    from cio_tui.identity.apply_events import ApplyOptions, ApplyTuning

    assert list(ApplyTuning.__annotations__) == [f.name for f in fields(ApplyOptions)]
