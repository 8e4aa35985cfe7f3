"""What lead conversion and identifier fixes share: CSV input with line numbers, excluded rows (local checks,
repeated lines), merge proposals, bulk lookups of who already holds an id or an email, and the finished build."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import InvalidInputError
from cio_tui.customerio.identifiers import Identifier, normalize_email
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.csv_reader import CsvFormatError, read_table
from cio_tui.identity.plan import Operation, Plan, PlanSource


class ExcludedRow(BaseModel):
    """A row left out of the plan: where it was, why, and what the operator can do."""

    model_config = ConfigDict(frozen=True)

    line: int | None  # line in the CSV (header = line 1); None for rows typed in a screen
    key: str  # the row's subject: an email (leads) or a cio_id (fixes)
    value: str  # the id or change requested
    reason: str
    action: str

    @property
    def message(self) -> str:
        """The reason, then what to do, as sentences: "No person has this email. Check the spelling; ..."."""
        return f"{sentence(self.reason)} {sentence(self.action)}".strip()


def sentence(text: str) -> str:
    """``text`` as a sentence: a lowercase first word capitalised (not a ``cio_`` id), ending in ``.``, ``!``, ``?``."""
    text = text.strip()
    if not text:
        return ""
    first = text.split(maxsplit=1)[0]
    if first[0].islower() and first.isalpha():
        text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else f"{text}."


class MergeProposal(BaseModel):
    """Two people who would collide: ``primary`` already holds the identifier, ``secondary`` wanted it.

    Never merged automatically; the operator can turn chosen proposals into a merge plan (``merge_plan``).
    """

    model_config = ConfigDict(frozen=True)

    line: int | None
    identifier: str
    primary: PersonRef
    secondary: PersonRef


class PlanBuild(BaseModel):
    """A plan plus every row left out of it, and the merge proposals found on the way."""

    plan: Plan
    excluded: list[ExcludedRow]
    proposals: list[MergeProposal]
    warnings: dict[str, str] = Field(default_factory=dict)
    """Planned changes that need a second look, by the person's cio_id (e.g. a new id that differs only in case
    from another person's id): still planned, said next to the row."""

    def summary_lines(self) -> list[str]:
        lines = [f"{len(self.plan.operations)} operation(s) planned; {len(self.excluded)} row(s) left out"]
        lines += [f"  WARNING cio_{cio_id}: {text}" for cio_id, text in self.warnings.items()]
        for row in self.excluded:
            where = f"line {row.line}" if row.line else "row"
            lines.append(f"  {where}: {row.key} -> {row.value}: {row.message}")
        if self.proposals:
            lines.append(f"{len(self.proposals)} merge proposal(s) (not planned; review them in the Duplicates view):")
            for p in self.proposals:
                lines.append(
                    f"  merge cio_{p.secondary.cio_id} ({p.secondary.email or p.secondary.id}) into "
                    f"cio_{p.primary.cio_id} which holds {p.identifier!r}"
                )
        return lines


class _Row(Protocol):
    @property
    def line(self) -> int | None: ...


R = TypeVar("R", bound=_Row)


def split_checked(
    rows: Iterable[R], check: Callable[[R], str | None], exclude: Callable[[R, str, str], ExcludedRow]
) -> tuple[list[R], list[ExcludedRow]]:
    """(rows without a local problem, the others excluded with their problem), in input order."""
    fine: list[R] = []
    excluded: list[ExcludedRow] = []
    for row in rows:
        problem = check(row)
        if problem:
            excluded.append(exclude(row, problem, "correct the line and plan again"))
        else:
            fine.append(row)
    return fine, excluded


def exclude_repeats(
    groups: Iterable[tuple[str, list[R]]], exclude: Callable[[R, str, str], ExcludedRow]
) -> dict[int, ExcludedRow]:
    """Every row of a group of more than one, excluded by ``exclude(row, group label, "2, 5")`` (the group's lines);
    a row in several such groups is excluded for the first. Keyed by ``id(row)``, in that order."""
    bad: dict[int, ExcludedRow] = {}
    for what, same in groups:
        if len(same) > 1:
            lines = ", ".join(str(row.line) for row in same)
            for row in same:
                bad.setdefault(id(row), exclude(row, what, lines))
    return bad


def plan_build(
    source: PlanSource,
    description: str,
    operations: list[Operation],
    excluded: list[ExcludedRow],
    proposals: list[MergeProposal],
    *,
    workspace_fingerprint: str,
    workspace_name: str,
    created_at: datetime | None = None,
) -> PlanBuild:
    """The plan of ``operations``, with the excluded rows sorted by line."""
    plan = Plan.create(
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        source=source,
        description=description,
        operations=operations,
        created_at=created_at,
    )
    excluded.sort(key=lambda r: r.line or 0)
    return PlanBuild(plan=plan, excluded=excluded, proposals=proposals)


def read_csv(
    source: str | Path, columns: list[str], *, text: str | None = None, optional: tuple[str, ...] = ()
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV whose header holds ``columns`` (any order, case-insensitive; extra columns ignored;
    ``optional`` columns are read when present, else empty), through the one CSV reader (``csv_reader``).

    Returns ``(line_number, row)`` with values stripped of surrounding spaces (ids keep inner spaces).
    Pass ``text`` to read pasted content instead of a file.
    """
    _, rows = read_table(source, columns, text=text, optional=optional, where=str(source))
    return [(row.line, row.values) for row in rows]


async def holders_of_ids(client: CioClient, ids: Iterable[str]) -> dict[str, Person]:
    """Who already holds each id (bulk reads, 100 per call). Ids nobody holds are absent."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    people = await client.get_people([Identifier.id(v) for v in wanted])
    return {p.id: p for p in people if p.id in wanted}


async def holders_of_emails(client: CioClient, emails: Iterable[str]) -> dict[str, list[Person]] | None:
    """Who holds each email (normalised), by bulk reads. None when the workspace does not use email as an
    identifier (the App API refuses ``id_type=email``): emails are then ordinary attributes and cannot collide."""
    wanted = sorted({normalize_email(e) for e in emails})
    if not wanted:
        return {}
    try:
        people = await client.get_people([Identifier.email(v) for v in wanted])
    except InvalidInputError:
        return None
    out: dict[str, list[Person]] = {}
    for p in people:
        if p.email:
            out.setdefault(normalize_email(p.email), []).append(p)
    return out


def merge_plan(
    proposals: list[MergeProposal],
    *,
    workspace_fingerprint: str,
    workspace_name: str,
    created_at: datetime | None = None,
) -> Plan:
    """Turn merge proposals the operator accepted into a merge plan (primary = the person holding the identifier)."""
    return Plan.create(
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        source=PlanSource.MERGE_DUPLICATES,
        description=f"{len(proposals)} merge(s) from collision proposals",
        operations=[ops.merge(p.primary, p.secondary) for p in proposals],
        created_at=created_at,
    )


def duplicates(values: Iterable[tuple[int, str]]) -> dict[str, list[int]]:
    """Values seen on more than one line -> those lines."""
    seen: dict[str, list[int]] = {}
    for line, value in values:
        if value:
            seen.setdefault(value, []).append(line)
    return {v: lines for v, lines in seen.items() if len(lines) > 1}


__all__ = [
    "CsvFormatError",
    "ExcludedRow",
    "MergeProposal",
    "PlanBuild",
    "duplicates",
    "exclude_repeats",
    "holders_of_emails",
    "holders_of_ids",
    "merge_plan",
    "plan_build",
    "read_csv",
    "sentence",
    "split_checked",
]
