"""The models of outcome prediction: the people a lookup returns (read into the what-if copy), and the predicted
``Outcome`` (one ``Effect`` per Actions request, with the state change it predicts)."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field

from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.settings import WorkspaceSettings


class KnownPerson(BaseModel):
    cio_id: str
    id: str | None = None
    email: str | None = None
    created_at: int | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    unsubscribed: bool = False

    def label(self) -> str:
        names = [f"id {self.id}" if self.id else "", f"email {self.email}" if self.email else ""]
        shown = ", ".join(n for n in names if n) or "no id or email"
        return f"cio_{self.cio_id} ({shown})"


class PeopleLookup(Protocol):
    """Read-only access to the real workspace (live or sandbox): the what-if copy is filled from it."""

    async def by_id(self, value: str) -> KnownPerson | None: ...
    async def by_email(self, email: str) -> list[KnownPerson]: ...
    async def by_cio_id(self, cio_id: str) -> KnownPerson | None: ...


class PersonMention(BaseModel):
    cio_id: str
    role: str  # e.g. "updated", "lead", "created", "primary", "secondary (deleted)", "event target"
    id: str | None = None
    email: str | None = None
    new: bool = Field(default=False, exclude=True)  # created by the what-if: not in the workspace yet


class StateChange(BaseModel):
    """One person touched: identifiers before/after (``None`` = did not exist) and the changed attributes."""

    cio_id: str
    before: dict[str, Any] | None = None  # {"identifiers": {...}, "attributes": {changed: old value}}
    after: dict[str, Any] | None = None  # {"identifiers": {...}, "attributes": {changed: new value}}


class Effect(BaseModel):
    action: str
    kind: EffectKind
    summary: str
    people: list[PersonMention] = Field(default_factory=list)
    details: list[str] = Field(default_factory=list)
    status: int = 200  # what Customer.io answers the request
    changes: list[StateChange] = Field(default_factory=list)
    assumed: list[str] = Field(default_factory=list)  # the assumed behaviours the outcome rests on


class Outcome(BaseModel):
    summary: str
    effects: list[Effect] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)

    @property
    def cio_ids(self) -> list[str]:
        return list(dict.fromkeys(p.cio_id for e in self.effects for p in e.people if not p.new))

    def to_json(self) -> dict[str, Any]:
        return {**self.model_dump(mode="json"), "cio_ids": self.cio_ids}


ASSUMPTIONS = [
    "Calls run in order on a what-if copy of the people they name, read from the workspace: later calls see what "
    "earlier ones did; nothing is written.",
    "Anonymous events already in the workspace cannot be read, so merges of earlier anonymous events are not "
    "predicted.",
]

__all__ = [
    "ASSUMPTIONS",
    "Effect",
    "KnownPerson",
    "Outcome",
    "PeopleLookup",
    "PersonMention",
    "StateChange",
    "WorkspaceSettings",
]
