"""A Segment plan: the ordered Public API writes of a cut-over or a rollback, reviewed before they are applied.

The document has the envelope of a people plan (version, ``plan_id`` = content digest, workspace fingerprint and name,
created time, source, description) plus ``kind: "segment"``, so ``cio-tui apply`` recognises it and the journal
records it like any plan. Each operation carries:

- ``request``: the exact request (``PlannedRequest`` with ``api="segment"``: method, path, body). Two kinds of
  placeholder are resolved at apply time and shown as such in the review: ``{ref:op-00001}`` in a path is the id of
  the object op-00001 created (unknown when planning), and ``{"$secret": "classic.apiKey", "sha256": ...}`` in a body
  is the classic destination's API key, read live and checked against its digest (secrets never enter a plan file);
- ``expect``: the state of the destinations it touches as read when planning (stale -> the plan is refused);
- ``find``: how to recognise what it creates or the state it sets, so that a create is never sent twice: before
  sending, and when reconciling a write whose answer was lost, the engine looks for it first;
- ``changes``: what it changes, in words.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cio_tui.identity.plan import PlanError, PlannedRequest

SEGMENT_PLAN_VERSION = 1
REF = re.compile(r"\{ref:(op-\d{5})\}")
SegmentPlanSource = Literal["segment-cutover", "segment-rollback"]
SegmentPlanMethod = Literal["one-step", "filters", "prepare", "rollback"]  # prepare: everything but the switch
OpKind = Literal["create_destination", "create_subscription", "create_filter", "update_destination", "remove_filter"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def digest(value: object) -> str:
    raw = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


class Expect(_Model):
    """A destination as it must be before the operation runs (``None`` fields are not checked)."""

    destination_id: str
    label: str
    enabled: bool | None = None
    settings_digest: str | None = None
    filters: dict[str, str] = Field(default_factory=dict)  # filter id -> digest: each must still exist unchanged


class Find(_Model):
    """What the operation leaves behind, to recognise it: by kind of object and a few identifying fields."""

    object: Literal["destination", "subscription", "filter"]
    destination: str | None = None  # a destination id or ``{ref:op-...}`` (the parent, for subscriptions/filters)
    match: dict[str, Any] = Field(default_factory=dict)  # fields that identify it (name, actionId, title...)
    absent: bool = False  # the operation's target is that no such object exists (a removal)
    enabled: bool | None = None  # for updates: the destination's ``enabled`` afterwards


class SegmentOperation(_Model):
    op_id: str
    kind: OpKind
    summary: str
    request: PlannedRequest
    expect: list[Expect] = Field(default_factory=list)
    find: Find
    changes: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # e.g. the preview's findings beside a preset

    def refs(self) -> list[str]:
        return REF.findall(self.request.path + (self.find.destination or ""))

    @property
    def loses(self) -> list[Any]:  # the people-plan review lists losses; a Segment write loses none
        return []


class SegmentPlan(_Model):
    kind: Literal["segment"] = "segment"
    version: int = SEGMENT_PLAN_VERSION
    plan_id: str = ""
    signature: str = ""  # HMAC with the workspace's plan key (identity.signing), as people plans have
    workspace_fingerprint: str
    workspace_name: str
    created_at: datetime
    source: SegmentPlanSource
    description: str = ""
    segment_source_id: str
    classic_destination_id: str
    method: SegmentPlanMethod
    cutover_at: datetime | None = None
    operations: list[SegmentOperation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> SegmentPlan:
        if self.version != SEGMENT_PLAN_VERSION:
            raise PlanError(
                f"this Segment plan is version {self.version}; this cio-tui reads version "
                f"{SEGMENT_PLAN_VERSION}. Make the plan again with this version"
            )
        ids = [op.op_id for op in self.operations]
        if len(set(ids)) != len(ids):
            raise PlanError("the plan has two operations with the same op_id; make the plan again")
        for op in self.operations:
            for ref in op.refs():
                if ref not in ids[: ids.index(op.op_id)]:
                    raise PlanError(f"{op.op_id} refers to {ref}, which is not an earlier operation of the plan")
        d = self.content_digest()
        if not self.plan_id:
            object.__setattr__(self, "plan_id", d)
        elif self.plan_id != d:
            raise PlanError(
                "the plan file was changed after it was made (its content no longer matches its "
                "plan_id); make the plan again instead of editing it"
            )
        return self

    def content_digest(self) -> str:
        return digest(self.model_dump(mode="json", exclude={"plan_id", "signature"}))

    @classmethod
    def create(
        cls,
        *,
        operations: list[SegmentOperation],
        workspace_fingerprint: str,
        workspace_name: str,
        source: SegmentPlanSource,
        segment_source_id: str,
        classic_destination_id: str,
        method: SegmentPlanMethod,
        description: str = "",
        cutover_at: datetime | None = None,
        created_at: datetime | None = None,
    ) -> SegmentPlan:
        return cls(
            created_at=(created_at or datetime.now(UTC)).replace(microsecond=0),
            operations=operations,
            workspace_fingerprint=workspace_fingerprint,
            workspace_name=workspace_name,
            source=source,
            segment_source_id=segment_source_id,
            classic_destination_id=classic_destination_id,
            method=method,
            description=description,
            cutover_at=cutover_at,
        )

    def operation(self, op_id: str) -> SegmentOperation:
        for op in self.operations:
            if op.op_id == op_id:
                return op
        raise KeyError(op_id)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    def summary_lines(self) -> list[str]:
        counts: dict[str, int] = {}
        for op in self.operations:
            counts[op.kind] = counts.get(op.kind, 0) + 1
        parts = ", ".join(f"{n} {k}" for k, n in counts.items()) or "nothing to do"
        return [f"{len(self.operations)} Segment operation(s): {parts}"]


def is_segment_plan_text(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("kind") == "segment"


def save_segment_plan(plan: SegmentPlan, path: str | Path, *, key: bytes | None = None) -> Path:
    """Write the plan (signed with the workspace's plan ``key`` when given) atomically, readable by its owner only."""
    if key is not None:
        from cio_tui.identity.signing import sign_plan

        plan = sign_plan(plan, key)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(plan.to_json(), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)
    return path


def load_segment_plan(path: str | Path) -> SegmentPlan:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"no plan file at {path}; make one with `cio-tui plan cutover` or `plan rollback`") from None
    try:
        return SegmentPlan.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        ctx = first.get("ctx", {}).get("error")
        if isinstance(ctx, PlanError):
            raise ctx from None
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise PlanError(f"not a valid cio-tui Segment plan ({where}: {first.get('msg')})") from None


__all__ = [
    "REF",
    "Expect",
    "Find",
    "SegmentOperation",
    "SegmentPlan",
    "digest",
    "is_segment_plan_text",
    "load_segment_plan",
    "save_segment_plan",
]
