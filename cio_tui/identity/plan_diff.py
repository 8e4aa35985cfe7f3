"""What differs between a plan and the plan cio-tui would derive now from the same intent and the live people.

Shown by ``apply --allow-unsigned`` before anything is sent: each operation is rebuilt by its builder from its
kind, subject and attributes and the people as they are now, and every field that differs (summary, checks,
losses, target) is listed, so an edited precondition or target shows up next to what cio-tui would have planned.
"""

from __future__ import annotations

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person
from cio_tui.identity.operations import rebuild
from cio_tui.identity.plan import OpKind, Plan

COMPARED = ("summary", "preconditions", "loses", "target")


def differences(plan: Plan, people: dict[str, Person]) -> list[str]:
    """One line per difference, ``op_id field: in the plan ... / derived now ...``."""
    lines: list[str] = []
    for op in plan.operations:
        fresh = rebuild(op, people)
        if isinstance(fresh, str):
            lines.append(f"{op.op_id}: {fresh}")
            continue
        for name in COMPARED:
            have, want = getattr(op, name), getattr(fresh, name)
            if have != want:
                lines.append(f"{op.op_id} {name}: in the plan {_short(have)}; derived now {_short(want)}")
    return lines


async def fresh_differences(client: CioClient, plan: Plan) -> list[str]:
    """Read every person the plan names (bulk reads) and list the differences."""
    ids = {c for op in plan.operations for c in op.cio_ids}
    ids |= {op.subject.value for op in plan.operations if op.kind is not OpKind.UNSUPPRESS}
    people = {p.cio_id: p for p in await client.get_people([Identifier.cio(c) for c in sorted(ids)])} if ids else {}
    return differences(plan, people)


def _short(value: object, limit: int = 160) -> str:
    if isinstance(value, list):
        text = "[" + ", ".join(_short(v, limit) for v in value) + "]"
    elif hasattr(value, "model_dump"):
        text = str(value.model_dump(mode="json", exclude_defaults=True))
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["differences", "fresh_differences", "rebuild"]
