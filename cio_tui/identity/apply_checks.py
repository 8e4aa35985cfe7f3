"""Pure checks of the apply engine: which workspace a plan belongs to, and how people compare to an operation."""

from __future__ import annotations

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
