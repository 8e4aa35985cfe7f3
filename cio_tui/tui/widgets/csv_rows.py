"""Parsing pasted CSV text into rows with per-line issues (pure; no Textual, no IO).

Used by ``CsvInput``: the operator pastes ``email,id`` (leads) or ``cio_id,new_id,new_email`` (identifier fixes),
or the screen reads a file in a worker and hands its text here. Issues carry the 1-based line number of the text,
so they can be shown next to the row they belong to.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "merge", "warning", "ok"]


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class RowIssue:
    """A problem (or note) about one input line; ``line`` 0 means the whole input (e.g. the header)."""

    line: int
    message: str
    severity: Severity = "error"
    value: str = ""


@dataclass
class ParsedCsv:
    columns: tuple[str, ...]
    rows: list[CsvRow] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity == "error"]


def parse_csv_text(text: str, columns: tuple[str, ...], *, required: tuple[str, ...] | None = None) -> ParsedCsv:
    """Parse ``text`` whose first non-empty line is a header naming ``columns`` (any order, extras ignored).

    ``required`` columns (default: the first) must be in the header and non-empty on every row; the others may be
    absent (read as ""). Blank lines are skipped.
    """
    result = ParsedCsv(columns=columns)
    required = required if required is not None else columns[:1]
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        return result
    reader = csv.reader(io.StringIO("\n".join(lines[start:])))
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in required if c not in header]
    if missing:
        result.issues.append(
            RowIssue(
                line=start + 1,
                message=f"the header must name the columns {','.join(columns)}; missing: {', '.join(missing)}",
            )
        )
        return result
    index = {name: header.index(name) for name in columns if name in header}
    for cells in reader:
        offset = start + reader.line_num
        if not any(c.strip() for c in cells):
            continue
        values = {name: (cells[i].strip() if i < len(cells) else "") for name, i in index.items()}
        for name in columns:
            values.setdefault(name, "")
        result.rows.append(CsvRow(line=offset, values=values))
        for name in required:
            if not values[name]:
                result.issues.append(RowIssue(line=offset, message=f"{name} is empty", value=",".join(cells)))
    return result
