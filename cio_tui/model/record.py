"""What one operation did: the branch the engine took (``kind``), the people it touched and their roles, the
behaviours it relied on, and (when recording) each touched person's state before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cio_tui.model.behaviours import ASSUMED
from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.person import Person

IDENTIFIERS = ("cio_id", "id", "email", "phone")


@dataclass(frozen=True)
class PersonState:
    """A person's identifiers and attributes at one moment (``attributes`` include ``unsubscribed`` and
    ``created_at`` so a change to them shows)."""

    cio_id: str
    id: str | None
    email: str | None
    phone: str | None
    attributes: dict[str, Any]

    @classmethod
    def of(cls, p: Person) -> PersonState:
        attrs = dict(p.attrs)
        attrs["created_at"] = p.created_at
        attrs["unsubscribed"] = p.unsubscribed
        return cls(p.cio_id, p.id, p.email, p.phone, attrs)

    def identifiers(self) -> dict[str, str | None]:
        return {"cio_id": self.cio_id, "id": self.id, "email": self.email, "phone": self.phone}


@dataclass
class PersonChange:
    """One touched person: identifiers before/after (``None`` = did not exist) and the attributes that changed."""

    cio_id: str
    before: PersonState | None
    after: PersonState | None

    @property
    def created(self) -> bool:
        return self.before is None and self.after is not None

    @property
    def deleted(self) -> bool:
        return self.before is not None and self.after is None

    def changed_attributes(self) -> dict[str, tuple[Any, Any]]:
        b = self.before.attributes if self.before else {}
        a = self.after.attributes if self.after else {}
        keys = sorted(set(b) | set(a))
        return {k: (b.get(k), a.get(k)) for k in keys if b.get(k) != a.get(k)}

    def to_json(self) -> dict[str, Any]:
        changed = self.changed_attributes()
        return {
            "cio_id": self.cio_id,
            "before": {"identifiers": self.before.identifiers(), "attributes": {k: v[0] for k, v in changed.items()}}
            if self.before
            else None,
            "after": {"identifiers": self.after.identifiers(), "attributes": {k: v[1] for k, v in changed.items()}}
            if self.after
            else None,
        }


@dataclass(slots=True)
class OpRecord:
    """One Track operation (a v1 request, a v2 entity, or one item of a batch)."""

    kind: EffectKind = EffectKind.NO_CHANGE
    roles: dict[str, str] = field(default_factory=dict)  # cio_id -> role ("updated", "lead", "primary"...)
    behaviours: list[str] = field(default_factory=list)  # keys of BEHAVIOURS the outcome rests on
    details: list[str] = field(default_factory=list)
    activities: list[tuple[str, str, str | None]] = field(default_factory=list)  # (cio_id, type, name) added
    changes: list[PersonChange] = field(default_factory=list)
    error: str | None = None  # the 400 message when the operation was refused
    facts: dict[str, Any] = field(default_factory=dict)  # what a message needs: identifier shown, value refused

    @property
    def assumed(self) -> list[str]:
        return [k for k in self.behaviours if k in ASSUMED]


@dataclass
class Recorder:
    """Collects the before-state of every person an operation writes (only when ``on``: the sandbox does not)."""

    on: bool = False
    before: dict[str, PersonState | None] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def touch(self, cio_id: str, state: PersonState | None) -> None:
        if self.on and cio_id not in self.before:
            self.before[cio_id] = state
            self.order.append(cio_id)

    def reset(self) -> None:
        self.before = {}
        self.order = []
