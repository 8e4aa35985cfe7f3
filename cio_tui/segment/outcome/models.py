"""The models of outcome prediction: the people a lookup returns, the workspace settings that change how
identifiers resolve, and the predicted ``Outcome`` (one ``Effect`` per Actions request)."""

from __future__ import annotations

from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field


class KnownPerson(BaseModel):
    cio_id: str
    id: str | None = None
    email: str | None = None
    created_at: int | None = None

    def label(self) -> str:
        names = [f"id {self.id}" if self.id else "", f"email {self.email}" if self.email else ""]
        shown = ", ".join(n for n in names if n) or "no id or email"
        return f"cio_{self.cio_id} ({shown})"


class PeopleLookup(Protocol):
    async def by_id(self, value: str) -> KnownPerson | None: ...
    async def by_email(self, email: str) -> list[KnownPerson]: ...
    async def by_cio_id(self, cio_id: str) -> KnownPerson | None: ...


class WorkspaceSettings(BaseModel):
    mode: Literal["email_or_id", "id_only"] = "email_or_id"
    auto_merge: bool = True
    email_update_by_id: bool = False


class PersonMention(BaseModel):
    cio_id: str
    role: str  # e.g. "updated", "lead", "conflict", "primary", "secondary", "deleted", "event target"
    id: str | None = None
    email: str | None = None


class Effect(BaseModel):
    action: str
    kind: str
    summary: str
    people: list[PersonMention] = Field(default_factory=list)
    details: list[str] = Field(default_factory=list)


class Outcome(BaseModel):
    summary: str
    effects: list[Effect] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)

    @property
    def cio_ids(self) -> list[str]:
        return list(dict.fromkeys(p.cio_id for e in self.effects for p in e.people))

    def to_json(self) -> dict[str, Any]:
        return {**self.model_dump(mode="json"), "cio_ids": self.cio_ids}


ASSUMPTIONS = [
    "Each call is predicted against the workspace as it is now; of the earlier calls in the paste only the people "
    "they create are taken into account.",
    "Track v2 identify is assumed to resolve like v1 PUT /customers/{id} with the email in the body "
    "(customerio-api.md §4, unconfirmed).",
]


def effect(
    slug: str, kind: str, summary: str, *people: tuple[KnownPerson, str], details: list[str] | None = None
) -> Effect:
    """The effect of the request of action ``slug``, naming each ``(person, role)`` it touches."""
    mentions = [PersonMention(cio_id=p.cio_id, role=role, id=p.id, email=p.email) for p, role in people]
    return Effect(action=slug, kind=kind, summary=summary, people=mentions, details=details or [])


def updates(slug: str, person: KnownPerson, details: list[str] | None = None) -> Effect:
    """The call names one existing person and changes none of their identifiers."""
    return effect(slug, "updates_person", f"Updates {person.label()}.", (person, "updated"), details=details)


def ambiguous(slug: str, people: list[KnownPerson], summary: str, details: list[str] | None = None) -> Effect:
    """The identifier names several people (same email)."""
    return effect(slug, "ambiguous", summary, *((p, "same email") for p in people), details=details)
