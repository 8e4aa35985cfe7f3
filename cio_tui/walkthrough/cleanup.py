"""Deletion and suppression: turn a CSV of people to delete or suppress into a Plan for the apply engine.

Typical source: the Segment GDPR suppressions the operator lists. Every row is resolved to one existing person
(read-only lookups) before it becomes an operation, so the plan's preconditions name exactly who is removed. The
plan is flagged for the strongest confirmation: deletion cannot be undone, and suppression deletes the profile for
good and blocks its identifiers (unsuppressing later does not bring the profile back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, cast

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier, IdentifierError, IdKind
from cio_tui.customerio.models import PersonRef
from cio_tui.errors import UserError
from cio_tui.identity import operations
from cio_tui.identity.csv_reader import CsvFormatError, read_table
from cio_tui.identity.plan import OpKind, Plan, PlanSource

Action = Literal["delete", "suppress"]
ACTIONS = ("delete", "suppress")
IRREVERSIBLE_WARNING = (
    "IRREVERSIBLE: deleted people cannot be restored, and suppression cannot be undone: it deletes the profile for "
    "good and blocks its identifiers; unsuppressing later only frees the identifiers, the profile and its history "
    "never come back."
)
STRONGEST_CONFIRMATION = "strongest"


ID_COLUMNS = ("identifier", "cio_id", "id", "email")


class CleanupError(UserError, ValueError):
    """The CSV cannot be used; the message says what to fix."""

    exit_code = 1


@dataclass(frozen=True)
class CleanupRow:
    line: int
    identifier: str
    kind: IdKind | None
    action: Action


@dataclass(frozen=True)
class Excluded:
    line: int
    identifier: str
    reason: str


@dataclass
class CleanupPlan:
    plan: Plan | None
    excluded: list[Excluded] = field(default_factory=list)
    warning: str = IRREVERSIBLE_WARNING
    confirmation: str = STRONGEST_CONFIRMATION

    @property
    def irreversible(self) -> bool:
        return self.plan is not None and requires_strongest_confirmation(self.plan)

    def counts(self) -> dict[str, int]:
        ops = self.plan.operations if self.plan else []
        return {
            "delete": sum(1 for op in ops if op.kind is OpKind.DELETE),
            "suppress": sum(1 for op in ops if op.kind is OpKind.SUPPRESS),
            "excluded": len(self.excluded),
        }


def requires_strongest_confirmation(plan: Plan) -> bool:
    """True when the plan deletes or suppresses anyone: confirm by typing the workspace name and the count."""
    return any(op.kind in (OpKind.DELETE, OpKind.SUPPRESS) for op in plan.operations)


def parse_cleanup_csv(text: str, *, default_action: Action | None = None, where: str = "the CSV") -> list[CleanupRow]:
    """Rows of a CSV with a header: one of ``identifier`` (kind auto-detected), ``cio_id``, ``id``, ``email``;
    and an ``action`` column (``delete`` or ``suppress``) unless ``default_action`` is given. Read by the one CSV
    reader (``identity.csv_reader``)."""
    return _cleanup_rows(None, text, where, default_action)


def _cleanup_rows(path: Path | None, text: str | None, where: str, default_action: Action | None) -> list[CleanupRow]:
    try:
        names, table = read_table(path, [], text=text, optional=(*ID_COLUMNS, "action"), where=where)
    except CsvFormatError as exc:
        if "is empty" in str(exc):
            raise CleanupError("the CSV needs a header with an identifier, cio_id, id or email column") from None
        raise CleanupError(str(exc)) from None
    columns = [c for c in ID_COLUMNS if c in names]
    if not columns:
        raise CleanupError("the CSV needs a header with an identifier, cio_id, id or email column")
    if "action" not in names and default_action is None:
        raise CleanupError("the CSV has no action column: add one (delete or suppress) or choose an action")
    rows: list[CleanupRow] = []
    for record in table:
        value, kind = "", None
        for col in columns:
            value = record.values[col]
            if value:
                kind = None if col == "identifier" else IdKind(col)
                break
        action = record.values["action"].lower() or (default_action or "")
        if not value and not action:
            continue
        if action not in ACTIONS:
            raise CleanupError(f"line {record.line}: action must be delete or suppress, not {action!r}")
        rows.append(CleanupRow(record.line, value, kind, cast("Action", action)))  # one of ACTIONS, checked above
    return rows


async def _resolve(client: CioClient, who: Identifier) -> tuple[PersonRef | None, str]:
    if who.kind is IdKind.EMAIL:
        matches = await client.customers_by_email(who.value)
        if len(matches) > 1:
            return None, (
                f"{len(matches)} people have this email; list their cio_ids instead: "
                + ", ".join(f"cio_{m.cio_id}" for m in matches)
            )
        return (matches[0], "") if matches else (None, "no person has this email; nothing to remove")
    person = await client.get_person(who)
    if person is None:
        return None, f"no person with {who.kind.value} {who}; nothing to remove"
    return person.ref, ""


async def build_cleanup_plan(
    client: CioClient,
    rows: list[CleanupRow],
    *,
    workspace_fingerprint: str,
    workspace_name: str,
    now: datetime,
) -> CleanupPlan:
    """Resolve every row to one person and plan its deletion or suppression; rows that cannot be are excluded."""
    excluded: list[Excluded] = []
    ops = []
    seen: dict[str, int] = {}
    for row in rows:
        if not row.identifier:
            excluded.append(Excluded(row.line, "", "empty identifier"))
            continue
        try:
            who = Identifier.detect(row.identifier, row.kind)
        except IdentifierError as exc:
            excluded.append(Excluded(row.line, row.identifier, str(exc)))
            continue
        ref, reason = await _resolve(client, who)
        if ref is None:
            excluded.append(Excluded(row.line, row.identifier, reason))
            continue
        if ref.cio_id in seen:
            excluded.append(Excluded(row.line, row.identifier, f"same person as line {seen[ref.cio_id]}"))
            continue
        seen[ref.cio_id] = row.line
        ops.append(operations.suppress(ref) if row.action == "suppress" else operations.delete(ref))
    plan = None
    if ops:
        kinds = {op.kind.value for op in ops}
        plan = Plan.create(
            workspace_fingerprint=workspace_fingerprint,
            workspace_name=workspace_name,
            source=PlanSource.DELETE_SUPPRESS,
            operations=ops,
            description=f"{' and '.join(sorted(kinds))} {len(ops)} people. {IRREVERSIBLE_WARNING}",
            created_at=now,
        )
    return CleanupPlan(plan=plan, excluded=excluded)


def read_cleanup_csv(path: Path, *, default_action: Action | None = None) -> list[CleanupRow]:
    """The file streamed through the one CSV reader (never read whole)."""
    return _cleanup_rows(Path(path), None, str(path), default_action)
