"""Parsing pasted CSV text into rows with per-line issues (pure; no Textual, no IO).

Used by ``CsvInput``: the operator pastes ``email,id`` (leads) or ``cio_id,new_id,new_email`` (identifier fixes),
or the screen reads a file in a worker and hands its text here. Issues carry the 1-based line number of the text,
so they can be shown next to the row they belong to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from cio_tui.identity.csv_reader import CsvFormatError, read_table

RowStatus = Literal["error", "merge", "warning", "ok"]
"""What an issue says of its line (not a ``walkthrough.behaviour.Severity``: that scale is high/medium/low)."""


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class RowIssue:
    """A problem (or note) about one input line; ``line`` 0 means the whole input (e.g. the header)."""

    line: int
    message: str
    severity: RowStatus = "error"
    value: str = ""


@dataclass
class ParsedCsv:
    columns: tuple[str, ...]
    rows: list[CsvRow] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    refused: bool = False  # the header itself is wrong: the text holds no row to use (a file is not loaded)

    @property
    def errors(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity == "error"]


def parse_csv_text(
    text: str,
    columns: tuple[str, ...],
    *,
    required: tuple[str, ...] | None = None,
    progress: Callable[[int], None] | None = None,
    check_header: Callable[[str], str | None] | None = None,
) -> ParsedCsv:
    """Parse ``text`` whose first non-empty line is a header naming ``columns`` (any order, extras ignored), with
    the one CSV reader of the domain (``identity.csv_reader``: line numbers per record, quotes left open, cells
    too long and rows with more fields than the header reported).

    ``required`` columns (default: the first) must be in the header and non-empty on every row; the others may be
    absent (read as ""). Blank lines are skipped. A format error becomes one issue on its line. ``check_header``
    (the domain's rule for the header line, e.g. ``identity.fixes.header_problem``) refuses the whole text: no rows.
    """
    result = ParsedCsv(columns=columns)
    required = required if required is not None else columns[:1]
    if not text.strip():
        return result
    if check_header is not None:
        line, header = next((i, t) for i, t in enumerate(text.splitlines(), start=1) if t.strip())
        if (problem := check_header(header)) is not None:
            result.issues.append(RowIssue(line=line, message=problem))
            result.refused = True
            return result
    optional = tuple(c for c in columns if c not in required)
    try:
        _, rows = read_table(None, required, text=text, optional=optional, where="the pasted text", progress=progress)
    except CsvFormatError as exc:
        message = str(exc).removeprefix("the pasted text: ")
        match = re.search(r"line (\d+)", message)
        line = int(match.group(1)) if match else 0
        if missing := re.search(r"the header has no (.+) column", message):
            line = next(i for i, text_line in enumerate(text.splitlines(), start=1) if text_line.strip())
            message = f"the header must name the columns {','.join(columns)}; missing: {missing.group(1)}"
            result.refused = True
        result.issues.append(RowIssue(line=line, message=message))
        return result
    for row in rows:
        values = {name: row.values.get(name, "") for name in columns}
        result.rows.append(CsvRow(line=row.line, values=values))
        for name in required:
            if not values[name]:
                result.issues.append(RowIssue(line=row.line, message=f"{name} is empty", value=",".join(row.cells)))
    return result
