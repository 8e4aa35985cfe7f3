"""The starting people of a replay, from a Customer.io people export (CSV, optionally gzipped).

The header holds ``cio_id``, ``id``, ``email`` and ``created_at`` (case-insensitive); ``unsubscribed`` is the
subscription flag; every other column is an attribute. Cells are text, as the export writes them; ``created_at`` may
be unix seconds or an ISO date. A row without a ``cio_id`` is reported and left out.
"""

from __future__ import annotations

import csv
import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

from cio_tui.errors import UserError
from cio_tui.model import Person

REQUIRED = ("cio_id", "id", "email", "created_at")


class PeopleExportError(UserError, ValueError):
    """The export cannot be read (no such file, no header, a required column missing)."""


def _created(value: str) -> int:
    text = value.strip()
    if not text:
        return 0
    try:
        return int(float(text))
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return 0
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def read_people_export(path: Path) -> tuple[list[Person], list[str]]:
    """(people, problems); a problem names its line."""
    if not path.is_file():
        raise PeopleExportError(f"no such file: {path}")
    with path.open("rb") as probe:
        zipped = probe.read(2) == b"\x1f\x8b"
    binary = gzip.open(path, "rb") if zipped else path.open("rb")
    with io.TextIOWrapper(binary, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise PeopleExportError(f"{path.name} is empty: export the people of the workspace as CSV")
        names = [h.strip().lower() for h in header]
        missing = [r for r in REQUIRED if r not in names]
        if missing:
            raise PeopleExportError(f"{path.name}: the header has no {', '.join(missing)} column (line 1)")
        at = {n: names.index(n) for n in REQUIRED}
        unsub = names.index("unsubscribed") if "unsubscribed" in names else None
        extra = [(i, header[i].strip()) for i, n in enumerate(names) if n not in REQUIRED and n != "unsubscribed"]
        people: list[Person] = []
        problems: list[str] = []
        for row in reader:
            line = reader.line_num
            if len(row) != len(header):
                problems.append(f"line {line}: {len(row)} fields, the header has {len(header)}")
                continue
            cio_id = row[at["cio_id"]].strip()
            if not cio_id:
                problems.append(f"line {line}: no cio_id, the person is left out")
                continue
            created = _created(row[at["created_at"]])
            attrs = {name: row[i] for i, name in extra if row[i] != ""}
            unsubscribed = unsub is not None and row[unsub].strip().lower() in ("true", "1")
            people.append(Person(len(people) + 1, cio_id, row[at["id"]].strip() or None,
                                 row[at["email"]].strip() or None, created, created, unsubscribed, attrs))  # fmt: skip
    return people, problems
