"""``MemoryStorage``: the engine's storage in memory, for what-if copies and replays.

Per-person records with indexes by id, email (normalised), phone, cio_id and anonymous_id: a lookup is a dict hit,
and nothing copies the whole state. New people get cio_ids ``new1``, ``new2``... unless a prefix is given.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from cio_tui.model.person import Person, norm_email


class MemoryStorage:
    def __init__(self, *, cio_prefix: str = "new", keep_history: bool = True) -> None:
        """``keep_history=False`` (replays of millions of calls): activities are counted, not kept, so memory
        stays proportional to the people, not to the events."""
        self.people: dict[str, Person] = {}  # cio_id -> person (the stored version; reads return copies)
        self._index: dict[tuple[str, str], list[str]] = {}  # (kind, value) -> cio_ids, oldest first
        self._keys: dict[str, list[tuple[str, str]]] = {}  # cio_id -> its index keys
        self._next = 1  # the next pk (unique; orders people created in the same second)
        self._named = 0  # the number in the next new person's cio_id
        self._prefix = cio_prefix
        self.activities: dict[str, list[tuple[int, str, str | None, int, dict[str, Any]]]] = {}
        self.event_ids: set[str] = set()
        self.anonymous_events: dict[str, list[tuple[str, str, int, dict[str, Any]]]] = {}
        self.metrics: list[tuple[str, str, int, dict[str, Any]]] = []
        self.device_rows: dict[str, dict[str, tuple[str | None, int | None]]] = {}
        self.suppressions: dict[tuple[str, str], int] = {}
        self._groups = 0
        self.objects: dict[tuple[str, str], dict[str, Any]] = {}
        self.relationships: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._activity_pk = 0
        self.keep_history = keep_history
        self._tx = nullcontext(self)  # reusable: entering it only returns the storage

    # -- transactions: the engine validates before it writes, so there is nothing to roll back ----------
    def tx(self) -> AbstractContextManager[MemoryStorage]:
        return self._tx  # one object, not a generator each time: this runs for every operation of a replay

    # -- people ---------------------------------------------------------------------------------------
    @staticmethod
    def _keys_of(p: Person) -> list[tuple[str, str]]:
        keys = [("id", p.id)] if p.id is not None else []
        if p.email:
            keys.append(("email", norm_email(p.email) or ""))
        if p.phone:
            keys.append(("phone", p.phone))
        anon = p.attrs.get("anonymous_id")
        if isinstance(anon, str | int) and str(anon):
            keys.append(("anonymous_id", str(anon)))
        return keys

    def _reindex(self, p: Person) -> None:
        for key in self._keys.pop(p.cio_id, []):
            holders = self._index.get(key)
            if holders and p.cio_id in holders:
                holders.remove(p.cio_id)
        keys = self._keys_of(p)
        for key in keys:
            holders = self._index.setdefault(key, [])
            holders.append(p.cio_id)
            if len(holders) > 1:
                holders.sort(key=lambda c: (self.people[c].created_at, self.people[c].pk))
        self._keys[p.cio_id] = keys

    def _find(self, kind: str, value: str) -> list[Person]:
        return [self.people[c].copy() for c in self._index.get((kind, value), ())]

    def by_cio(self, cio_id: str) -> Person | None:
        p = self.people.get(cio_id)
        return p.copy() if p is not None else None

    def by_id(self, value: str) -> list[Person]:
        return self._find("id", value)

    def by_email(self, value: str) -> list[Person]:
        return self._find("email", norm_email(value) or "")

    def by_phone(self, value: str) -> list[Person]:
        return self._find("phone", value)

    def by_anonymous_id(self, value: str) -> list[Person]:
        return self._find("anonymous_id", value)

    def holders(self, kind: str, value: str) -> list[Person]:
        """The stored records themselves (not copies): for reads that change nobody (``Storage.holders``)."""
        people = self.people
        if kind == "cio_id":
            p = people.get(value)
            return [p] if p is not None else []
        if kind == "email":
            value = norm_email(value) or ""
        return [people[c] for c in self._index.get((kind, value), ())]

    def add_person(self, p: Person) -> None:
        """Load an existing person (a what-if copy of a real one keeps its cio_id)."""
        self.people[p.cio_id] = p.copy()
        self._next = max(self._next, p.pk + 1)
        self._reindex(self.people[p.cio_id])

    def insert_person(
        self,
        *,
        id: str | None,  # noqa: A002 - Customer.io's field name
        email: str | None,
        created_at: int,
        attrs: dict[str, Any],
        unsubscribed: bool = False,
        phone: str | None = None,
    ) -> Person:
        pk = self._next
        self._next += 1
        self._named += 1
        cio_id = f"{self._prefix}{self._named}"
        while cio_id in self.people:
            self._named += 1
            cio_id = f"{self._prefix}{self._named}"
        p = Person(pk, cio_id, id, email, created_at, created_at, unsubscribed, dict(attrs), phone)
        self.people[cio_id] = p
        self._reindex(p)
        return p.copy()

    def save_person(self, p: Person) -> None:
        old = self.people.get(p.cio_id)
        stored = self.people[p.cio_id] = p.copy()
        # index lists are kept sorted by (created_at, pk): same keys and same created_at leave them as they are
        if old is None or old.created_at != stored.created_at or self._keys.get(p.cio_id) != self._keys_of(stored):
            self._reindex(stored)

    def delete_person(self, cio_id: str) -> None:
        p = self.people.pop(cio_id, None)
        if p is None:
            return
        for key in self._keys.pop(cio_id, []):
            holders = self._index.get(key)
            if holders and cio_id in holders:
                holders.remove(cio_id)
        self.activities.pop(cio_id, None)
        self.device_rows.pop(cio_id, None)
        for rel in [] if not self.relationships else [k for k in self.relationships if k[2] == f"cio:{cio_id}"]:
            del self.relationships[rel]

    def move_history(self, src: str, dst: str, *, events_since: int | None) -> None:
        moved: list[tuple[int, str, str | None, int, dict[str, Any]]] = []
        kept: list[tuple[int, str, str | None, int, dict[str, Any]]] = []
        for row in self.activities.pop(src, []):
            is_event = row[1] in ("event", "page", "screen")
            (moved if not is_event or events_since is None or row[3] >= events_since else kept).append(row)
        self.activities.setdefault(dst, []).extend(moved)
        self.activities[dst].sort(key=lambda r: r[0])
        for device_id, device in self.device_rows.pop(src, {}).items():
            self.device_rows.setdefault(dst, {}).setdefault(device_id, device)
        self.move_relationships(f"cio:{src}", f"cio:{dst}")

    # -- activities and events ------------------------------------------------------------------------
    def add_activity(self, cio_id: str, type_: str, name: str | None, ts: int, data: dict[str, Any]) -> int:
        self._activity_pk += 1
        if self.keep_history:
            self.activities.setdefault(cio_id, []).append((self._activity_pk, type_, name, ts, dict(data)))
        return self._activity_pk

    def activity_rows(self, cio_id: str) -> list[tuple[int, str, str | None, int, dict[str, Any]]]:
        return list(self.activities.get(cio_id, ()))

    def seen_event_id(self, event_id: str) -> bool:
        return event_id in self.event_ids

    def remember_event_id(self, event_id: str) -> None:
        self.event_ids.add(event_id)

    def add_anonymous_event(self, anonymous_id: str, type_: str, name: str, ts: int, data: dict[str, Any]) -> None:
        self.anonymous_events.setdefault(anonymous_id, []).append((type_, name, ts, dict(data)))

    def take_anonymous_events(self, anonymous_id: str, since: int) -> list[tuple[str, str, int, dict[str, Any]]]:
        rows = self.anonymous_events.pop(anonymous_id, [])
        return [r for r in rows if r[2] >= since]

    def add_metric(self, delivery_id: str, metric: str, ts: int, data: dict[str, Any]) -> None:
        self.metrics.append((delivery_id, metric, ts, dict(data)))

    # -- devices ----------------------------------------------------------------------------------------
    def upsert_device(self, cio_id: str, device_id: str, platform: str | None, last_used: int | None) -> None:
        self.device_rows.setdefault(cio_id, {})[device_id] = (platform, last_used)

    def delete_device(self, cio_id: str, device_id: str) -> None:
        self.device_rows.get(cio_id, {}).pop(device_id, None)

    def devices(self, cio_id: str) -> list[tuple[str, str | None, int | None]]:
        rows = self.device_rows.get(cio_id, {})
        return [(d, *rows[d]) for d in sorted(rows)]

    # -- suppressions -----------------------------------------------------------------------------------
    @staticmethod
    def _skey(kind: str, value: str) -> tuple[str, str]:
        return (kind, (norm_email(value) or "") if kind == "email" else value)

    def suppress(self, identifiers: list[tuple[str, str]]) -> None:
        self._groups += 1
        for kind, value in identifiers:
            self.suppressions[self._skey(kind, value)] = self._groups

    def is_suppressed(self, kind: str, value: str) -> bool:
        return bool(self.suppressions) and self._skey(kind, value) in self.suppressions

    def unsuppress(self, kind: str, value: str) -> bool:
        grp = self.suppressions.get(self._skey(kind, value))
        if grp is None:
            return False
        for key in [k for k, g in self.suppressions.items() if g == grp]:
            del self.suppressions[key]
        return True

    # -- objects and relationships ----------------------------------------------------------------------
    def upsert_object(self, type_id: str, object_id: str, attrs: dict[str, Any]) -> bool:
        existing = self.objects.get((type_id, object_id))
        merged = {**(existing or {}), **attrs}
        self.objects[(type_id, object_id)] = {k: v for k, v in merged.items() if v not in (None, "")}
        return existing is None

    def delete_object(self, type_id: str, object_id: str) -> bool:
        for key in [k for k in self.relationships if k[:2] == (type_id, object_id)]:
            del self.relationships[key]
        return self.objects.pop((type_id, object_id), None) is not None

    def relate(self, type_id: str, object_id: str, who: str, attrs: dict[str, Any]) -> None:
        self.relationships[(type_id, object_id, who)] = dict(attrs)

    def unrelate(self, type_id: str, object_id: str, who: str) -> bool:
        return self.relationships.pop((type_id, object_id, who), None) is not None

    def move_relationships(self, src: str, dst: str) -> None:
        if not self.relationships:  # every identify with an anonymous_id asks: most workspaces of a replay have none
            return
        for key in [k for k in self.relationships if k[2] == src]:
            self.relationships.setdefault((key[0], key[1], dst), self.relationships.pop(key))
