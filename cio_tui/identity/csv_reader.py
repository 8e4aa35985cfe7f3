"""The one CSV reader of cio-tui: files and pasted text, for the CLI, the TUI and the Walkthrough alike.

- streaming: a file is read a bounded piece at a time, never whole (a 2 GB line is refused, not loaded);
- record-accurate line numbers: each record carries the line it starts on, even after quoted cells that span
  lines, blank lines or a byte-order mark;
- a cell over ``MAX_CELL`` characters, a quote left open, text that is not UTF-8, or a record with more fields
  than the header are errors that name the line and say what to do.

``read_table(source, columns, ...)`` reads a CSV whose header names ``columns`` (any order, case-insensitive,
extra columns ignored) into ``TableRow``s; ``iter_records`` gives the raw records.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cio_tui.errors import UserError

PROGRESS_EVERY = 500  # records between two progress calls
MAX_CELL = 65_536  # characters in one cell; an id is at most 150 bytes, an email a few hundred
_PIECE = MAX_CELL + 1  # a physical line is read at most this much at a time


class CsvFormatError(UserError, ValueError):
    """The file is not the CSV expected; the message names the line or the header and what to do."""


@dataclass(frozen=True)
class CsvRecord:
    line: int  # the line the record starts on (the header is line 1)
    cells: list[str]


@dataclass(frozen=True)
class TableRow:
    line: int
    values: dict[str, str]  # every wanted column, stripped of surrounding spaces ("" when absent)
    cells: list[str]  # the record as read


def _lines(fh: TextIO, where: str) -> Iterator[str]:
    """Physical lines, each read in bounded pieces: a line longer than a cell may be is refused as soon as it
    is seen, before more of it is read."""
    number = 0
    while True:
        try:
            piece = fh.readline(_PIECE)
        except UnicodeDecodeError as exc:
            raise CsvFormatError(
                f"{where}: line {number + 1} is not UTF-8 text (byte {exc.start} of a read); save the file as UTF-8 CSV"
            ) from None
        if not piece:
            return
        if len(piece) >= _PIECE and not piece.endswith(("\n", "\r")):
            raise CsvFormatError(
                f"{where}: line {number + 1} is longer than {MAX_CELL} characters; no cell may be that long. "
                "Is this the right file?"
            )
        number += 1
        if number == 1:
            piece = piece.lstrip("\ufeff")
        yield piece


def iter_records(fh: TextIO, where: str = "the CSV") -> Iterator[CsvRecord]:
    """Records of an open text stream, with the line each starts on. Blank lines give empty records."""
    reader = csv.reader(_lines(fh, where), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            text = str(exc)
            if "field larger than field limit" in text:
                raise CsvFormatError(
                    f"{where}: the record starting on line {start} has a cell longer than "
                    f"{csv.field_size_limit()} characters; is a quote left open?"
                ) from None
            if "unexpected end of data" in text:
                raise CsvFormatError(
                    f"{where}: the quote opened on line {start} is never closed, so every line after it would be "
                    "read as one cell; close the quote (or remove it)"
                ) from None
            raise CsvFormatError(
                f"{where}: line {reader.line_num} is not valid CSV ({text}); a quote inside a cell must be "
                'doubled ("") and the cell quoted'
            ) from None
        yield CsvRecord(start, cells)
        start = reader.line_num + 1


@dataclass
class _Source:
    where: str
    text: str | None = None
    path: Path | None = None

    def open(self) -> TextIO:
        if self.text is not None:
            return io.StringIO(self.text)
        assert self.path is not None
        try:
            return self.path.open(encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            raise CsvFormatError(f"no file at {self.path}") from None
        except IsADirectoryError:
            raise CsvFormatError(f"{self.path} is a folder, not a CSV file") from None
        except OSError as exc:
            raise CsvFormatError(f"cannot read {self.path}: {exc.strerror or exc}") from None


def read_table(
    source: str | Path | None,
    columns: Iterable[str],
    *,
    text: str | None = None,
    optional: Iterable[str] = (),
    where: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[str], list[TableRow]]:
    """(header, rows) of a CSV whose header holds ``columns``; ``optional`` columns are read when present. Blank
    lines are skipped; a record with more fields than the header is an error (an unquoted comma in a value).
    ``progress(line)`` is called every ``PROGRESS_EVERY`` records with the line reached (a big file in a worker)."""
    columns, optional = list(columns), list(optional)
    label = where or (str(source) if source is not None else "the pasted text")
    src = _Source(label, text=text, path=Path(source) if text is None and source is not None else None)
    wanted = ",".join(columns)
    with src.open() as fh:
        records = iter_records(fh, label)
        header_record = next((r for r in records if any(c.strip() for c in r.cells)), None)
        if header_record is None:
            raise CsvFormatError(f"{label} is empty; the first line must be the header `{wanted}`")
        names = [h.strip().lower() for h in header_record.cells]
        missing = [c for c in columns if c not in names]
        if missing:
            raise CsvFormatError(f"{label}: the header has no {', '.join(missing)} column; it must be `{wanted}`")
        index = {c: names.index(c) for c in [*columns, *optional] if c in names}
        rows: list[TableRow] = []
        for count, record in enumerate(records, start=1):
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(record.line)
            if not any(cell.strip() for cell in record.cells):
                continue
            if len(record.cells) > len(names):
                raise CsvFormatError(
                    f"{label}: line {record.line} has {len(record.cells)} fields but the header has {len(names)}; "
                    'a value with a comma must be quoted (for example "Acme, Inc")'
                )
            values = {c: (record.cells[i] if i < len(record.cells) else "").strip() for c, i in index.items()}
            rows.append(TableRow(record.line, {c: values.get(c, "") for c in [*columns, *optional]}, record.cells))
    return names, rows


__all__ = ["MAX_CELL", "CsvFormatError", "CsvRecord", "TableRow", "iter_records", "read_table"]
