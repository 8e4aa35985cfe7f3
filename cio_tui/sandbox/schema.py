"""The tables of one sandbox workspace file, and opening it: the connection's settings and the columns an older
file gains (a workspace made by an earlier version opens unchanged, then gets what is new)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS people(
  pk INTEGER PRIMARY KEY,
  cio_id TEXT NOT NULL UNIQUE,
  id TEXT,
  email TEXT,
  email_norm TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  unsubscribed INTEGER NOT NULL DEFAULT 0,
  attrs TEXT NOT NULL DEFAULT '{}'
);
-- (column, created_at): lookups come back oldest first (rowid breaks ties) without a sort; replaces the old ones
DROP INDEX IF EXISTS people_id;
DROP INDEX IF EXISTS people_email;
CREATE INDEX IF NOT EXISTS people_by_id ON people(id, created_at);
CREATE INDEX IF NOT EXISTS people_by_email ON people(email_norm, created_at);
CREATE TABLE IF NOT EXISTS devices(
  cio_id TEXT NOT NULL, device_id TEXT NOT NULL, platform TEXT, last_used INTEGER,
  PRIMARY KEY(cio_id, device_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS activities(
  pk INTEGER PRIMARY KEY, cio_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT, timestamp INTEGER NOT NULL,
  data TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS activities_cio ON activities(cio_id, pk);
CREATE TABLE IF NOT EXISTS segments(id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT, type TEXT);
CREATE TABLE IF NOT EXISTS segment_members(
  segment_id INTEGER NOT NULL, cio_id TEXT NOT NULL, PRIMARY KEY(segment_id, cio_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS segment_members_cio ON segment_members(cio_id);
CREATE TABLE IF NOT EXISTS messages(
  pk INTEGER PRIMARY KEY, cio_id TEXT NOT NULL, type TEXT, subject TEXT, created INTEGER, metrics TEXT);
CREATE INDEX IF NOT EXISTS messages_cio ON messages(cio_id, pk);
CREATE TABLE IF NOT EXISTS suppressions(
  kind TEXT NOT NULL, value TEXT NOT NULL, grp INTEGER NOT NULL, PRIMARY KEY(kind, value)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS exports(
  id INTEGER PRIMARY KEY, status TEXT NOT NULL, total INTEGER NOT NULL, description TEXT,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, token TEXT NOT NULL, csv BLOB);
CREATE TABLE IF NOT EXISTS clusters(cluster_id INTEGER NOT NULL, kind TEXT NOT NULL, cio_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS event_ids(id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS anonymous_events(
  pk INTEGER PRIMARY KEY, anonymous_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT, timestamp INTEGER NOT NULL,
  data TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS anonymous_events_id ON anonymous_events(anonymous_id, pk);
CREATE TABLE IF NOT EXISTS metrics(
  pk INTEGER PRIMARY KEY, delivery_id TEXT NOT NULL, metric TEXT NOT NULL, timestamp INTEGER NOT NULL, data TEXT);
CREATE TABLE IF NOT EXISTS objects(
  type_id TEXT NOT NULL, object_id TEXT NOT NULL, attrs TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY(type_id, object_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS relationships(
  type_id TEXT NOT NULL, object_id TEXT NOT NULL, who TEXT NOT NULL, attrs TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY(type_id, object_id, who)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS relationships_who ON relationships(who);
"""

# Columns added after the first release: an older workspace file gains them when opened.
_ADDED_COLUMNS = (("people", "phone", "TEXT"), ("people", "last_ts", "INTEGER"))
_AFTER_COLUMNS = """
CREATE INDEX IF NOT EXISTS people_by_phone ON people(phone, created_at);
"""


def open_workspace_db(path: Path) -> sqlite3.Connection:
    """A connection on the workspace file (created when missing), its tables up to date. Autocommit: ``Store.tx``
    opens the transactions."""
    db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache: a 100k-people workspace stays in memory
    db.execute("PRAGMA mmap_size=268435456")
    db.execute("PRAGMA temp_store=MEMORY")
    db.executescript(SCHEMA)
    for table, column, decl in _ADDED_COLUMNS:
        have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {decl}")
    db.executescript(_AFTER_COLUMNS)
    return db


__all__ = ["SCHEMA", "open_workspace_db"]
