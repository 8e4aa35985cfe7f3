"""What differs between a plan and the plan cio-tui would derive now from the same intent and the live people.

Shown by ``apply --allow-unsigned`` before anything is sent: each operation is rebuilt by its builder from its
kind, subject and attributes and the people as they are now, and every field that differs (summary, checks,
losses, target) is listed, so an edited precondition or target shows up next to what cio-tui would have planned.
"""

from __future__ import annotations

from typing import Any

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import Operation, OpKind, Plan

COMPARED = ("summary", "preconditions", "loses", "target")


def rebuild(op: Operation, people: dict[str, Person]) -> Operation | str:
    """The operation derived afresh, or why none can be (a person it names is gone)."""
    attrs = dict(op.attributes or {})
    if op.kind is OpKind.UNSUPPRESS:
        return ops.unsuppress(op.subject)
    subject = people.get(op.subject.value)
    if subject is None:
        return f"cio_{op.subject.value} does not exist now: a fresh plan would not contain this operation"
    ref = subject.ref
    if op.kind is OpKind.MERGE:
        assert op.secondary is not None
        other = people.get(op.secondary.value)
        if other is None:
            return f"cio_{op.secondary.value} does not exist now: a fresh plan would not contain this merge"
        return ops.merge(ref, other.ref, primary_person=subject, secondary_person=other)
    builders: dict[OpKind, Any] = {
        OpKind.ASSIGN_ID: lambda: ops.assign_id(ref, str(attrs.get("id"))),
        OpKind.CHANGE_ID: lambda: ops.change_identifiers(ref, new_id=attrs.get("id"), new_email=attrs.get("email")),
        OpKind.CHANGE_EMAIL: lambda: ops.change_identifiers(ref, new_email=attrs.get("email")),
        OpKind.DELETE: lambda: ops.delete(ref),
        OpKind.SUPPRESS: lambda: ops.suppress(ref),
        OpKind.UNSUBSCRIBE: lambda: ops.unsubscribe(ref),
        OpKind.IDENTIFY: lambda: ops.identify(ref, attrs, current=subject),
    }
    try:
        fresh: Operation = builders[op.kind]()
    except ValueError as exc:
        return f"cio-tui would not plan this operation: {exc}"
    return fresh


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
