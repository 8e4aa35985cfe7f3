"""A restore plan: put a person's identifiers and attributes back as the journal's before-snapshot shows them.

It is an ordinary plan (the existing ``identify`` and ``change_identifiers`` operations, applied, checked and
journaled by the normal engine), built from the snapshot the journal took just before an operation and the person
as they are now. What cannot be put back is said plainly instead of attempted:

- a person who no longer exists (a merge secondary, a deleted or suppressed person): Customer.io cannot bring a
  deleted person back; an identify would create a new person with a new cio_id and none of the history;
- an identifier the person did not have before: cio-tui has no documented request that removes an id or an email;
- an id or email that now belongs to someone else (restoring it would fail, or merge the two);
- attributes added since the snapshot (they did not exist before; removing them is left to the operator);
- a person who unsubscribed since: resubscribing is the person's choice, not a repair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier, normalize_email
from cio_tui.customerio.models import Person
from cio_tui.errors import UserError
from cio_tui.identity import operations as ops
from cio_tui.identity.journal import OpState
from cio_tui.identity.journal_search import PersonHit
from cio_tui.identity.plan import Operation, Plan
from cio_tui.identity.rows import holders_of_emails, holders_of_ids

RESTORE_SOURCE = "restore"
# Not attributes the operator set: Customer.io keeps them itself (or they are identifiers, handled apart).
NOT_RESTORED = {"id", "email", "cio_id", "created_at"}


class RestoreError(UserError, ValueError):
    """Nothing to restore from (no such person or operation in the journal); the message says what to do."""


@dataclass
class PersonRestore:
    """What can and cannot be put back for one person."""

    cio_id: str
    source: PersonHit
    operations: list[Operation] = field(default_factory=list)
    restores: list[str] = field(default_factory=list)
    cannot: list[str] = field(default_factory=list)


@dataclass
class RestoreBuild:
    people: list[PersonRestore]
    plan: Plan | None  # None when nothing can be restored

    def lines(self) -> list[str]:
        out: list[str] = []
        for p in self.people:
            hit = p.source
            out.append(f"cio_{p.cio_id}: back to before {hit.op_id} of plan {hit.plan_id[:12]} ({hit.summary})")
            out += [f"  restores: {line}" for line in p.restores]
            out += [f"  cannot restore: {line}" for line in p.cannot]
            if not p.restores and not p.cannot:
                out.append("  nothing to do: the person already matches the snapshot")
        return out


def pick_hit(hits: Sequence[PersonHit], *, plan_id: str | None = None, op_id: str | None = None) -> PersonHit:
    """The operation whose before-snapshot to restore: the given one, else the latest that changed the person."""
    chosen = [h for h in hits if (plan_id is None or h.plan_id == plan_id) and (op_id is None or h.op_id == op_id)]
    with_snapshot = [h for h in chosen if h.before is not None]
    if not with_snapshot:
        where = f" in plan {plan_id}" if plan_id else ""
        where += f", operation {op_id}" if op_id else ""
        raise RestoreError(
            f"the journal has no before-snapshot of this person{where}: snapshots are taken when an operation is "
            "checked just before sending; see `cio-tui journal search` for what was recorded"
        )
    applied = [h for h in with_snapshot if h.state in (OpState.DONE, OpState.RECONCILED)]
    return (applied or with_snapshot)[-1]


def _text(value: object) -> str:
    return "empty" if value in (None, "") else repr(value)


async def _restore_one(client: CioClient, hit: PersonHit, now: Person | None) -> PersonRestore:
    snap = hit.before or {}
    result = PersonRestore(cio_id=hit.cio_id, source=hit)
    if not snap.get("exists", True):
        result.cannot.append("the person did not exist before this operation: there is nothing to go back to")
        return result
    if now is None:
        was = "merged into another person and deleted" if hit.role == "secondary" else "deleted or suppressed"
        result.cannot.append(
            f"cio_{hit.cio_id} no longer exists (it was {was}); Customer.io cannot bring a deleted person back, "
            "and an identify would create a new person with a new cio_id and none of the history. Its identifiers "
            f"and attributes before are in the journal (id {_text(snap.get('id'))}, email {_text(snap.get('email'))})"
        )
        return result
    new_id, new_email = await _identifiers(client, snap, now, result)
    attrs = _attributes(snap, now, result)
    if snap.get("unsubscribed") is True and not now.unsubscribed:
        result.operations.append(ops.unsubscribe(now.ref))
        result.restores.append("unsubscribed again")
    elif snap.get("unsubscribed") is False and now.unsubscribed:
        result.cannot.append("the person unsubscribed since: resubscribing is the person's choice, not a repair")
    if attrs:  # attributes first: the identifier change after it would make its identity check stale
        result.operations.insert(0, ops.identify(now.ref, attrs, current=now))
    if new_id or new_email:
        result.operations.append(ops.change_identifiers(now.ref, new_id=new_id, new_email=new_email))
    return result


async def _identifiers(
    client: CioClient, snap: dict[str, Any], now: Person, result: PersonRestore
) -> tuple[str | None, str | None]:
    new: dict[str, str | None] = {"id": None, "email": None}
    for name in ("id", "email"):
        was, is_ = snap.get(name), getattr(now, name)
        same = (normalize_email(was) == normalize_email(is_)) if name == "email" and was and is_ else was == is_
        if same or (not was and not is_):
            continue
        if not was:
            result.cannot.append(
                f"the {name} {is_!r} stays: the person had no {name} before, and there is no documented request "
                f"that removes a {name}"
            )
            continue
        if name == "id":
            holder = (await holders_of_ids(client, [was])).get(was)
            others = [holder] if holder is not None and holder.cio_id != now.cio_id else []
        else:
            holders = await holders_of_emails(client, [was]) or {}
            others = [p for p in holders.get(normalize_email(was), []) if p.cio_id != now.cio_id]
        if others:
            result.cannot.append(
                f"the {name} {was!r} now belongs to cio_{others[0].cio_id}: restoring it would fail (or merge the "
                "two); restore or change that person first"
            )
            continue
        new[name] = was
        result.restores.append(f"{name} {_text(is_)} -> {was!r}")
    return new["id"], new["email"]


def _attributes(snap: dict[str, Any], now: Person, result: PersonRestore) -> dict[str, str]:
    before = {k: str(v) for k, v in (snap.get("attributes") or {}).items() if k not in NOT_RESTORED}
    current = {k: v for k, v in now.attributes.items() if k not in NOT_RESTORED}
    back = {k: v for k, v in before.items() if current.get(k) != v}
    for name in sorted(back):
        result.restores.append(f"attribute {name}: {_text(current.get(name))} -> {back[name]!r}")
    added = sorted(k for k, v in current.items() if k not in before and v not in (None, ""))
    if added:
        result.cannot.append(
            f"attribute(s) added since stay: {', '.join(added)} (they did not exist before; remove them in "
            "Customer.io if they must go)"
        )
    return back


async def plan_restore(
    client: CioClient,
    hits: Sequence[PersonHit],
    *,
    workspace_fingerprint: str,
    workspace_name: str,
    created_at: datetime | None = None,
) -> RestoreBuild:
    """One restore per hit (each person back to their snapshot before that hit's operation), read live first."""
    found = await client.get_people([Identifier.cio(h.cio_id) for h in hits]) if hits else []
    people = {p.cio_id: p for p in found}
    restores = [await _restore_one(client, hit, people.get(hit.cio_id)) for hit in hits]
    operations = [op for r in restores for op in r.operations]
    plan = None
    if operations:
        names = ", ".join(f"cio_{r.cio_id}" for r in restores if r.operations)
        first = hits[0]
        plan = Plan.create(
            workspace_fingerprint=workspace_fingerprint,
            workspace_name=workspace_name,
            source=RESTORE_SOURCE,
            description=f"restore {names} to before {first.op_id} of plan {first.plan_id}",
            operations=operations,
            created_at=created_at,
        )
    return RestoreBuild(people=restores, plan=plan)


__all__ = ["RESTORE_SOURCE", "PersonRestore", "RestoreBuild", "RestoreError", "pick_hit", "plan_restore"]
