"""The Plan: a versioned JSON document listing exactly which writes will be sent to one workspace.

A plan is built (leads, identifier fixes, duplicate merges...), reviewed, saved, and applied later by the apply
engine, which is the only code that sends writes. Each operation carries:

- ``preconditions``: the people it touches as they must be when it runs (by ``cio_id``: must exist, expected
  id/email); a person who changed since planning makes the operation *stale* and it is skipped, never forced;
- ``request``: the exact HTTP request it will send (built only from ``Identifier.path_segment()``/``.body()``);
- ``loses``: what it destroys or overwrites, in words and values;
- ``target``: the state that proves it took effect (used to verify, and to recognise "already done").

Operation builders live in ``identity/operations.py``, the kinds and the request each sends in
``identity/plan_kinds.py``; this module holds the document, its checks and its files.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from cio_tui.customerio.identifiers import Identifier, IdKind, normalize_email
from cio_tui.customerio.models import Person
from cio_tui.identity.plan_kinds import (
    IDEMPOTENT_KINDS,
    MERGE_PATH,
    OpKind,
    PlanError,
    PlannedRequest,
    derive_request,
)
from cio_tui.regions import fingerprint

PLAN_VERSION = 1
MAX_PLAN_BYTES = 64 * 1024 * 1024  # ~90,000 operations; a bigger file is refused before it is parsed


class PlanSource(StrEnum):
    CONVERT_LEADS = "convert-leads"
    FIX_IDENTIFIERS = "fix-identifiers"
    MERGE_DUPLICATES = "merge-duplicates"
    DELETE_SUPPRESS = "delete-suppress"
    MANUAL = "manual"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonState(_Model):
    """What one person must look like (a precondition) or will look like (a target), addressed by ``cio_id``.

    ``fields`` holds only the fields that are checked: ``"id"`` / ``"email"`` (``None`` = must be empty) and
    ``"unsubscribed"`` (bool). ``attributes`` are compared as the strings the App API returns. Emails compare
    case-insensitively.
    """

    cio_id: str
    exists: bool = True
    fields: dict[str, str | bool | None] = Field(default_factory=dict)
    attributes: dict[str, str] = Field(default_factory=dict)

    def mismatches(self, person: Person | None) -> list[str]:
        """Why ``person`` (None = not found) does not match this state; empty when it matches."""
        if person is None:
            return [f"cio_{self.cio_id} does not exist"] if self.exists else []
        if not self.exists:
            return [f"cio_{self.cio_id} still exists"]
        out: list[str] = []
        for name, want in self.fields.items():
            have: object = getattr(person, name, None) if name in ("id", "email", "unsubscribed") else None
            if name == "email" and isinstance(want, str) and isinstance(have, str):
                same = normalize_email(want) == normalize_email(have)
            elif name == "unsubscribed":
                same = bool(have) == bool(want)
            else:
                same = (have or None) == (want or None)
            if not same:
                out.append(f"{name} is {_show(have)}, expected {_show(want)}")
        for name, want in self.attributes.items():
            have = person.attributes.get(name)
            if have != want:
                out.append(f"attribute {name} is {_show(have)}, expected {_show(want)}")
        return out


def _show(value: object) -> str:
    return "empty" if value in (None, "") else repr(value)


def check_operation(op: Operation) -> None:
    """Refuse an operation whose request is not the one its kind, subject and attributes produce, or whose subject
    is not among the people it checks (the write must reach the person who was checked)."""
    try:
        expected = derive_request(op.kind, op.subject, op.secondary, op.attributes)
    except (PlanError, ValueError) as exc:
        raise PlanError(f"operation {op.op_id or '(new)'}: {exc}; make the plan again instead of editing it") from None
    if op.request != expected:
        raise PlanError(
            f"operation {op.op_id or '(new)'}: its request `{op.request.line()}` is not the one its kind "
            f"'{op.kind.value}', subject and attributes produce (`{expected.line()}`); the plan was edited. "
            "Make the plan again instead of editing it"
        )
    checked = {s.cio_id for s in [*op.preconditions, *op.target]}
    for who in (op.subject, op.secondary):
        if who is not None and who.kind is IdKind.CIO_ID and who.value not in checked:
            raise PlanError(
                f"operation {op.op_id or '(new)'}: it writes to cio_{who.value}, whom it never checks; "
                "the plan was edited. Make the plan again"
            )


class Loss(_Model):
    """Something the operation destroys or overwrites: a sentence and the values concerned."""

    text: str
    values: dict[str, str | None] = Field(default_factory=dict)


class Operation(_Model):
    """One write. ``subject`` is who the request addresses (the primary for a merge); ``secondary`` is the merged-away
    person; ``attributes`` is the identify body. ``request`` is derived from them when the operation is built."""

    op_id: str
    kind: OpKind
    summary: str
    subject: Identifier
    secondary: Identifier | None = None
    attributes: dict[str, Any] | None = None
    preconditions: list[PersonState] = Field(default_factory=list)
    request: PlannedRequest
    loses: list[Loss] = Field(default_factory=list)
    target: list[PersonState] = Field(default_factory=list)

    @model_validator(mode="after")
    def _counted(self, info: ValidationInfo) -> Operation:
        # A plan file read with ``progress`` (``Plan.from_json``) counts its operations as they are read.
        count = info.context.get("count_operation") if info.context else None
        if count is not None:
            count()
        return self

    @property
    def cio_ids(self) -> list[str]:
        """Every person this operation reads (preconditions and targets), in order, without repeats."""
        seen: dict[str, None] = {}
        for state in [*self.preconditions, *self.target]:
            seen.setdefault(state.cio_id, None)
        return list(seen)

    @property
    def verifiable(self) -> bool:
        return bool(self.target)


class PlanSummary(_Model):
    """Typed counts for UIs: total, per kind, people touched, operations that lose data."""

    total: int
    by_kind: dict[OpKind, int]
    people: int
    losing: int

    def lines(self) -> list[str]:
        parts = [f"{n} {kind.value}" for kind, n in self.by_kind.items()]
        return [
            f"{self.total} operation(s): " + (", ".join(parts) or "none"),
            f"{self.people} {'person' if self.people == 1 else 'people'} touched; {self.losing} operation(s) lose data",
        ]


class Plan(_Model):
    """``plan_id`` is the digest of the content; ``signature`` an HMAC of it with the workspace's plan key (see
    ``identity/signing.py``), so a plan edited after it was made is recognised even when its plan_id was redone."""

    version: int = PLAN_VERSION
    plan_id: str
    signature: str = ""
    workspace_fingerprint: str
    workspace_name: str
    created_at: datetime
    source: str
    description: str = ""
    operations: list[Operation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Plan:
        if self.version != PLAN_VERSION:
            raise PlanError(
                f"this plan is version {self.version}; this cio-tui reads version {PLAN_VERSION}. "
                "Make the plan again with this version"
            )
        ids = [op.op_id for op in self.operations]
        if len(set(ids)) != len(ids):
            raise PlanError("the plan has two operations with the same op_id; make the plan again")
        for op in self.operations:
            check_operation(op)
        digest = self.content_digest()
        if info.context and info.context.get("new"):
            object.__setattr__(self, "plan_id", digest)
        elif not self.plan_id:
            raise PlanError("the plan has no plan_id; it was not made by cio-tui or was edited. Make the plan again")
        elif not hmac.compare_digest(self.plan_id, digest):
            raise PlanError(
                "the plan file was changed after it was made (its content no longer matches its plan_id); "
                "make the plan again instead of editing it"
            )
        return self

    def content_digest(self) -> str:
        data = self.model_dump(mode="json", exclude={"plan_id", "signature"})
        raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    @classmethod
    def create(
        cls,
        *,
        workspace_fingerprint: str,
        workspace_name: str,
        source: str | PlanSource,
        operations: list[Operation],
        description: str = "",
        created_at: datetime | None = None,
    ) -> Plan:
        """Build a plan; operations without an ``op_id`` are numbered ``op-00001``... in order."""
        operations = [
            op if op.op_id else op.model_copy(update={"op_id": f"op-{i:05d}"})
            for i, op in enumerate(operations, start=1)
        ]
        return cls.model_validate(
            {
                "plan_id": "",
                "workspace_fingerprint": workspace_fingerprint,
                "workspace_name": workspace_name,
                "created_at": (created_at or datetime.now(UTC)).replace(microsecond=0),
                "source": str(source),
                "description": description,
                "operations": operations,
            },
            context={"new": True},
        )

    def summary(self) -> PlanSummary:
        counts = Counter(op.kind for op in self.operations)
        people = {cid for op in self.operations for cid in op.cio_ids}
        return PlanSummary(
            total=len(self.operations),
            by_kind={k: counts[k] for k in OpKind if counts[k]},
            people=len(people),
            losing=sum(1 for op in self.operations if op.loses),
        )

    def operation(self, op_id: str) -> Operation:
        for op in self.operations:
            if op.op_id == op_id:
                return op
        raise KeyError(op_id)

    # -- files ----------------------------------------------------------------------------------------
    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, *, max_bytes: int = MAX_PLAN_BYTES, progress: Progress | None = None) -> Plan:
        """The plan in ``text``, every operation checked; ``progress(done, total)`` hears how many operations have
        been read (``total`` counted ahead from the text, so a bar can move while the file is parsed)."""
        if len(text) > max_bytes:
            raise PlanError(_too_big(len(text), max_bytes))
        try:
            if progress is None:
                return cls.model_validate_json(text)
            plan = cls.model_validate_json(text, context={"count_operation": _Counter(text, progress)})
            progress(len(plan.operations), len(plan.operations))
            return plan
        except PlanError:
            raise
        except ValidationError as exc:
            first = exc.errors()[0]
            ctx = first.get("ctx", {}).get("error")
            if isinstance(ctx, PlanError):
                raise ctx from None
            where = ".".join(str(p) for p in first.get("loc", ()))
            if where == "kind" and b'"segment"' in (text if isinstance(text, bytes) else text.encode()):
                raise PlanError(  # a Segment cut-over/rollback plan (cio_tui.cutover) has its own engine
                    "this is a Segment plan (cut-over or rollback): apply it with `cio-tui apply FILE` or from the "
                    "Walkthrough's cut-over step"
                ) from None
            what = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))  # no field: the whole file
            raise PlanError(f"not a valid cio-tui plan ({what}); make one with `cio-tui plan ... --out FILE`") from None


Progress = Callable[[int, int], None]
PROGRESS_EVERY = 100  # operations between two reports while a plan file is read


class _Counter:
    """Counts operations as pydantic reads them and reports every ``PROGRESS_EVERY`` (a report may cross threads)."""

    def __init__(self, text: str | bytes, report: Progress) -> None:
        # Each operation has one "op_id" key; the same quoted word inside a value is escaped (\"op_id\"), so only
        # a nested attribute named op_id could count twice: the total is then a little high, never low.
        key = '"op_id"'
        self.total = max(1, text.count(key.encode()) if isinstance(text, bytes) else text.count(key))
        self.done, self.report = 0, report

    def __call__(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self.report(min(self.done, self.total), self.total)


def _too_big(size: int, limit: int) -> str:
    return (
        f"the plan is {size / 1e6:.1f} MB; cio-tui reads plans up to {limit / 1e6:.0f} MB. "
        "Make smaller plans (for example from a part of the CSV) and apply them one after the other"
    )


def save_plan(plan: Plan, path: str | Path, *, key: bytes | None = None) -> Path:
    """Write the plan as JSON, owner-only (0600), atomically (a temp file renamed over the target), signed with
    ``key`` (the workspace's plan key, ``Workspace.plan_key()``) so that ``apply`` can tell it was not edited."""
    from cio_tui.private_files import write_private

    if key is not None:
        from cio_tui.identity.signing import sign_plan

        plan = sign_plan(plan, key)

    path = Path(path)
    if not path.parent.is_dir():
        raise PlanError(f"cannot write the plan to {path}: the folder {path.parent} does not exist; create it first")
    return write_private(path, plan.to_json())


def load_plan(path: str | Path, *, max_bytes: int = MAX_PLAN_BYTES, progress: Progress | None = None) -> Plan:
    path = Path(path)
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, 2)
            if size > max_bytes:  # refused before reading it: a huge file must not be parsed whole
                raise PlanError(_too_big(size, max_bytes))
            fh.seek(0)
            raw = fh.read()
    except FileNotFoundError:
        raise PlanError(f"no plan file at {path}; make one with `cio-tui plan ...`") from None
    except IsADirectoryError:
        raise PlanError(f"{path} is a folder, not a plan file") from None
    except OSError as exc:
        raise PlanError(f"cannot read the plan file {path}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(f"the plan file {path} is not UTF-8 (byte {exc.start}); it is not a cio-tui plan") from None
    return Plan.from_json(text, max_bytes=max_bytes, progress=progress)


__all__ = [
    "IDEMPOTENT_KINDS",
    "MAX_PLAN_BYTES",
    "MERGE_PATH",
    "PLAN_VERSION",
    "check_operation",
    "derive_request",
    "Loss",
    "OpKind",
    "Operation",
    "PersonState",
    "Plan",
    "PlanError",
    "PlanSource",
    "PlanSummary",
    "PlannedRequest",
    "fingerprint",
    "load_plan",
    "save_plan",
]
