"""Pure checks of the apply engine: which workspace a plan belongs to, and how people compare to an operation."""

from __future__ import annotations

from collections import deque
from typing import Any

from cio_tui.customerio.models import Person
from cio_tui.identity.apply_events import WrongWorkspaceError
from cio_tui.identity.plan import Operation, Plan

People = dict[str, Person]


def check_workspace(plan: Plan, fingerprint: str, name: str) -> None:
    if plan.workspace_fingerprint != fingerprint:
        raise WrongWorkspaceError(
            f"this plan was made for workspace '{plan.workspace_name}' ({plan.workspace_fingerprint}), but the open "
            f"workspace is '{name}' ({fingerprint}). Open the plan's workspace (--profile NAME) or make a new plan"
        )


def snapshot(op: Operation, people: People) -> list[dict[str, Any]]:
    out = []
    for cid in op.cio_ids:
        p = people.get(cid)
        out.append(p.model_dump(mode="json") | {"exists": True} if p else {"cio_id": cid, "exists": False})
    return out


def target_misses(op: Operation, people: People) -> list[str]:
    return [m for s in op.target for m in s.mismatches(people.get(s.cio_id))]


def precondition_misses(op: Operation, people: People) -> list[str]:
    return [m for s in op.preconditions for m in s.mismatches(people.get(s.cio_id))]


def take_batch(todo: deque[Operation], busy: set[str], size: int) -> list[Operation]:
    """Take the next operations in plan order, none touching a person in ``busy`` or already in the batch (those
    stay at the front of ``todo``, in order), so one person's operations never run concurrently or out of order."""
    batch: list[Operation] = []
    held = set(busy)
    skipped: list[Operation] = []
    while todo and len(batch) < size:
        op = todo.popleft()
        if held.intersection(op.cio_ids):
            skipped.append(op)
            continue
        held.update(op.cio_ids)
        batch.append(op)
    todo.extendleft(reversed(skipped))
    return batch
