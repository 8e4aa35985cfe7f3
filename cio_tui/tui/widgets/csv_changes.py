"""Identifier changes (``cio_id,new_id,new_email``) as the Identifiers screen shows them: typed for a picked person or
read from CSV, previewed old -> new, each with its check (local at once, the engine's after ``c``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError
from rich.text import Text
from textual.widgets.data_table import CellDoesNotExist

from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.customerio.models import PersonRef
from cio_tui.identity.fixes import IdentifierChange, check_change
from cio_tui.identity.rows import MergeProposal, PlanBuild
from cio_tui.tui.viewmodels.csv_rows import CsvRow, RowIssue, RowStatus
from cio_tui.tui.viewmodels.leads_rows import UNCHECKED, Check
from cio_tui.tui.widgets.fit_table import Col, FitTable
from cio_tui.tui.widgets.leads_table import check_text

RowKey = tuple[int | None, str]  # (CSV line or None when typed, ``subject_key``)
NAMES_NOBODY = "this line names no person: fill its cio_id, id or email"


def subject_key(change: IdentifierChange) -> str:
    """The cio_id without prefix, or "email x@y.z" / "id u1" for a CSV row not resolved to a cio_id yet."""
    return change.cio_id if change.cio_id or change.by == "cio_id" else f"{change.by} {change.subject}"


def shown_person(key: str) -> str:
    return key if " " in key else f"cio_{key}"


def identifier_problem(exc: Exception) -> str:
    """The operator-facing reason inside an IdentifierError, also when pydantic wrapped it."""
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        inner = first.get("ctx", {}).get("error")
        return str(inner) if inner else str(first.get("msg", exc)).removeprefix("Value error, ")
    return str(exc)


def norm_cio(value: str) -> str:
    try:
        return Identifier.cio(value).value
    except (IdentifierError, ValueError):
        return value


@dataclass(frozen=True)
class ChangeRow:
    line: int | None
    cio_id: str
    old_id: str | None
    new_id: str | None
    old_email: str | None
    new_email: str | None
    check: Check

    @property
    def key(self) -> str:
        return f"{self.line if self.line is not None else 'typed'}:{self.cio_id}"


def _arrow(old: str | None, new: str | None, known: bool) -> str:
    if not new:
        return "(unchanged)"
    before = (old or "(none)") if known else "?"
    return f"{before} -> {new}"


@dataclass
class ChangesModel:
    typed: dict[str, IdentifierChange] = field(default_factory=dict)  # by cio_id
    from_csv: list[IdentifierChange] = field(default_factory=list)
    current: dict[str, PersonRef | None] = field(default_factory=dict)  # people read so far (None = not found)
    checks: dict[RowKey, Check] = field(default_factory=dict)
    proposals: list[MergeProposal] = field(default_factory=list)

    def changes(self) -> list[IdentifierChange]:
        return [*self.from_csv, *self.typed.values()]

    def add_typed(self, cio_id: str, new_id: str, new_email: str) -> Check | None:
        """Add (or replace) the change for one person; returns the local problem, if any (the row is kept)."""
        change = IdentifierChange(cio_id=norm_cio(cio_id), new_id=new_id or None, new_email=new_email or None)
        self.typed[change.cio_id] = change
        problem = check_change(change)
        key = (None, change.cio_id)
        self.checks.pop(key, None)
        if problem:
            self.checks[key] = Check("error", problem)
            return self.checks[key]
        return None

    def remove_typed(self, cio_id: str) -> None:
        self.typed.pop(cio_id, None)
        self.checks.pop((None, cio_id), None)

    def set_csv_rows(self, rows: list[CsvRow]) -> list[RowIssue]:
        self.from_csv = []
        self.checks = {k: v for k, v in self.checks.items() if k[0] is None}
        issues: list[RowIssue] = []
        for row in rows:
            v = row.values
            new_id, new_email = v.get("new_id") or None, v.get("new_email") or None
            cio_id = norm_cio(v.get("cio_id", ""))
            named: Literal["id", "email"] | None = "id" if v.get("id") else "email" if v.get("email") else None
            if cio_id or named is None:
                change = IdentifierChange(line=row.line, cio_id=cio_id, new_id=new_id, new_email=new_email)
            else:  # the person named by id or email: the check resolves them to their cio_id
                change = IdentifierChange(
                    line=row.line, cio_id="", by=named, subject=v[named], new_id=new_id, new_email=new_email
                )
            self.from_csv.append(change)
            problem = NAMES_NOBODY if not cio_id and named is None else check_change(change)
            if problem:
                self.checks[(row.line, subject_key(change))] = Check("error", problem)
                issues.append(RowIssue(row.line, problem, "error", change.describe()))
        return issues

    def resolved(self, changes: list[IdentifierChange]) -> None:
        """The CSV rows as the check resolved them (an id or email row now carries its person's cio_id)."""
        by_line = {c.line: c for c in changes if c.line is not None}
        self.from_csv = [by_line.get(c.line, c) if not c.cio_id and c.line is not None else c for c in self.from_csv]

    def apply_build(self, build: PlanBuild) -> list[RowIssue]:
        """The engine's verdict per row; returns the CSV panel's issues for CSV lines."""
        self.checks, self.proposals = {}, list(build.proposals)
        merges = {(p.line, p.secondary.cio_id) for p in build.proposals}
        issues: list[RowIssue] = []
        excluded: set[RowKey] = set()
        for row in build.excluded:
            cid = row.key.removeprefix("cio_")
            key = (row.line, cid)
            excluded.add(key)
            severity: RowStatus = "merge" if key in merges else "error"
            check = Check(severity, row.message)
            self.checks[key] = check
            if row.line is not None:
                issues.append(RowIssue(row.line, check.message, severity, row.value))
        planned = {op.preconditions[0].cio_id for op in build.plan.operations if op.preconditions}
        for change in self.changes():
            key = (change.line, subject_key(change))
            if key not in excluded and change.cio_id in planned:
                warning = build.warnings.get(change.cio_id)
                self.checks[key] = (
                    Check("warning", f"ready: will be changed, but {warning}")
                    if warning
                    else Check("ok", "ready: will be changed")
                )
                if warning and change.line is not None:
                    issues.append(RowIssue(change.line, self.checks[key].message, "warning", change.describe()))
        return issues

    def rows(self) -> list[ChangeRow]:
        out = []
        for c in self.changes():
            ref = self.current.get(c.cio_id)
            out.append(
                ChangeRow(
                    line=c.line,
                    cio_id=subject_key(c),
                    old_id=ref.id if ref else None,
                    new_id=c.new_id,
                    old_email=ref.email if ref else None,
                    new_email=c.new_email,
                    check=self.checks.get((c.line, subject_key(c)), UNCHECKED),
                )
            )
        return out

    def preview(self, row: ChangeRow) -> tuple[str, str]:
        known = row.cio_id in self.current
        return _arrow(row.old_id, row.new_id, known), _arrow(row.old_email, row.new_email, known)


class ChangesTable(FitTable):
    """One row per requested change: where it came from, the person, id and email old -> new, the check. The id
    change and the check are shown whole first; the detail pane below shows the highlighted row whole."""

    DEFAULT_CSS = """
    ChangesTable { height: 1fr; min-height: 4; }
    """
    FIT_COLUMNS = (
        Col("from", "From", priority=3, min=5),
        Col("cio_id", "cio_id", priority=1, min=8),
        Col("id", "id (old -> new)", priority=1, min=12),
        Col("email", "email (old -> new)", priority=2, min=10),
        Col("check", "Check", priority=2, min=10),
    )

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.change_rows: dict[str, ChangeRow] = {}

    def load(self, model: ChangesModel) -> None:
        self.clear()
        rows = model.rows()
        self.change_rows = {r.key: r for r in rows}
        for r in rows:
            id_change, email_change = model.preview(r)
            origin = f"line {r.line}" if r.line is not None else "typed"
            cells = (Text(origin), Text(shown_person(r.cio_id)), Text(id_change), Text(email_change))
            self.add_row(*cells, check_text(r.check), key=r.key)

    @property
    def highlighted(self) -> ChangeRow | None:
        if not self.change_rows:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None
        return self.change_rows.get(key or "")


def change_detail(model: ChangesModel, row: ChangeRow | None) -> Text:
    if row is None:
        return Text("")
    id_change, email_change = model.preview(row)
    return Text(f"{shown_person(row.cio_id)}: id {id_change}; email {email_change}. ") + check_text(row.check)
