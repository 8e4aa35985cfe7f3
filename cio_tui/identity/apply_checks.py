"""Helpers of the apply engine: which workspace a plan belongs to, how people compare to an operation, which
operations go in the next batch, and the per-operation client calls (send, explain a failure)."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import CustomerIOError
from cio_tui.customerio.models import Person
from cio_tui.identity.apply_events import WrongWorkspaceError
from cio_tui.identity.plan import Operation

People = dict[str, Person]


class MadeFor(Protocol):
    """The workspace a plan (people or Segment) was made for."""

    @property
    def workspace_fingerprint(self) -> str: ...
    @property
    def workspace_name(self) -> str: ...


def check_workspace(plan: MadeFor, fingerprint: str, name: str) -> None:
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


STALE_CHANGED = "stale (the person changed since planning)"
STALE_MISSING = "stale (the person is not in this workspace: deleted since planning, or planned from another workspace)"


def stale_reason(op: Operation, people: People) -> str:
    """The reason group of a stale operation: a person who is not found at all is not "changed since planning"
    (a plan made from another workspace's export finds nobody), so the two are told apart."""
    missing = any(s.exists and s.cio_id not in people for s in op.preconditions)
    return STALE_MISSING if missing else STALE_CHANGED


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


async def send_operation(client: CioClient, op: Operation, gate: Callable[[], Awaitable[bool]] | None = None) -> None:
    """Send the operation's planned request, exactly as reviewed and journaled, through the client's one call
    (which dispatches on ``op.request.api``). Nothing is rebuilt here from the other fields. ``gate`` is checked
    right before the request leaves (after the rate limiter), so pause and cancel stop what is queued there."""
    await client.send_planned(op.request, label=op.kind.value, gate=gate)


async def explain_failure(client: CioClient, op: Operation) -> str:
    """Why a write did not apply, from the person's recent ``failed_attribute_change`` activities."""
    try:
        acts = await client.activities(op.subject, activity_type="failed_attribute_change", limit=3)
    except CustomerIOError:
        return ""
    if not acts:
        return " (no failed_attribute_change recorded yet)"
    latest = max(acts, key=lambda a: a.timestamp)
    reason = latest.data.get("reason") or latest.data.get("message") or latest.name or latest.data
    return f". Customer.io recorded failed_attribute_change: {reason}"
