"""The stale check shown before an apply: read every person of a plan (bulk, 100 per call) and say, per operation,
whether it is still current, already in its target state, or stale (and why).

It reuses the engine's own comparisons (``identity.apply_checks``), so what the screen shows is what the engine
will decide a moment later. No Textual here: the Plan/Apply screen calls ``check_plan`` from a worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.apply_checks import STALE_MISSING, People, precondition_misses, stale_reason, target_misses
from cio_tui.identity.plan import Operation, Plan

READ_CHUNK = 100


@dataclass(frozen=True)
class OpCheck:
    op_id: str
    state: str  # "fresh" | "already_done" | "stale"
    detail: str = ""
    missing: bool = False  # stale because a person is not in the workspace at all (not "changed")


def check_operation(op: Operation, people: People) -> OpCheck:
    if op.target and not target_misses(op, people):
        return OpCheck(op.op_id, "already_done", "nothing to send")
    misses = precondition_misses(op, people)
    if misses:
        return OpCheck(op.op_id, "stale", "; ".join(misses), missing=stale_reason(op, people) == STALE_MISSING)
    return OpCheck(op.op_id, "fresh")


async def read_people(
    client: CioClient, cio_ids: list[str], progress: Callable[[int, int], None] | None = None
) -> People:
    """Everyone in ``cio_ids`` who exists, by cio_id; ``progress(read, total)`` after each bulk call."""
    people: People = {}
    for start in range(0, len(cio_ids), READ_CHUNK):
        chunk = cio_ids[start : start + READ_CHUNK]
        for person in await client.get_people([Identifier.cio(c) for c in chunk]):
            people[person.cio_id] = person
        if progress is not None:
            progress(min(start + READ_CHUNK, len(cio_ids)), len(cio_ids))
    return people


async def check_plan(
    client: CioClient, plan: Plan, progress: Callable[[int, int], None] | None = None
) -> list[OpCheck]:
    """One ``OpCheck`` per operation, in plan order."""
    cio_ids = list(dict.fromkeys(cid for op in plan.operations for cid in op.cio_ids))
    people = await read_people(client, cio_ids, progress)
    return [check_operation(op, people) for op in plan.operations]


def check_counts(checks: list[OpCheck]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for check in checks:
        counts[check.state] = counts.get(check.state, 0) + 1
    return counts


def check_summary(checks: list[OpCheck]) -> str:
    counts = check_counts(checks)
    parts = [f"{counts.get('fresh', 0)} up to date"]
    if counts.get("already_done"):
        parts.append(f"{counts['already_done']} already in target state (will not be sent)")
    missing = sum(1 for c in checks if c.missing)
    changed = counts.get("stale", 0) - missing
    if changed:
        parts.append(f"{changed} stale (the person changed since planning; will be skipped)")
    if missing:
        parts.append(f"{missing} stale (the person is not in this workspace; will be skipped)")
    text = "Checked just now: " + ", ".join(parts) + "."
    if missing and missing == len(checks):
        text += (
            " Nobody in this plan is in the open workspace: it was probably made from another workspace's export."
            " Open that workspace, or make the plan again from an export of this one."
        )
    return text
