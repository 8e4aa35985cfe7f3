"""People exports as they come: CSV (gzip too) or Parquet, cio-tui's header or another spelling.

``--columns`` maps the roles to the file's own names (``cio_id=internal_customer_id,id=customer_id``). A file from
Customer.io's Data Out integration is recognised by its header (``internal_customer_id`` and ``customer_id``, no
``cio_id``) and mapped the same way, its rows marked deleted or suppressed left out. Customer.io's public pages say
what a People file holds (people's ids and whether each was deleted or suppressed:
https://customer.io/docs/data-warehouse-sync/) but not its column names, so the mapping says it was assumed and how
to override it (``notes``). A mapped column is read under its role's name, so every
engine and every rule sees one spelling. Parquet is read by DuckDB's own reader (no extra library); every column is
read as text, as a CSV is.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from cio_tui.identity.duplicates.export import (
    REQUIRED,
    ExportColumns,
    ExportError,
    ExportProblem,
    quote_ident,
    quote_literal,
    read_csv_sql,
    read_header,
    require_people_columns,
)
from cio_tui.identity.duplicates.portable import ROLES, PeopleColumns

# Customer.io Data Out People files name the identifiers this way (emails may be in the Attributes files instead).
DATA_OUT_PEOPLE = {"cio_id": "internal_customer_id", "id": "customer_id"}
DATA_OUT_FLAGS = ("deleted", "suppressed")  # a deleted or suppressed person cannot be merged: never a candidate
DATA_OUT_NOTE = (
    "read as a Customer.io Data Out People file: internal_customer_id as cio_id, customer_id as id{extra}; {flags}. "
    "Customer.io's docs describe what a People file holds (people's ids, deleted, "
    "suppressed) but not its column names: if yours differ, map them with --columns cio_id=COLUMN,id=COLUMN,... "
    "The docs list no emails in People files (changes to attributes go to the Attributes files): without an email "
    "column only the id rules can match; join the email attribute in first, or map its column with --columns "
    "email=COLUMN."
)


def parse_columns(spec: str | None) -> dict[str, str]:
    """``ROLE=COLUMN,...`` -> {role: column}. Roles: cio_id, id, email, created_at, anonymous_id; ``ROLE=`` (empty)
    says a table has no such column (a printed script then reads it as empty)."""
    out: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        role, sep, column = part.partition("=")
        role, column = role.strip().lower(), column.strip()
        if not sep or (not column and role == "cio_id"):
            raise ExportError(f"--columns {part.strip()!r}: write ROLE=COLUMN, e.g. cio_id=internal_customer_id")
        if role not in ROLES:
            raise ExportError(f"--columns {part.strip()!r}: {role!r} is not a role; roles are {', '.join(ROLES)}")
        out[role] = column
    return out


def is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _parquet_names(path: Path) -> list[str]:
    con = duckdb.connect()
    try:
        rel = con.execute(f"SELECT * FROM read_parquet({quote_literal(str(path))}) LIMIT 0")
        return [str(d[0]) for d in rel.description]
    except duckdb.Error as exc:
        raise ExportError(f"{path.name} looks like Parquet but cannot be read: {exc}") from exc
    finally:
        con.close()


def file_header(path: str | Path) -> list[str]:
    """The file's own column names, in order (CSV, gzip CSV or Parquet), nothing checked."""
    path = Path(path)
    return _parquet_names(path) if path.is_file() and is_parquet(path) else read_header(path, check=False).original


def read_columns(path: str | Path, mapping: dict[str, str] | None = None) -> ExportColumns:
    """The export's columns with roles applied: ``names`` hold the role for mapped columns, the canonical (trimmed,
    lower-case) name for the others; ``original`` the file's own names, in file order."""
    path = Path(path)
    if path.is_file() and is_parquet(path):
        original = _parquet_names(path)
        columns = _canonical(original)
    else:
        columns = read_header(path, check=False)
    mapping = dict(mapping or {})
    lowered = [n.strip().lower() for n in columns.original]
    data_out = not mapping and is_data_out(lowered)
    if data_out:
        mapping = dict(DATA_OUT_PEOPLE)
    columns = _apply(columns, mapping) if mapping else columns
    if data_out:
        flags = [f for f in DATA_OUT_FLAGS if f in columns.names]
        extra = "" if "email" in columns.names else " (no email column)"
        left_out = f"rows marked {' or '.join(flags)} left out" if flags else "no deleted or suppressed column"
        columns.notes.append(DATA_OUT_NOTE.format(extra=extra, flags=left_out))
    require_people_columns(path.name, columns.original, columns.names)
    return columns


def is_data_out(lowered: list[str]) -> bool:
    """A Data Out People header: its two identifier columns and no ``cio_id`` (lower-cased, trimmed names)."""
    return all(c in lowered for c in DATA_OUT_PEOPLE.values()) and "cio_id" not in lowered


def _canonical(original: list[str]) -> ExportColumns:
    names: list[str] = []
    problems: list[ExportProblem] = []
    for i, raw in enumerate(original, start=1):
        name = raw.strip().lower() or f"column_{i}"
        if name in names:
            name = f"{name}_{i}"
            problems.append(ExportProblem(1, "duplicate_column", f"column {i} repeats the name {raw!r}"))
        names.append(name)
    missing = [r for r in REQUIRED if r not in names]
    problems += [
        ExportProblem(1, "missing_column", f"the file has no {r!r} column; it is read as empty") for r in missing
    ]
    return ExportColumns(original=original, names=names, missing=missing, problems=problems)


def _apply(columns: ExportColumns, mapping: dict[str, str]) -> ExportColumns:
    lowered = [n.strip().lower() for n in columns.original]
    names = list(columns.names)
    for role, column in mapping.items():
        if not column:  # ROLE= : the file's own column of that name (if any) is only an attribute
            if role in names:
                names[names.index(role)] = f"file_{role}"
            continue
        if column.strip().lower() not in lowered:
            raise ExportError(
                f"--columns {role}={column}: the file has no column {column!r}; its columns are "
                + ", ".join(columns.original[:30])
            )
        i = lowered.index(column.strip().lower())
        if role in names and names.index(role) != i:  # the file's own column of that name becomes an attribute
            names[names.index(role)] = f"file_{role}"
        names[i] = role
    missing = [r for r in REQUIRED if r not in names]
    problems = [p for p in columns.problems if p.kind != "missing_column"] + [
        ExportProblem(1, "missing_column", f"no column plays {r!r}; it is read as empty (map one with --columns)")
        for r in missing
    ]
    return ExportColumns(original=columns.original, names=names, missing=missing, problems=problems)


def table_people_columns(table: str, table_columns: list[str], mapping: dict[str, str]) -> PeopleColumns:
    """The roles of a table's own columns (a table is read as it is, no renaming): ``--columns`` first, else the
    column named like the role (any case); other columns with 'email' in their name are email attributes."""
    by_lower = {c.lower(): c for c in table_columns}
    roles: dict[str, str] = {}
    for role in ROLES:
        if role in mapping:
            wanted = mapping[role]
            if wanted and wanted.lower() not in by_lower:
                raise ExportError(f"--columns {role}={wanted}: {table} has no column {wanted!r}; its columns are "
                                  + ", ".join(table_columns[:30]))  # fmt: skip
            roles[role] = by_lower.get(wanted.lower(), "") if wanted else ""
        else:
            roles[role] = by_lower.get(role, "")
    if not roles["cio_id"]:
        raise ExportError(f"{table} has no cio_id column; map it with --columns cio_id=COLUMN")
    used = set(roles.values())
    emails = tuple(c for c in table_columns if "email" in c.lower() and c not in used)
    return PeopleColumns(
        cio_id=roles["cio_id"], id=roles["id"], email=roles["email"], created_at=roles["created_at"],
        anonymous_id=roles["anonymous_id"], email_attributes=emails,
    )  # fmt: skip


def export_select(path: str | Path, columns: ExportColumns, ordinal: str = "", *, rejects: bool = False) -> str:
    """A DuckDB SELECT of the export: every column as text under its role or canonical name (plus the row number
    as ``ordinal``); deleted and suppressed rows of a Data Out People file left out. ``rejects`` keeps bad CSV
    rows for reporting."""
    path = Path(path)
    if is_parquet(path):
        select = ", ".join(
            f"CAST({quote_ident(o)} AS VARCHAR) AS {quote_ident(n)}"
            for o, n in zip(columns.original, columns.names, strict=True)
        )
        source = f"(SELECT {select} FROM read_parquet({quote_literal(str(path))}))"
    else:
        source = read_csv_sql(path, columns, rejects=rejects)
    where = ""
    if is_data_out([n.strip().lower() for n in columns.original]):
        flags = [f"coalesce(lower(CAST({quote_ident(f)} AS VARCHAR)), '') NOT IN ('true', 't', '1')"
                 for f in DATA_OUT_FLAGS if f in columns.names]  # fmt: skip
        where = f" WHERE {' AND '.join(flags)}" if flags else ""
    extra = f", row_number() OVER () AS {quote_ident(ordinal)}" if ordinal else ""
    return f"SELECT *{extra} FROM {source} AS x{where}"


__all__ = ["export_select", "file_header", "is_parquet", "parse_columns", "read_columns", "table_people_columns"]
