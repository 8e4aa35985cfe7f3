"""Duplicate groups as the rest of the tool sees them, and the operator's choices on them.

Plain slotted dataclasses, not pydantic: a large workspace yields tens of thousands of groups and they are built
in one pass from DuckDB rows (validation would cost more than the whole analysis). Their JSON form is fixed by
``DuplicateGroup.to_json_dict`` (the ``cio-tui duplicates --json`` contract).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cio_tui.identity.duplicates.rules import RULES_BY_NAME, Confidence

if TYPE_CHECKING:  # imported where used: the --json path never builds them and must not import pydantic
    from cio_tui.customerio.models import Person, PersonRef


def format_ts(ts: int | None) -> str:
    return "unknown" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(slots=True)
class Member:
    """One person of a group, as the export shows them. ``created_at`` is epoch seconds (None when unknown)."""

    cio_id: str | None
    id: str | None
    email: str | None
    created_at: int | None
    real_id: bool
    attributes: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.id or self.email or f"cio_{self.cio_id}"

    def ref(self) -> PersonRef:
        from cio_tui.customerio.models import PersonRef

        if not self.cio_id:
            raise ValueError("this person has no cio_id in the export; they cannot be merged")
        return PersonRef(cio_id=self.cio_id, id=self.id, email=self.email)

    def person(self) -> Person:
        from cio_tui.customerio.models import Person

        return Person(cio_id=self.cio_id or "", id=self.id, email=self.email, attributes=dict(self.attributes))

    def to_json_dict(self) -> dict[str, Any]:
        return {"cio_id": self.cio_id, "id": self.id, "email": self.email, "created_at": self.created_at}


@dataclass(slots=True)
class DuplicateGroup:
    """People linked by one or more rules. ``members[0]`` is always the primary (the survivor of the merges)."""

    group_id: int
    rules: list[str]
    confidence: Confidence
    members: list[Member]
    evidence: str
    primary_reason: str
    review_reasons: list[str] = field(default_factory=list)
    default_primary: str | None = None
    excluded: bool = False
    forced: bool = False
    stale: str = ""  # why the group no longer matches the workspace (a member merged away or changed since read)

    def __post_init__(self) -> None:
        if self.default_primary is None:
            self.default_primary = self.primary

    # -- derived ----------------------------------------------------------------------------------
    @property
    def rule(self) -> str:
        """The rules that link the group, strongest first, joined by '+' (the JSON ``rule`` field)."""
        return "+".join(self.rules)

    @property
    def primary(self) -> str | None:
        return self.members[0].cio_id

    @property
    def primary_member(self) -> Member:
        return self.members[0]

    @property
    def secondaries(self) -> list[Member]:
        return self.members[1:]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reasons)

    @property
    def merge_ready(self) -> bool:
        """Included in a merge plan: not excluded, and either nothing to review or forced by the operator."""
        return (
            not self.stale
            and not self.excluded
            and (not self.needs_review or self.forced)
            and all(m.cio_id for m in self.members)
        )

    @property
    def real_ids(self) -> list[str]:
        return sorted({m.id for m in self.members if m.real_id and m.id})

    @property
    def reason(self) -> str:
        parts = [self.evidence, self.primary_reason, *self.review_reasons]
        if self.stale:
            parts.append(f"STALE: {self.stale}.")
        if self.excluded:
            parts.append("Excluded by the operator.")
        elif self.forced and self.needs_review:
            parts.append("Forced by the operator.")
        return " ".join(p for p in parts if p)

    @property
    def explanations(self) -> list[str]:
        return [RULES_BY_NAME[r].explanation for r in self.rules if r in RULES_BY_NAME]

    def member(self, cio_id: str) -> Member:
        for m in self.members:
            if m.cio_id == cio_id:
                return m
        raise KeyError(f"cio_{cio_id} is not in group {self.group_id}")

    def conflicts(self) -> dict[str, list[str | None]]:
        """Attributes (and id/email) whose non-empty values differ between members: name -> value per member."""
        names: list[str] = ["id", "email"]
        for m in self.members:
            names += [k for k in m.attributes if k not in names]
        out: dict[str, list[str | None]] = {}
        for name in names:
            values = [_value(m, name) for m in self.members]
            present = {v if name != "email" else v.strip().lower() for v in values if v not in (None, "")}
            if len(present) > 1:
                out[name] = values
        return out

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "confidence": self.confidence.value,
            "members": [m.to_json_dict() for m in self.members],
            "primary": self.primary,
            "reason": self.reason,
        }


def _value(m: Member, name: str) -> str | None:
    if name == "id":
        return m.id
    if name == "email":
        return m.email
    return m.attributes.get(name)


def choose_primary(group: DuplicateGroup, cio_id: str) -> DuplicateGroup:
    """Make ``cio_id`` the primary of ``group`` (in place) and explain the choice."""
    chosen = group.member(cio_id)
    if chosen is group.members[0]:
        return group
    rest = sorted(
        (m for m in group.members if m is not chosen),
        key=lambda m: (m.created_at is None, m.created_at or 0, m.cio_id or ""),
    )
    group.members = [chosen, *rest]
    if cio_id == group.default_primary:
        group.primary_reason = f"Primary cio_{cio_id}: the default choice, restored by the operator."
        return group
    note = f"Primary cio_{cio_id}: chosen by the operator (the default was cio_{group.default_primary})."
    real = [m for m in rest if m.real_id]
    if real and not chosen.real_id:
        note += (
            f" It does not hold the real id {real[0].id!r}; the plan sets that id on it after the merges so the "
            "survivor keeps the id the app sends."
        )
    group.primary_reason = note
    return group


def exclude_group(group: DuplicateGroup, excluded: bool = True) -> DuplicateGroup:
    """Leave ``group`` out of merge plans (or bring it back)."""
    group.excluded = excluded
    return group


def force_group(group: DuplicateGroup, forced: bool = True) -> DuplicateGroup:
    """Accept a group that needs review (e.g. two different real ids) into merge plans: the operator's call."""
    group.forced = forced
    return group


__all__ = ["DuplicateGroup", "Member", "choose_primary", "exclude_group", "force_group", "format_ts"]
