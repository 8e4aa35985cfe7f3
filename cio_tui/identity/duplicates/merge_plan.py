"""Duplicate groups -> a Plan of merges (and the id fix-ups they need), for the apply engine to send.

Per merge-ready group, in order: one merge per secondary into the primary (both addressed by ``cio_id``), each
stating what it loses (the secondary is deleted; its attribute values where the primary holds a different one;
its email when the primary keeps another). When the primary holds no real id but a secondary did, an id fix-up
follows the merges (the secondary's id is free only once it is deleted): the survivor must keep the id the app sends.

Preconditions are those of ``identity.operations``, except that identifiers the primary did not hold when planned are
not required to stay empty: an earlier merge of the same group may fill them (attributes empty on the primary are
taken from the secondary), and that must not make the next operation stale.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from cio_tui.customerio.identifiers import normalize_email
from cio_tui.identity import operations as ops
from cio_tui.identity.duplicates.models import DuplicateGroup, Member
from cio_tui.identity.duplicates.rules import Confidence
from cio_tui.identity.plan import Loss, Operation, PersonState, Plan, PlanSource


class SkippedGroup(BaseModel):
    primary: str | None
    rule: str
    confidence: str
    why: str


class MergePlanBuild(BaseModel):
    plan: Plan
    merged_groups: int = 0
    skipped: list[SkippedGroup] = Field(default_factory=list)

    def summary_lines(self) -> list[str]:
        reasons: dict[str, int] = {}
        for s in self.skipped:
            reasons[s.why] = reasons.get(s.why, 0) + 1
        lines = [f"{self.merged_groups} group(s) planned: " + "; ".join(self.plan.summary().lines())]
        lines += [f"{n} group(s) left out: {why}" for why, n in sorted(reasons.items())]
        return lines


def skip_reason(group: DuplicateGroup, min_confidence: Confidence) -> str | None:
    """Why ``group`` stays out of the plan (None when it goes in)."""
    if group.stale:
        return "stale: the workspace changed since the groups were read (group them again)"
    if group.excluded:
        return "excluded by the operator"
    if group.confidence.rank < min_confidence.rank:
        return f"confidence below {min_confidence.value}"
    if any(not m.cio_id for m in group.members):
        return "a member has no cio_id"
    if group.needs_review and not group.forced:
        return "needs review (force the group to include it)"
    return None


def fix_up_id(group: DuplicateGroup) -> str | None:
    """The real id the survivor must carry after the merges, when the primary does not hold one itself."""
    if group.primary_member.real_id:
        return None
    holders = [m for m in group.secondaries if m.real_id and m.id]
    if not holders:
        return None
    by_default = [m for m in holders if m.cio_id == group.default_primary]
    return (by_default or holders)[0].id


def group_operations(group: DuplicateGroup) -> list[Operation]:
    """The operations of one group: merges into the primary, then the id fix-up if one is needed."""
    primary = group.primary_member
    out: list[Operation] = []
    for secondary in group.secondaries:
        op = ops.merge(
            primary.ref(), secondary.ref(), primary_person=primary.person(), secondary_person=secondary.person()
        )
        loses = list(op.loses)
        if secondary.email and primary.email and normalize_email(secondary.email) != normalize_email(primary.email):
            loses.append(
                Loss(
                    text=f"the secondary's email {secondary.email!r} is not kept (the primary keeps {primary.email!r})",
                    values={"email": secondary.email},
                )
            )
        real_lost = secondary.real_id and secondary.id and secondary.id != fix_up_id(group)
        if real_lost:
            loses.append(
                Loss(
                    text=f"the secondary's id {secondary.id!r} no longer names anyone; calls from the app with it "
                    "create a new person",
                    values={"id": secondary.id},
                )
            )
        out.append(_relax(op.model_copy(update={"loses": loses}), primary))
    new_id = fix_up_id(group)
    if new_id:
        ref = primary.ref()
        op = ops.assign_id(ref, new_id) if not primary.id else ops.change_identifiers(ref, new_id=new_id)
        out.append(_relax(op, primary))
    return out


def _known(state: PersonState, member: Member) -> PersonState:
    """Drop id/email expectations the member did not hold when planned (a merge may fill them)."""
    if state.cio_id != member.cio_id or not state.exists:
        return state
    fields = {k: v for k, v in state.fields.items() if not (k in ("id", "email") and v is None)}
    return state.model_copy(update={"fields": fields})


def _relax(op: Operation, primary: Member) -> Operation:
    return op.model_copy(
        update={
            "preconditions": [_known(s, primary) for s in op.preconditions],
            "target": [_known(s, primary) for s in op.target],
        }
    )


def build_merge_plan(
    groups: Iterable[DuplicateGroup],
    *,
    workspace_fingerprint: str,
    workspace_name: str,
    min_confidence: Confidence | str = Confidence.HIGH,
    source_note: str = "",
) -> MergePlanBuild:
    """A merge plan for every merge-ready group at or above ``min_confidence``; the others are listed as skipped."""
    min_conf = Confidence(min_confidence)
    operations: list[Operation] = []
    skipped: list[SkippedGroup] = []
    merged = 0
    for group in groups:
        why = skip_reason(group, min_conf)
        if why:
            skipped.append(
                SkippedGroup(primary=group.primary, rule=group.rule, confidence=group.confidence.value, why=why)
            )
            continue
        operations += group_operations(group)
        merged += 1
    description = f"merge {merged} duplicate group(s), confidence {min_conf.value} and above"
    if source_note:
        description += f", from {source_note}"
    plan = Plan.create(
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        source=PlanSource.MERGE_DUPLICATES,
        operations=operations,
        description=description,
    )
    return MergePlanBuild(plan=plan, merged_groups=merged, skipped=skipped)


__all__ = ["MergePlanBuild", "SkippedGroup", "build_merge_plan", "fix_up_id", "group_operations", "skip_reason"]
