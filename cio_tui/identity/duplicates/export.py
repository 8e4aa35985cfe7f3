"""Reading a Customer.io people export (CSV) into DuckDB, with every problem reported by line number.

The header must hold ``cio_id``, ``id``, ``email`` and ``created_at`` (matched case-insensitively, surrounding spaces
ignored); every other column is an attribute (notably ``anonymous_id``). A missing required column is reported
against line 1 and read as empty, so the rest of the file is still analysed. Rows that do not parse (wrong number of
fields, bad quoting, bad encoding) are skipped by DuckDB and reported from its rejects table with their line number;
rows without a ``cio_id`` are reported and left out (a person without a ``cio_id`` cannot be merged).

The file is read once, by DuckDB's ``read_csv`` with explicit options (no sniffing: every column is text).
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb

from cio_tui.errors import UserError

REQUIRED = ("cio_id", "id", "email", "created_at")
ANONYMOUS_ID = "anonymous_id"
PEOPLE_TABLE = "people"
REJECTS_TABLE = "cio_rejects"
REJECTS_SCAN = "cio_rejects_scan"


class ExportError(UserError, ValueError):
    """The export cannot be read at all (missing file, empty file, no header). The message says what to do."""

    exit_code = 1  # a user error for the CLI


@dataclass(frozen=True, slots=True)
class ExportProblem:
    """One problem in the export, with the line of the file it is on (1 = the header).

    A plain dataclass, not pydantic: the ``duplicates`` command must not pay pydantic's import on its path."""

    line: int
    kind: Literal["missing_column", "duplicate_column", "malformed_row", "missing_cio_id", "duplicate_cio_id"]
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ExportColumns:
    """The header as read: the file's column names, their canonical (lower-case) names, and their roles."""

    original: list[str]
    names: list[str]
    missing: list[str] = field(default_factory=list)
    problems: list[ExportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # how the file was read (e.g. as a Data Out People file)

    @property
    def attributes(self) -> list[str]:
        """Every column that is not one of the four required ones, in file order."""
        return [n for n in self.names if n not in REQUIRED]

    @property
    def email_attributes(self) -> list[str]:
        """Attribute columns that hold an email (``email_address``, ``traits_email``...): the lead rule reads them."""
        return [n for n in self.attributes if "email" in n]

    @property
    def has_anonymous_id(self) -> bool:
        return ANONYMOUS_ID in self.names


def is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def require_people_columns(name: str, original: list[str], names: list[str]) -> None:
    """Refuse a file that cannot be a people export: without cio_id no group could be merged, and without any
    identifying column no rule can find anything (the wrong file), so it is refused instead of analysed into an
    empty result."""
    missing = [r for r in REQUIRED if r not in names]
    if "cio_id" in missing or not {"id", "email", "anonymous_id"} & set(names):
        found = ", ".join(original[:8]) + (", ..." if len(original) > 8 else "")
        raise ExportError(
            f"{name} is not a people export: its header ({found}) has no "
            + ("'cio_id' column" if "cio_id" in missing else "'id', 'email' or 'anonymous_id' column")
            + "; pass a people export with the columns cio_id, id, email and created_at (or use --live), or map "
            "your file's own column names with --columns cio_id=COLUMN,id=COLUMN,..."
        )


HEADER_LIMIT = 1_000_000  # characters: a header of thousands of attribute columns still fits


def read_header(path: str | Path, *, check: bool = True) -> ExportColumns:
    """Read and check the header line (the only part of the file Python reads itself). ``check=False`` leaves the
    people-export check to the caller (who first maps the file's own column names)."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"no export file at {path}; pass the path of a people export CSV")
    opener = gzip.open if is_gzip(path) else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
            first = fh.readline(HEADER_LIMIT)  # bounded: a file with no line breaks is not read whole
    except UnicodeDecodeError as exc:
        raise ExportError(
            f"{path}: the header row is not UTF-8 text (byte {exc.start}); export the people again as UTF-8 CSV"
        ) from None
    if len(first) >= HEADER_LIMIT and not first.endswith(("\n", "\r")):
        raise ExportError(f"{path}: the header row is longer than {HEADER_LIMIT} characters; is this a people export?")
    if not first.strip():
        raise ExportError(f"{path} is empty; a people export starts with a header row (cio_id,id,email,created_at,...)")
    original = next(csv.reader(io.StringIO(first)))
    names: list[str] = []
    problems: list[ExportProblem] = []
    for i, raw in enumerate(original, start=1):
        name = raw.strip().lower() or f"column_{i}"
        if name in names:
            renamed = f"{name}_{i}"
            problems.append(
                ExportProblem(
                    line=1,
                    kind="duplicate_column",
                    message=f"column {i} repeats the name {raw!r}; it is read as the attribute {renamed!r}",
                )
            )
            name = renamed
        names.append(name)
    missing = [r for r in REQUIRED if r not in names]
    if check:
        require_people_columns(path.name, original, names)
    for name in missing:
        problems.append(
            ExportProblem(
                line=1,
                kind="missing_column",
                message=f"the header has no {name!r} column; it is read as empty "
                + ("(no person can be merged without it)" if name == "cio_id" else "(rules that need it find nothing)"),
            )
        )
    return ExportColumns(original=original, names=names, missing=missing, problems=problems)


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def read_csv_sql(path: str | Path, columns: ExportColumns, *, rejects: bool = True) -> str:
    """The ``read_csv(...)`` call for this export: explicit options, every column text, bad rows to the rejects."""
    spec = ", ".join(f"{quote_literal(n)}: 'VARCHAR'" for n in columns.names)
    opts = [
        "header = true",
        "delim = ','",
        "quote = '\"'",
        "escape = '\"'",
        "auto_detect = false",
        f"columns = {{{spec}}}",
        "max_line_size = 4194304",
    ]
    if is_gzip(Path(path)):
        opts.append("compression = 'gzip'")
    if rejects:
        opts += ["store_rejects = true", f"rejects_table = '{REJECTS_TABLE}'", f"rejects_scan = '{REJECTS_SCAN}'"]
    return f"read_csv({quote_literal(str(path))}, {', '.join(opts)})"


@dataclass
class LoadedExport:
    path: Path
    columns: ExportColumns
    rows: int
    problems: list[ExportProblem]
    reject_lines: list[int]

    def line_of(self, rows: list[int]) -> dict[int, int]:
        """File line of accepted rows (0-based row numbers in file order), skipping over rejected lines.

        Exact unless a quoted value spans several lines, in which case later lines are shifted.
        """
        out: dict[int, int] = {}
        rejects = self.reject_lines
        j = 0
        for row in sorted(rows):
            line = row + 2 + j
            while j < len(rejects) and rejects[j] <= line:
                j += 1
                line = row + 2 + j
            out[row] = line
        return out


def collect_rejects(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """(line, message) for every rejected line, one message per line, in line order."""
    try:
        rows = con.execute(
            f"SELECT line, min(error_type::VARCHAR), min(error_message) FROM {REJECTS_TABLE} "
            "GROUP BY line ORDER BY line"
        ).fetchall()
    except duckdb.CatalogException:  # no rejects table: rejects were off
        return []
    return [(int(line), f"{kind.lower()}: {msg}; the row is skipped") for line, kind, msg in rows]
