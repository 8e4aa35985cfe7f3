"""The engine's records: a person and the storage interface the engine runs over (SQLite in the sandbox, memory
for a what-if copy). Storage knows rows, not rules: the engine decides what a request does."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol


def norm_email(value: str | None) -> str | None:
    return value.strip().lower() if value else None


@dataclass
class Person:
    pk: int
    cio_id: str
    id: str | None
    email: str | None
    created_at: int
    updated_at: int
    unsubscribed: bool = False
    attrs: dict[str, Any] = field(default_factory=dict)
    phone: str | None = None
    last_ts: int | None = None  # payload timestamp of the last applied attribute update (v2 ordering)

    def copy(self) -> Person:
        # the instance dict copied, then its attributes: half the cost of building one through __init__ (copies
        # happen on every read), and twice less than dataclasses.replace
        new = object.__new__(type(self))
        fields = self.__dict__.copy()
        fields["attrs"] = dict(self.attrs)
        new.__dict__ = fields
        return new


# Activity rows as storage returns them: (pk, type, name, timestamp, data)
ActivityRow = tuple[int, str, str | None, int, dict[str, Any]]


class Storage(Protocol):
    """What the engine needs of a workspace store. Every read returns copies: the engine mutates a ``Person`` and
    hands it back to ``save_person``. ``tx()`` groups one request (SQLite rolls it back on an exception; the
    engine validates before it writes, so a memory store needs no rollback)."""

    def tx(self) -> AbstractContextManager[Any]: ...

    # people
    def by_cio(self, cio_id: str) -> Person | None: ...
    def by_id(self, value: str) -> list[Person]: ...
    def by_email(self, value: str) -> list[Person]: ...
    def by_phone(self, value: str) -> list[Person]: ...
    def by_anonymous_id(self, value: str) -> list[Person]: ...
    def holders(self, kind: str, value: str) -> list[Person]:
        """The people ``kind`` (cio_id, id, email, phone) ``value`` names, oldest first, for a read that changes
        none of them: a memory store may hand its own records (no copies)."""
        ...

    def insert_person(
        self,
        *,
        id: str | None,  # noqa: A002 - Customer.io's field name
        email: str | None,
        created_at: int,
        attrs: dict[str, Any],
        unsubscribed: bool = False,
        phone: str | None = None,
    ) -> Person: ...
    def save_person(self, p: Person) -> None: ...
    def delete_person(self, cio_id: str) -> None: ...
    def move_history(self, src: str, dst: str, *, events_since: int | None) -> None: ...

    # activities, events
    def add_activity(self, cio_id: str, type_: str, name: str | None, ts: int, data: dict[str, Any]) -> int: ...
    def seen_event_id(self, event_id: str) -> bool: ...
    def remember_event_id(self, event_id: str) -> None: ...
    def add_anonymous_event(self, anonymous_id: str, type_: str, name: str, ts: int, data: dict[str, Any]) -> None: ...
    def take_anonymous_events(self, anonymous_id: str, since: int) -> list[tuple[str, str, int, dict[str, Any]]]: ...
    def add_metric(self, delivery_id: str, metric: str, ts: int, data: dict[str, Any]) -> None: ...

    # devices
    def upsert_device(self, cio_id: str, device_id: str, platform: str | None, last_used: int | None) -> None: ...
    def delete_device(self, cio_id: str, device_id: str) -> None: ...
    def devices(self, cio_id: str) -> list[tuple[str, str | None, int | None]]: ...

    # suppressions
    def suppress(self, identifiers: list[tuple[str, str]]) -> None: ...
    def is_suppressed(self, kind: str, value: str) -> bool: ...
    def unsuppress(self, kind: str, value: str) -> bool: ...

    # objects and relationships (``who`` is ``cio:<cio_id>`` or ``anon:<anonymous_id>``)
    def upsert_object(self, type_id: str, object_id: str, attrs: dict[str, Any]) -> bool: ...
    def delete_object(self, type_id: str, object_id: str) -> bool: ...
    def relate(self, type_id: str, object_id: str, who: str, attrs: dict[str, Any]) -> None: ...
    def unrelate(self, type_id: str, object_id: str, who: str) -> bool: ...
    def move_relationships(self, src: str, dst: str) -> None: ...
