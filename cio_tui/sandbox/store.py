"""SQLite persistence of one sandbox workspace (one file per workspace, stdlib ``sqlite3``).

The store knows rows, not Customer.io rules: it implements the engine's ``Storage`` interface
(``cio_tui.model.person``); the engine (``cio_tui.model``) decides what a request does and calls these primitives
inside one transaction per request (``Store.tx()``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cio_tui.model.person import Person, norm_email
from cio_tui.sandbox.schema import open_workspace_db

CIO_BASE = 0xA3000000  # cio_id = hex(CIO_BASE + pk): "a3000001", like the spec's examples


def cio_for(pk: int) -> str:
    return format(CIO_BASE + pk, "x")


_PCOLS = "pk, cio_id, id, email, created_at, updated_at, unsubscribed, attrs, phone, last_ts"


def _person(row: tuple[Any, ...]) -> Person:
    pk, cio_id, id_, email, created_at, updated_at, unsub, attrs, phone, last_ts = row
    return Person(pk, cio_id, id_, email, created_at, updated_at, bool(unsub), json.loads(attrs), phone, last_ts)


class Store:
    """One workspace database. Thread-safe through one lock (requests are short)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.db = open_workspace_db(self.path)
        self._depth = 0

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextmanager
    def tx(self) -> Iterator[Store]:
        """One transaction (re-entrant: nested calls join the outer one). Rolled back on any exception."""
        with self.lock:
            outer = self._depth == 0
            if outer:
                self.db.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self._depth -= 1
                if outer:
                    self.db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self.db.execute("COMMIT")

    # -- meta ---------------------------------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: object) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", (key, str(value)))

    def next_pk(self) -> int:
        pk = int(self.get_meta("next_pk", "1") or "1")
        self.set_meta("next_pk", pk + 1)
        return pk

    # -- people -------------------------------------------------------------------------------------
    def by_cio(self, cio_id: str) -> Person | None:
        row = self.db.execute(f"SELECT {_PCOLS} FROM people WHERE cio_id=?", (cio_id,)).fetchone()
        return _person(row) if row else None

    def by_id(self, value: str) -> list[Person]:
        rows = self.db.execute(f"SELECT {_PCOLS} FROM people WHERE id=? ORDER BY created_at, pk", (value,))
        return [_person(r) for r in rows]

    def by_email(self, value: str) -> list[Person]:
        rows = self.db.execute(
            f"SELECT {_PCOLS} FROM people WHERE email_norm=? ORDER BY created_at, pk", (norm_email(value),)
        )
        return [_person(r) for r in rows]

    def by_phone(self, value: str) -> list[Person]:
        rows = self.db.execute(f"SELECT {_PCOLS} FROM people WHERE phone=? ORDER BY created_at, pk", (value,))
        return [_person(r) for r in rows]

    def by_anonymous_id(self, value: str) -> list[Person]:
        rows = self.db.execute(
            f"SELECT {_PCOLS} FROM people WHERE json_extract(attrs, '$.anonymous_id')=? ORDER BY created_at, pk",
            (value,),
        )
        return [_person(r) for r in rows]

    def holders(self, kind: str, value: str) -> list[Person]:
        if kind == "cio_id":
            p = self.by_cio(value)
            return [p] if p is not None else []
        if kind == "email":
            return self.by_email(value)
        return self.by_phone(value) if kind == "phone" else self.by_id(value)

    def insert_person(
        self,
        *,
        id: str | None,  # noqa: A002 - the Customer.io field name
        email: str | None,
        created_at: int,
        attrs: dict[str, Any],
        unsubscribed: bool = False,
        phone: str | None = None,
    ) -> Person:
        pk = self.next_pk()
        person = Person(pk, cio_for(pk), id, email, created_at, created_at, unsubscribed, dict(attrs), phone)
        self.db.execute(
            f"INSERT INTO people({_PCOLS}, email_norm) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
            (
                pk,
                person.cio_id,
                id,
                email,
                created_at,
                created_at,
                int(unsubscribed),
                json.dumps(attrs),
                phone,
                None,
                norm_email(email),
            ),
        )
        return person

    def save_person(self, p: Person) -> None:
        self.db.execute(
            "UPDATE people SET id=?, email=?, email_norm=?, created_at=?, updated_at=?, unsubscribed=?, attrs=?, "
            "phone=?, last_ts=? WHERE pk=?",
            (
                p.id,
                p.email,
                norm_email(p.email),
                p.created_at,
                p.updated_at,
                int(p.unsubscribed),
                json.dumps(p.attrs),
                p.phone,
                p.last_ts,
                p.pk,
            ),
        )

    def delete_person(self, cio_id: str) -> None:
        for table in ("people", "devices", "activities", "segment_members", "messages"):
            self.db.execute(f"DELETE FROM {table} WHERE cio_id=?", (cio_id,))
        self.db.execute("DELETE FROM relationships WHERE who=?", (f"cio:{cio_id}",))

    def move_history(self, src: str, dst: str, *, events_since: int | None = None) -> None:
        """Activities, messages, devices, relationships and manual segment memberships move from ``src`` to
        ``dst``; events (event/page/screen activities) only from ``events_since`` on (the rest go with ``src``)."""
        if events_since is not None:
            self.db.execute(
                "DELETE FROM activities WHERE cio_id=? AND type IN ('event','page','screen') AND timestamp<?",
                (src, events_since),
            )
        self.move_relationships(f"cio:{src}", f"cio:{dst}")
        self.db.execute("UPDATE activities SET cio_id=? WHERE cio_id=?", (dst, src))
        self.db.execute("UPDATE messages SET cio_id=? WHERE cio_id=?", (dst, src))
        self.db.execute("UPDATE OR IGNORE devices SET cio_id=? WHERE cio_id=?", (dst, src))
        self.db.execute("UPDATE OR IGNORE segment_members SET cio_id=? WHERE cio_id=?", (dst, src))

    def count_people(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM people").fetchone()[0])

    def iter_people(self, after_pk: int = 0, batch: int = 2000) -> Iterator[Person]:
        """All people in creation order (pk), read in batches so a scan never holds the whole table."""
        last = after_pk
        while True:
            with self.lock:
                rows = self.db.execute(
                    f"SELECT {_PCOLS} FROM people WHERE pk>? ORDER BY pk LIMIT ?", (last, batch)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _person(row)
            last = rows[-1][0]

    # -- activities, devices, segments, messages ---------------------------------------------------
    def add_activity(self, cio_id: str, type_: str, name: str | None, ts: int, data: dict[str, Any]) -> int:
        cur = self.db.execute(
            "INSERT INTO activities(cio_id, type, name, timestamp, data) VALUES(?,?,?,?,?)",
            (cio_id, type_, name, ts, json.dumps(data)),
        )
        return int(cur.lastrowid or 0)

    def activities(
        self, cio_id: str, *, type_: str | None, name: str | None, before: int | None, limit: int
    ) -> list[tuple[Any, ...]]:
        sql = "SELECT pk, type, name, timestamp, data FROM activities WHERE cio_id=?"
        args: list[Any] = [cio_id]
        for col, val in (("type", type_), ("name", name)):
            if val:
                sql += f" AND {col}=?"
                args.append(val)
        if before:
            sql += " AND pk<?"
            args.append(before)
        sql += " ORDER BY pk DESC LIMIT ?"
        args.append(limit)
        return self.db.execute(sql, args).fetchall()

    def upsert_device(self, cio_id: str, device_id: str, platform: str | None, last_used: int | None) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO devices(cio_id, device_id, platform, last_used) VALUES(?,?,?,?)",
            (cio_id, device_id, platform, last_used),
        )

    def delete_device(self, cio_id: str, device_id: str) -> None:
        self.db.execute("DELETE FROM devices WHERE cio_id=? AND device_id=?", (cio_id, device_id))

    def devices(self, cio_id: str) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT device_id, platform, last_used FROM devices WHERE cio_id=? ORDER BY device_id", (cio_id,)
        ).fetchall()

    def segments_of(self, cio_id: str) -> list[tuple[Any, ...]]:
        return self.db.execute(
            "SELECT s.id, s.name, s.description, s.type FROM segments s JOIN segment_members m ON m.segment_id=s.id "
            "WHERE m.cio_id=? ORDER BY s.id",
            (cio_id,),
        ).fetchall()

    def segment_member_set(self, segment_id: int) -> set[str]:
        rows = self.db.execute("SELECT cio_id FROM segment_members WHERE segment_id=?", (segment_id,))
        return {r[0] for r in rows}

    def messages(self, cio_id: str, *, before: int | None, limit: int) -> list[tuple[Any, ...]]:
        sql = "SELECT pk, type, subject, created, metrics FROM messages WHERE cio_id=?"
        args: list[Any] = [cio_id]
        if before:
            sql += " AND pk<?"
            args.append(before)
        return self.db.execute(sql + " ORDER BY pk DESC LIMIT ?", [*args, limit]).fetchall()

    # -- events, metrics, objects -----------------------------------------------------------------------
    def seen_event_id(self, event_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM event_ids WHERE id=?", (event_id,)).fetchone() is not None

    def remember_event_id(self, event_id: str) -> None:
        self.db.execute("INSERT OR IGNORE INTO event_ids(id) VALUES(?)", (event_id,))

    def add_anonymous_event(self, anonymous_id: str, type_: str, name: str, ts: int, data: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO anonymous_events(anonymous_id, type, name, timestamp, data) VALUES(?,?,?,?,?)",
            (anonymous_id, type_, name, ts, json.dumps(data)),
        )

    def take_anonymous_events(self, anonymous_id: str, since: int) -> list[tuple[str, str, int, dict[str, Any]]]:
        rows = self.db.execute(
            "SELECT type, name, timestamp, data FROM anonymous_events WHERE anonymous_id=? ORDER BY pk",
            (anonymous_id,),
        ).fetchall()
        self.db.execute("DELETE FROM anonymous_events WHERE anonymous_id=?", (anonymous_id,))
        return [(t, n, ts, json.loads(d)) for t, n, ts, d in rows if ts >= since]

    def anonymous_event_count(self, anonymous_id: str) -> int:
        sql = "SELECT count(*) FROM anonymous_events WHERE anonymous_id=?"
        return int(self.db.execute(sql, (anonymous_id,)).fetchone()[0])

    def add_metric(self, delivery_id: str, metric: str, ts: int, data: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT INTO metrics(delivery_id, metric, timestamp, data) VALUES(?,?,?,?)",
            (delivery_id, metric, ts, json.dumps(data)),
        )

    def upsert_object(self, type_id: str, object_id: str, attrs: dict[str, Any]) -> bool:
        row = self.db.execute("SELECT attrs FROM objects WHERE type_id=? AND object_id=?", (type_id, object_id))
        found = row.fetchone()
        merged = {**(json.loads(found[0]) if found else {}), **attrs}
        merged = {k: v for k, v in merged.items() if v not in (None, "")}
        self.db.execute(
            "INSERT OR REPLACE INTO objects(type_id, object_id, attrs) VALUES(?,?,?)",
            (type_id, object_id, json.dumps(merged)),
        )
        return found is None

    def get_object(self, type_id: str, object_id: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT attrs FROM objects WHERE type_id=? AND object_id=?", (type_id, object_id)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def delete_object(self, type_id: str, object_id: str) -> bool:
        self.db.execute("DELETE FROM relationships WHERE type_id=? AND object_id=?", (type_id, object_id))
        cur = self.db.execute("DELETE FROM objects WHERE type_id=? AND object_id=?", (type_id, object_id))
        return cur.rowcount > 0

    def relate(self, type_id: str, object_id: str, who: str, attrs: dict[str, Any]) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO relationships(type_id, object_id, who, attrs) VALUES(?,?,?,?)",
            (type_id, object_id, who, json.dumps(attrs)),
        )

    def unrelate(self, type_id: str, object_id: str, who: str) -> bool:
        cur = self.db.execute(
            "DELETE FROM relationships WHERE type_id=? AND object_id=? AND who=?", (type_id, object_id, who)
        )
        return cur.rowcount > 0

    def move_relationships(self, src: str, dst: str) -> None:
        self.db.execute("UPDATE OR IGNORE relationships SET who=? WHERE who=?", (dst, src))
        self.db.execute("DELETE FROM relationships WHERE who=?", (src,))

    def relationships_of(self, who: str) -> list[tuple[str, str]]:
        rows = self.db.execute("SELECT type_id, object_id FROM relationships WHERE who=? ORDER BY 1, 2", (who,))
        return [(t, o) for t, o in rows]

    # -- suppressions -------------------------------------------------------------------------------
    def suppress(self, identifiers: list[tuple[str, str]]) -> None:
        grp = int(self.get_meta("next_suppression", "1") or "1")
        self.set_meta("next_suppression", grp + 1)
        for kind, raw in identifiers:
            value = norm_email(raw) if kind == "email" else raw
            self.db.execute("INSERT OR REPLACE INTO suppressions(kind, value, grp) VALUES(?,?,?)", (kind, value, grp))

    def is_suppressed(self, kind: str, value: str) -> bool:
        value = (norm_email(value) or "") if kind == "email" else value
        row = self.db.execute("SELECT 1 FROM suppressions WHERE kind=? AND value=?", (kind, value)).fetchone()
        return row is not None

    def unsuppress(self, kind: str, value: str) -> bool:
        value = (norm_email(value) or "") if kind == "email" else value
        row = self.db.execute("SELECT grp FROM suppressions WHERE kind=? AND value=?", (kind, value)).fetchone()
        if row is None:
            return False
        self.db.execute("DELETE FROM suppressions WHERE grp=?", (row[0],))
        return True

    def count_suppressed(self) -> int:
        return int(self.db.execute("SELECT count(DISTINCT grp) FROM suppressions").fetchone()[0])

    # -- exports ------------------------------------------------------------------------------------
    def create_export(self, *, description: str, now: int, token: str, total: int, csv: bytes) -> int:
        cur = self.db.execute(
            "INSERT INTO exports(status, total, description, created_at, updated_at, token, csv) VALUES(?,?,?,?,?,?,?)",
            ("pending", total, description, now, now, token, csv),
        )
        return int(cur.lastrowid or 0)

    def get_export(self, export_id: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, status, total, description, created_at, updated_at, token FROM exports WHERE id=?",
            (export_id,),
        ).fetchone()
        if row is None:
            return None
        keys = ("id", "status", "total", "description", "created_at", "updated_at", "token")
        return dict(zip(keys, row, strict=True))

    def list_exports(self) -> list[dict[str, Any]]:
        ids = [r[0] for r in self.db.execute("SELECT id FROM exports ORDER BY id")]
        return [e for i in ids if (e := self.get_export(i)) is not None]

    def finish_export(self, export_id: int, now: int) -> None:
        self.db.execute("UPDATE exports SET status='done', updated_at=? WHERE id=?", (now, export_id))

    def export_csv(self, export_id: int) -> bytes | None:
        row = self.db.execute("SELECT csv FROM exports WHERE id=?", (export_id,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None
