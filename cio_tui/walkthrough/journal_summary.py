"""Read the workspace's apply journal (``cio_tui.identity.journal``) into what the walkthrough shows and reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from cio_tui.walkthrough.history import AppliedPlan, JournalSummary


def journal_summary(data_dir: Path) -> JournalSummary:
    """Plans applied to this workspace with their operation counts; an empty summary when nothing was journaled."""
    from cio_tui.identity.journal import JOURNAL_FILE, Journal

    path = Path(data_dir) / JOURNAL_FILE
    if not path.exists():
        return JournalSummary(lines=["No plan has been applied to this workspace yet."])
    with Journal(path) as journal:
        records = journal.plans()
    plans = [
        AppliedPlan(
            plan_id=r.plan_id,
            source=r.source,
            description=r.description,
            operations=r.total,
            by_state=dict(r.states),
            started_at=r.registered_at,
            finished_at=r.last_at,
            complete=r.complete,
        )
        for r in records
    ]
    totals: Counter[str] = Counter()
    for p in plans:
        totals.update(p.by_state)
    lines = [
        f"{len(plans)} plan(s) in the journal, {sum(1 for p in plans if p.done)} fully applied",
        "operations by state: " + (", ".join(f"{n} {s}" for s, n in sorted(totals.items())) or "none"),
    ]
    in_doubt = totals.get("sent", 0) + totals.get("uncertain", 0)
    if in_doubt:
        lines.append(f"{in_doubt} operation(s) in doubt: resume the apply to reconcile them")
    return JournalSummary(plans=plans, lines=lines)
