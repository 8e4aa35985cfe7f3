"""A one-person calibration export: the workspace's real export header, recorded so the column mapping is known.

``POST /v1/exports/customers`` filtered to one known person (by id, or by email when the value is an email) gives a
file of one row whose header is exactly what this workspace's exports hold (Customer.io's App API reference:
https://docs.customer.io/integrations/api/app/tag/exports/exportPeopleData/). The header is kept in the workspace's
data folder (``export-header.json``) with the roles cio-tui reads from it and the ``--columns`` mapping, if any, that
a later export or warehouse table with this header needs.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from cio_tui.customerio.contract import CioClient
from cio_tui.identity.duplicates.export import quote_literal, read_csv_sql
from cio_tui.identity.duplicates.live import Progress, fetch_live_export
from cio_tui.identity.duplicates.portable import ROLES
from cio_tui.model.validation import looks_like_email

HEADER_FILE = "export-header.json"


@dataclass(frozen=True)
class CalibratedHeader:
    header: list[str]  # the file's own column names, in order
    roles: dict[str, str]  # role -> the column that plays it ('' when none)
    person: str  # which person the export was filtered to (as given)
    rows: int
    recorded_at: int

    @property
    def columns_option(self) -> str:
        """The ``--columns`` value this header needs ('' when cio-tui's own names are used)."""
        return ",".join(f"{r}={c}" for r, c in self.roles.items() if c and c.strip().lower() != r)


def one_person_filter(person: str) -> dict[str, Any]:
    field = "email" if looks_like_email(person) else "id"
    return {"and": [{"attribute": {"field": field, "operator": "eq", "value": person.strip()}}]}


def header_of(path: Path, person: str) -> CalibratedHeader:
    """The header and its roles: by name (cio-tui's names, or a Data Out People file's), and for the identifier the
    export was filtered by, the column that actually holds the person's value (so that role is known, not guessed)."""
    from cio_tui.identity.duplicates.export import read_header
    from cio_tui.identity.duplicates.sources import DATA_OUT_PEOPLE, is_parquet

    if is_parquet(path):
        con = duckdb.connect()
        try:
            cur = con.execute(f"SELECT * FROM read_parquet({quote_literal(str(path))}) LIMIT 0")
            original = [str(d[0]) for d in cur.description]
        finally:
            con.close()
    else:
        original = read_header(path, check=False).original
    lowered = [c.strip().lower() for c in original]
    roles = dict.fromkeys(ROLES, "")
    for role in ROLES:
        name = role if role in lowered else DATA_OUT_PEOPLE.get(role, "")
        if name in lowered:
            roles[role] = original[lowered.index(name)]
    columns = read_header(path, check=False) if not is_parquet(path) else None
    con = duckdb.connect()
    try:
        reader = (
            f"read_parquet({quote_literal(str(path))})" if columns is None
            else read_csv_sql(path, columns, rejects=False)
        )  # fmt: skip
        cur = con.execute(f"SELECT * FROM {reader}")
        values = cur.fetchall()
    finally:
        con.close()
    role = "email" if looks_like_email(person) else "id"
    wanted = person.strip().lower() if role == "email" else person.strip()
    for row in values[:1]:
        for i, value in enumerate(row):
            text = "" if value is None else str(value).strip()
            if (text.lower() if role == "email" else text) == wanted:
                roles[role] = original[i]
                break
    return CalibratedHeader(list(original), roles, person, len(values), int(time.time()))


async def calibrate(
    client: CioClient, data_dir: str | Path, person: str, *, progress: Progress | None = None
) -> CalibratedHeader:
    """Export just ``person``, read the header, record it in ``data_dir``; returns what was recorded."""
    folder = Path(data_dir)
    path = await fetch_live_export(client, folder / "exports", filters=one_person_filter(person),
                                   prefix="calibration-export", progress=progress)  # fmt: skip
    found = header_of(path, person)
    (folder / HEADER_FILE).write_text(json.dumps(asdict(found), indent=2), encoding="utf-8")
    return found


@dataclass(frozen=True)
class HeaderCheck:
    """How an export's header compares with the recorded one: ``message`` None when they agree; ``refuse`` when a
    column that plays a role in this workspace's exports is missing (the file is not what the mapping expects)."""

    message: str | None
    refuse: bool = False


def compare_header(recorded: CalibratedHeader, original: list[str], *, name: str, mapped: bool) -> HeaderCheck:
    """Compare a file's header (``original``) with the workspace's recorded calibration header. ``mapped``: the
    operator gave ``--columns`` (a missing role column is then their call: a warning, not a refusal)."""

    def norm(column: str) -> str:
        return column.strip().lower()

    got = [norm(c) for c in original]
    want = [norm(c) for c in recorded.header]
    if set(got) == set(want):
        return HeaderCheck(None)
    when = time.strftime("%Y-%m-%d", time.gmtime(recorded.recorded_at))
    lost = [f"{column!r} ({role})" for role, column in recorded.roles.items() if column and norm(column) not in got]
    missing = [c for c in recorded.header if norm(c) not in got]
    extra = [c for c in original if norm(c) not in want]
    parts = [f"missing {', '.join(missing[:8])}" + (", ..." if len(missing) > 8 else "")] if missing else []
    parts += [f"extra {', '.join(extra[:8])}" + (", ..." if len(extra) > 8 else "")] if extra else []
    head = (
        f"{name}: its header differs from this workspace's calibration export (recorded {when} for "
        f"{recorded.person}): {'; '.join(parts)}."
    )
    if lost and not mapped:
        return HeaderCheck(
            f"{head} It has no {', '.join(lost)} column, which this workspace's exports hold: is the file from another "
            "workspace or tool? Map its columns with --columns ROLE=COLUMN, or run --calibrate again if this "
            "workspace's export changed.",
            refuse=True,
        )
    return HeaderCheck(f"{head} The rules read the columns by name; check the mapping if a role moved.")


def recorded_header(data_dir: str | Path) -> CalibratedHeader | None:
    path = Path(data_dir) / HEADER_FILE
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return CalibratedHeader(**data)


__all__ = ["CalibratedHeader", "HeaderCheck", "calibrate", "compare_header", "one_person_filter", "recorded_header"]
