"""The journal: an append-only SQLite log of every plan applied to one workspace and every operation state change.

One file per workspace (``workspace.data_dir / "journal.sqlite"``). Rows are only ever inserted. Commits are
synchronous (``PRAGMA synchronous=FULL``): the apply engine commits an operation's intent (state ``sent``, with the
request and the before-snapshot) *before* the request leaves, so after a crash the journal always knows which
writes may have reached Customer.io and must be reconciled by reading.

States: ``pending -> checked -> sent -> done | skipped_stale | failed | uncertain -> reconciled``. The current state
of an operation is its latest entry. Requests are stored without credentials (the client adds auth headers).
The states, entries and records themselves: ``identity/journal_records.py``.
"""

from __future__ import annotations

import csv
import getpass
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cio_tui.identity.journal_records import (
    ApplyLockedError,
    JournalEntry,
    JournalError,
    JournalPlan,
    OpState,
    PlanEvent,
    PlanRecord,
    Record,
)
from cio_tui.identity.plan import Plan
from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.private_files import private_dir, tighten
from cio_tui.safe_text import csv_cell

JOURNAL_FILE = "journal.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
    plan_id TEXT PRIMARY KEY, registered_at TEXT NOT NULL, operator TEXT NOT NULL, fingerprint TEXT NOT NULL,
    workspace_name TEXT NOT NULL, source TEXT NOT NULL, description TEXT NOT NULL, total INTEGER NOT NULL,
    plan_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, plan_id TEXT NOT NULL, op_id TEXT, state TEXT NOT NULL,
    operator TEXT NOT NULL, kind TEXT, request TEXT, status INTEGER, before TEXT, after TEXT, detail TEXT
);
CREATE INDEX IF NOT EXISTS entries_plan_op ON entries (plan_id, op_id, seq);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
    BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END;
"""

CSV_COLUMNS = [
    "seq",
    "at",
    "plan_id",
    "op_id",
    "state",
    "operator",
    "kind",
    "request",
    "status",
    "before",
    "after",
    "detail",
]


def _operator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): still journal
        return "unknown"


def _dump(value: object) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _redacted(request: object) -> str | None:
    """The request as stored: no auth headers ever (the client adds them), and any registered secret value that
    found its way into a path or body replaced by ``********``."""
    from cio_tui.redaction import redact

    text = _dump(request)
    return None if text is None else redact(text)


def _scrubbed(text: str | None) -> str | None:
    """Free text (an error detail that quotes a server's answer, a snapshot) with every registered key removed, in
    every encoding (a server echoing the ``Authorization`` header puts the Track key there as base64)."""
    from cio_tui.redaction import redact

    return None if text is None else redact(text)


class Journal:
    """Append-only journal. Not shared across threads: open one per process (SQLite handles several processes)."""

    def __init__(self, path: str | Path, *, operator: str | None = None) -> None:
        self.path = Path(path)
        private_dir(self.path.parent)
        self.operator = operator or _operator()
        # check_same_thread off: a UI may open it on one thread and run the engine on a worker; use is sequential
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._check_integrity()
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(str(exc)) from None
        for suffix in ("", "-wal", "-shm"):  # people's data and before-snapshots: owner-only
            if (file := self.path.with_name(self.path.name + suffix)).exists():
                tighten(file)

    def _damaged(self, why: str) -> JournalError:
        return JournalError(
            f"the journal {self.path} is damaged ({why}); nothing was applied. Keep the file (it records what was "
            "applied before): move it aside, then run again to start a new journal, and check the workspace (or "
            "restore the file from a backup) before applying a plan it had started"
        )

    def _check_integrity(self) -> None:
        """SQLite's own check of every page, and the tables a journal must have, before anything relies on it."""
        problems = [row[0] for row in self._db.execute("PRAGMA quick_check(5)")]
        if problems != ["ok"]:
            raise self._damaged("; ".join(str(p) for p in problems))
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not {"plans", "entries"} <= tables:
            raise self._damaged("it is an SQLite file, but not a cio-tui journal")

    @classmethod
    def for_workspace(cls, workspace: WorkspaceView) -> Journal:
        """The journal of a ``Workspace`` (``workspace.data_dir / "journal.sqlite"``)."""
        return cls(Path(workspace.data_dir) / JOURNAL_FILE)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def apply_lock(self) -> Iterator[None]:
        """Held while an apply runs on this workspace, so two applies never send at the same time. The OS drops
        it when the process dies (even by SIGKILL), so a crashed run never blocks the resume."""
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one apply at a time is then the operator's care
            yield
            return
        with open(self.path.with_name(self.path.name + ".lock"), "a+") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ApplyLockedError(
                    "another apply is running on this workspace; wait for it to finish (or stop it) and try again"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- writing --------------------------------------------------------------------------------------
    def register_plan(self, plan: JournalPlan) -> bool:
        """Record the plan once (its full JSON). Returns False when it was already registered."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO plans VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    plan.plan_id,
                    datetime.now(UTC).isoformat(),
                    self.operator,
                    plan.workspace_fingerprint,
                    plan.workspace_name,
                    plan.source,
                    plan.description,
                    len(plan.operations),
                    plan.to_json(),
                ),
            )
            new = cur.rowcount == 1
            if new:
                self._insert(
                    db, Record(plan.plan_id, None, PlanEvent.REGISTERED, detail=f"{len(plan.operations)} operations")
                )
        return new

    def append(self, records: Iterable[Record]) -> None:
        """Append entries in one synchronous transaction (durable on disk when this returns)."""
        with self._tx() as db:
            for rec in records:
                self._insert(db, rec)

    def record(
        self,
        plan_id: str,
        op_id: str | None,
        state: OpState | PlanEvent,
        *,
        kind: str | None = None,
        request: dict[str, Any] | None = None,
        status: int | None = None,
        before: object = None,
        after: object = None,
        detail: str | None = None,
    ) -> None:
        self.append([Record(plan_id, op_id, state, kind, request, status, before, after, detail)])

    def _insert(self, db: sqlite3.Connection, r: Record) -> None:
        db.execute(
            "INSERT INTO entries (at, plan_id, op_id, state, operator, kind, request, status, before, after, detail)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                r.at.isoformat(),
                r.plan_id,
                r.op_id,
                str(r.state),
                self.operator,
                r.kind,
                _redacted(r.request),
                r.status,
                _scrubbed(_dump(r.before)),
                _scrubbed(_dump(r.after)),
                _scrubbed(r.detail),
            ),
        )

    # -- reading --------------------------------------------------------------------------------------
    def op_states(self, plan_id: str) -> dict[str, OpState]:
        """Current state of every operation of a plan that has an entry."""
        rows = self._db.execute(
            "SELECT op_id, state FROM entries WHERE seq IN (SELECT MAX(seq) FROM entries WHERE plan_id=? AND "
            "op_id IS NOT NULL GROUP BY op_id)",
            (plan_id,),
        )
        return {r["op_id"]: OpState(r["state"]) for r in rows}

    def attempts(self, plan_id: str) -> Counter[str]:
        """How many times each operation was sent (entries in state ``sent``)."""
        rows = self._db.execute(
            "SELECT op_id, COUNT(*) AS n FROM entries WHERE plan_id=? AND state='sent' GROUP BY op_id", (plan_id,)
        )
        return Counter({r["op_id"]: r["n"] for r in rows})

    def last_sent_at(self, plan_id: str) -> dict[str, datetime]:
        """When each operation was last sent (its latest ``sent`` entry)."""
        rows = self._db.execute(
            "SELECT op_id, MAX(at) AS at FROM entries WHERE plan_id=? AND state='sent' GROUP BY op_id", (plan_id,)
        )
        return {r["op_id"]: datetime.fromisoformat(r["at"]) for r in rows}

    def plan_notes(self, plan_id: str, state: PlanEvent) -> list[str]:
        """Details of a plan's run-level entries (no operation) in ``state``, oldest first."""
        rows = self._db.execute(
            "SELECT detail FROM entries WHERE plan_id=? AND op_id IS NULL AND state=? ORDER BY seq",
            (plan_id, str(state)),
        )
        return [r["detail"] or "" for r in rows]

    def plans(self) -> list[PlanRecord]:
        """Every plan, newest first, with operation counts by current state."""
        out = []
        for row in self._db.execute("SELECT * FROM plans ORDER BY registered_at DESC, rowid DESC").fetchall():
            states = Counter(str(s) for s in self.op_states(row["plan_id"]).values())
            states["pending"] += row["total"] - sum(states.values())
            last = self._db.execute("SELECT MAX(at) FROM entries WHERE plan_id=?", (row["plan_id"],)).fetchone()[0]
            out.append(
                PlanRecord(
                    plan_id=row["plan_id"],
                    registered_at=row["registered_at"],
                    operator=row["operator"],
                    workspace_name=row["workspace_name"],
                    source=row["source"],
                    description=row["description"],
                    total=row["total"],
                    states={k: v for k, v in states.items() if v},
                    last_at=last,
                )
            )
        return out

    def find_plan(self, prefix: str) -> str:
        """Resolve a plan id from a unique prefix (as `journal show PLAN` accepts). Raises KeyError."""
        rows = self._db.execute("SELECT plan_id FROM plans WHERE plan_id LIKE ?", (prefix + "%",)).fetchall()
        if len(rows) != 1:
            raise KeyError(prefix if not rows else f"{prefix} matches {len(rows)} plans; give more characters")
        return str(rows[0][0])

    def load_plan(self, plan_id: str) -> Plan:
        row = self._db.execute("SELECT plan_json FROM plans WHERE plan_id=?", (plan_id,)).fetchone()
        if row is None:
            raise KeyError(plan_id)
        return Plan.from_json(row[0])

    def entries(self, plan_id: str | None = None, op_id: str | None = None) -> list[JournalEntry]:
        return list(self.iter_entries(plan_id, op_id))

    def iter_entries(self, plan_id: str | None = None, op_id: str | None = None) -> Iterator[JournalEntry]:
        sql, args = "SELECT * FROM entries WHERE 1=1", list[Any]()
        if plan_id:
            sql, args = sql + " AND plan_id=?", [*args, plan_id]
        if op_id:
            sql, args = sql + " AND op_id=?", [*args, op_id]
        for row in self._db.execute(sql + " ORDER BY seq", args):
            data = dict(row)
            for key in ("request", "before", "after"):
                data[key] = json.loads(data[key]) if data[key] is not None else None
            yield JournalEntry(**data)

    # -- export ---------------------------------------------------------------------------------------
    def export_jsonl(self, out: IO[str], plan_id: str | None = None) -> int:
        n = 0
        for entry in self.iter_entries(plan_id):
            out.write(entry.model_dump_json() + "\n")
            n += 1
        return n

    def export_csv(self, out: IO[str], plan_id: str | None = None) -> int:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        n = 0
        for entry in self.iter_entries(plan_id):
            row = entry.model_dump(mode="json")
            for key in ("request", "before", "after"):
                row[key] = _dump(row[key]) or ""
            writer.writerow({k: csv_cell(v) for k, v in row.items()})  # no cell a spreadsheet would run
            n += 1
        return n


__all__ = [
    "JOURNAL_FILE",
    "ApplyLockedError",
    "Journal",
    "JournalEntry",
    "JournalError",
    "JournalPlan",
    "OpState",
    "PlanEvent",
    "PlanRecord",
    "Record",
]
