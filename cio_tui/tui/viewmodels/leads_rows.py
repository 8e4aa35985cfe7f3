"""The Leads screen's model, without Textual: leads, the ids attached to them (typed or from CSV), and each row's
check result, plus the mapping from the engine's ``PlanBuild`` (excluded rows, merge proposals) back to rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cio_tui.customerio.identifiers import normalize_email
from cio_tui.customerio.models import PersonRef
from cio_tui.identity.leads import IdRow, check_row
from cio_tui.identity.rows import MergeProposal, PlanBuild
from cio_tui.tui.viewmodels.csv_rows import CsvRow, RowIssue, RowStatus

CheckStatus = RowStatus | Literal["unchecked"]
"""A row's check: the CSV problems' scale, plus "not checked yet"."""


@dataclass(frozen=True)
class Check:
    severity: CheckStatus
    message: str


UNCHECKED = Check("unchecked", "not checked against the workspace yet (press c)")


@dataclass(frozen=True)
class LeadRow:
    cio_id: str
    email: str
    new_id: str = ""
    check: Check | None = None


@dataclass(frozen=True)
class Attached:
    new_id: str
    line: int | None  # CSV line, None when typed
    email: str  # as written


@dataclass
class LeadsModel:
    leads: list[PersonRef] = field(default_factory=list)
    source: str = ""  # "live search" or the export file name
    typed: dict[str, Attached] = field(default_factory=dict)  # by normalised email
    from_csv: dict[str, Attached] = field(default_factory=dict)
    csv_extra: list[Attached] = field(default_factory=list)  # CSV rows whose email is given twice
    checks: dict[str, Check] = field(default_factory=dict)
    proposals: list[MergeProposal] = field(default_factory=list)
    replaced_typed: int = 0  # typed ids the last CSV replaced with another value (the screen says so)

    # -- attaching ids --------------------------------------------------------------------------------
    def attached(self) -> dict[str, Attached]:
        """The latest wins: an id typed after a CSV beats its row; a CSV read after typing replaces the typed ids of
        the emails it names (``set_csv_rows`` drops them and counts the ones it changed)."""
        return {**self.from_csv, **self.typed}

    def type_id(self, email: str, new_id: str) -> None:
        key = normalize_email(email)
        if new_id:
            self.typed[key] = Attached(new_id, None, email)
        else:
            self.typed.pop(key, None)
        self.checks.pop(key, None)
        local = self.local_check(email, new_id)
        if local is not None:
            self.checks[key] = local

    def typed_replaced_by(self, rows: list[CsvRow]) -> int:
        """How many typed ids the rows would replace with another value (``set_csv_rows`` drops them)."""
        ids: dict[str, str] = {}
        for row in rows:
            email, new_id = row.values.get("email", ""), row.values.get("id", "")
            if email and new_id:
                ids.setdefault(normalize_email(email), new_id)
        return sum(1 for key, typed in self.typed.items() if key in ids and ids[key] != typed.new_id)

    def set_csv_rows(self, rows: list[CsvRow]) -> list[RowIssue]:
        """Take the pasted/loaded CSV rows; returns the local per-line issues (shape, not a lead here)."""
        self.from_csv, self.csv_extra = {}, []
        issues: list[RowIssue] = []
        known = {normalize_email(lead.email or "") for lead in self.leads}
        for row in rows:
            email, new_id = row.values.get("email", ""), row.values.get("id", "")
            if not email or not new_id:
                continue
            attached = Attached(new_id, row.line, email)
            key = normalize_email(email)
            if key in self.from_csv:
                self.csv_extra.append(attached)
            else:
                self.from_csv[key] = attached
            problem = check_row(IdRow(line=row.line, email=email, id=new_id))
            if problem:
                issues.append(RowIssue(row.line, problem, "error", new_id))
            elif self.leads and key not in known:
                issues.append(
                    RowIssue(
                        row.line,
                        "not among the leads loaded here (checked against the workspace when you press c)",
                        "warning",
                        email,
                    )
                )
        replaced = [key for key in self.typed if key in self.from_csv]
        self.replaced_typed = sum(1 for key in replaced if self.typed[key].new_id != self.from_csv[key].new_id)
        for key in replaced:
            del self.typed[key]
        self.checks = {k: v for k, v in self.checks.items() if k in self.typed}
        return issues

    @staticmethod
    def local_check(email: str, new_id: str) -> Check | None:
        if not new_id:
            return None
        problem = check_row(IdRow(email=email, id=new_id))
        return Check("error", problem) if problem else None

    def id_rows(self) -> list[IdRow]:
        """Every attached id, in CSV line order then typed, as the engine takes them."""
        attached = sorted(self.attached().values(), key=lambda a: (a.line is None, a.line or 0))
        rows = [IdRow(line=a.line, email=a.email, id=a.new_id) for a in [*attached, *self.csv_extra]]
        return sorted(rows, key=lambda r: (r.line is None, r.line or 0))

    # -- the engine's verdict ------------------------------------------------------------------------
    def apply_build(self, build: PlanBuild) -> list[RowIssue]:
        """Record the engine's checks per email; returns the per-line issues for the CSV panel."""
        self.checks = {}
        self.proposals = list(build.proposals)
        proposal_keys = {(p.line, normalize_email(p.secondary.email or "")) for p in build.proposals}
        issues: list[RowIssue] = []
        for row in build.excluded:
            key = normalize_email(row.key)
            merge = (row.line, key) in proposal_keys
            severity: RowStatus = "merge" if merge else "error"
            check = Check(severity, row.message)
            self.checks.setdefault(key, check)
            if row.line is not None:
                issues.append(RowIssue(row.line, check.message, severity, row.value))
        planned = {op.preconditions[0].fields.get("email") for op in build.plan.operations if op.preconditions}
        for email in planned:
            if isinstance(email, str):
                self.checks[normalize_email(email)] = Check("ok", "ready: will be converted")
        return issues

    # -- rows for the table ---------------------------------------------------------------------------
    def rows(self, text: str = "") -> list[LeadRow]:
        attached = self.attached()
        words = text.lower().split()
        out = []
        for lead in self.leads:
            key = normalize_email(lead.email or "")
            new_id = attached[key].new_id if key in attached else ""
            hay = f"{lead.cio_id} {lead.email} {new_id}".lower()
            if words and not all(w in hay for w in words):
                continue
            check = self.checks.get(key) or (UNCHECKED if new_id else None)
            out.append(LeadRow(lead.cio_id, lead.email or "", new_id, check))
        return out

    def counts(self) -> dict[str, int]:
        # "attached" counts the leads shown here that have an id; the ids of a CSV whose emails are not among them
        # (a file for a bigger list, or other people) are counted apart instead of as attached leads.
        attached = self.attached()
        known = {normalize_email(lead.email or "") for lead in self.leads}
        on_leads = sum(1 for key in attached if key in known)
        out = {"leads": len(self.leads), "attached": on_leads, "not_leads": len(attached) - on_leads}
        for check in self.checks.values():
            out[check.severity] = out.get(check.severity, 0) + 1
        return out
