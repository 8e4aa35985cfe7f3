"""The base of the engine's operations: lookups, recorded writes, and the outcome of the operation under way.

Every write goes through ``_create`` / ``_save`` / ``_delete`` / ``_activity`` so the ``OpRecord`` knows who was
touched (and, when recording, their state before). ``uses(key)`` names the behaviour (``behaviours.py``) a branch
applies; ``outcome(kind, ...)`` names the branch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.person import Person, Storage, norm_email
from cio_tui.model.record import OpRecord, PersonChange, PersonState, Recorder
from cio_tui.model.settings import WorkspaceSettings
from cio_tui.model.validation import Ident, InvalidRequest

TRUE_SPELLINGS = ("true", "1")


def truthy(value: object) -> bool:
    """``unsubscribed`` / ``_update``: ``true`` in any case, ``1`` and ``"1"`` are true; anything else is false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value == 1
    return isinstance(value, str) and value.strip().lower() in TRUE_SPELLINGS


def same(kind: str, a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return norm_email(a) == norm_email(b) if kind == "email" else a == b


def text(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def label(p: Person) -> str:
    names = [f"id {p.id}" if p.id else "", f"email {p.email}" if p.email else ""]
    return f"cio_{p.cio_id} ({', '.join(n for n in names if n) or 'no id or email'})"


def _no_behaviours(*keys: str) -> None:
    """``uses`` of an engine whose records need no behaviours (a replay reads outcomes, never which rows)."""


class Ops:
    def __init__(
        self,
        store: Storage,
        settings: Callable[[], WorkspaceSettings],
        clock: Callable[[], int],
        *,
        record: bool,
        behaviours: bool = True,
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.rec = OpRecord()
        self.recorder = Recorder(on=record)
        if not behaviours:  # the same branches run; only the naming of their rows is skipped
            self.uses = _no_behaviours  # type: ignore[method-assign]  # an instance's own no-op, not a subclass

    # -- the operation under way ---------------------------------------------------------------------
    def begin(self) -> None:
        self.rec = OpRecord()
        if self.recorder.on:  # off, it never holds anything (touch keeps nothing): no reset to pay per operation
            self.recorder.reset()

    def finish(self) -> OpRecord:
        rec = self.rec
        if self.recorder.on:
            for cio_id in self.recorder.order:
                after = self.store.by_cio(cio_id)
                rec.changes.append(
                    PersonChange(cio_id, self.recorder.before[cio_id], PersonState.of(after) if after else None)
                )
        return rec

    def uses(self, *keys: str) -> None:
        for key in keys:
            if key not in self.rec.behaviours:
                self.rec.behaviours.append(key)

    def outcome(self, kind: EffectKind, *people: tuple[Person, str], **facts: object) -> None:
        self.rec.kind = kind
        for p, role in people:
            self.rec.roles[p.cio_id] = role
        if facts:
            self.rec.facts.update(facts)

    def detail(self, sentence: str) -> None:
        if sentence not in self.rec.details:
            self.rec.details.append(sentence)

    # -- lookups ----------------------------------------------------------------------------------------
    def find(self, who: Ident, *, view: bool = False) -> list[Person]:
        """People an identifier names, oldest first (emails are not unique in ID-only or legacy data).
        ``view``: for a read that changes none of them (``Storage.holders``: no copies from memory)."""
        if view:
            if who.kind == "anonymous_id":
                return []
            if who.kind == "email":
                self.uses("email_case")
            return self.store.holders(who.kind, who.value)
        if who.kind == "cio_id":
            p = self.store.by_cio(who.value)
            return [p] if p else []
        if who.kind == "email":
            self.uses("email_case")
            return self.store.by_email(who.value)
        if who.kind == "phone":
            return self.store.by_phone(who.value)
        if who.kind == "anonymous_id":
            return []
        return self.store.by_id(who.value)

    def resolve(self, who: Ident, *, view: bool = False) -> Person | None:
        found = self.find(who, view=view)
        if len(found) > 1:
            self.uses("multiple_matches")
            self.detail(f"{len(found)} people have {who.kind} {who.value}: the oldest, {label(found[0])}, is used.")
        return found[0] if found else None

    def blocked(self, *idents: Ident | None) -> bool:
        is_suppressed = self.store.is_suppressed
        for i in idents:  # a loop, not any(genexpr): this runs on almost every operation
            if i is not None and is_suppressed(i.kind, i.value):
                return True
        return False

    # -- recorded writes ------------------------------------------------------------------------------------
    def _before(self, cio_id: str) -> None:
        if self.recorder.on and cio_id not in self.recorder.before:
            stored = self.store.by_cio(cio_id)
            self.recorder.touch(cio_id, PersonState.of(stored) if stored else None)

    def _create(self, *, id_: str | None, email: str | None, phone: str | None = None) -> Person:
        now = self.clock()
        p = self.store.insert_person(id=id_, email=email, phone=phone, created_at=now, attrs={})
        self.recorder.touch(p.cio_id, None)
        self._activity(p, "profile_create", None, now, {})
        return p

    def _save(self, p: Person) -> None:
        self._before(p.cio_id)
        self.store.save_person(p)

    def _delete(self, p: Person) -> None:
        self._before(p.cio_id)
        self.store.delete_person(p.cio_id)

    def _activity(self, p: Person, type_: str, name: str | None, ts: int, data: dict[str, Any]) -> None:
        self.store.add_activity(p.cio_id, type_, name, ts, data)
        self.rec.activities.append((p.cio_id, type_, name))

    def _fail(self, p: Person, attribute: str, value: object, reason: str, other: Person | None = None) -> None:
        """A failed attribute change: Customer.io answers 200 and logs the failure on the person."""
        data: dict[str, Any] = {"attribute": attribute, "value": value, "reason": reason}
        if other is not None:
            data["conflicting_cio_id"] = other.cio_id
        self._activity(p, "failed_attribute_change", attribute, self.clock(), data)


def refuse(message: str, field: str | None = None, reason: str = "invalid") -> InvalidRequest:
    return InvalidRequest(message, field, reason)
