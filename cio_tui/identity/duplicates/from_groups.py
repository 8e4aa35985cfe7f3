"""A result table (from a warehouse, PostgreSQL, Spark or ``duplicates --out``) back into reviewable groups.

The table says who belongs together and who the rules chose as primary; what each person holds now is read live
(App API, 100 people per call) before anything is planned, because the table may be hours old. Rows that no longer
match the workspace are left out, each with why: a person deleted or merged since, a group whose primary is gone, a
group left with fewer than two people. A group whose people now hold two different real ids needs review, whatever
the table said.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person
from cio_tui.identity.duplicates.models import DuplicateGroup, Member
from cio_tui.identity.duplicates.result_table import ResultRow
from cio_tui.identity.duplicates.rules import RULES_BY_NAME, Confidence
from cio_tui.model.validation import looks_like_email

Progress = Callable[[str, float], None]
IDENTIFIER_KEYS = ("cio_id", "id", "email", "created_at")  # columns of an export, not attributes


class PeopleReader(Protocol):
    async def get_people(self, who: list[Identifier]) -> list[Person]: ...


@dataclass(frozen=True, slots=True)
class StaleRow:
    group_id: str
    cio_id: str
    why: str

    def __str__(self) -> str:
        return f"group {self.group_id}: cio_{self.cio_id} left out: {self.why}"


@dataclass
class LoadedGroups:
    groups: list[DuplicateGroup]
    stale: list[StaleRow] = field(default_factory=list)
    rows: int = 0


def created_of(person: Person) -> int | None:
    raw = person.attributes.get("created_at")
    if raw is not None and raw.strip().lstrip("-").isdigit():
        value = int(raw.strip())
        return value // 1000 if value > 100_000_000_000 else value
    return person.timestamps.get("created_at")


def member_of(person: Person) -> Member:
    attributes = {k: v for k, v in person.attributes.items() if k not in IDENTIFIER_KEYS and v not in (None, "")}
    real = bool(person.id) and not looks_like_email(person.id or "")
    return Member(person.cio_id, person.id, person.email, created_of(person), real, attributes)


def _evidence(rules: list[str], source: str) -> str:
    phrases = [RULES_BY_NAME[r].phrase for r in rules if r in RULES_BY_NAME]
    return f"Linked by: {'; '.join(phrases) or 'the duplicate rules'} (result table {source})."


async def load_groups(
    reader: PeopleReader, rows: Sequence[ResultRow], *, source: str, progress: Progress | None = None
) -> LoadedGroups:
    """Groups of ``rows`` with every member as Customer.io holds them now; stale rows listed with why."""
    report = progress or (lambda _stage, _fraction: None)
    by_group: dict[str, list[ResultRow]] = {}
    for row in rows:
        by_group.setdefault(row.group_id, []).append(row)
    cio_ids = list(dict.fromkeys(r.cio_id for r in rows))
    report(f"reading {len(cio_ids)} people live", 0.1)
    people = await reader.get_people([Identifier.cio(c) for c in cio_ids])
    live = {p.cio_id: p for p in people}
    report("checking the groups against the workspace", 0.9)
    out = LoadedGroups(groups=[], rows=len(rows))
    for number, (group_id, members_rows) in enumerate(by_group.items(), start=1):
        group = _group(number, group_id, members_rows, live, source, out.stale)
        if group is not None:
            out.groups.append(group)
    out.groups.sort(key=lambda g: (-g.confidence.rank, g.needs_review, -g.size, g.group_id))
    report("done", 1.0)
    return out


def _group(
    number: int, group_id: str, rows: list[ResultRow], live: dict[str, Person], source: str, stale: list[StaleRow]
) -> DuplicateGroup | None:
    gone = [r for r in rows if r.cio_id not in live]
    for r in gone:
        stale.append(StaleRow(group_id, r.cio_id, "no longer in the workspace (deleted or merged since the table)"))
    primaries = [r for r in rows if r.is_primary]
    if not primaries or primaries[0].cio_id not in live:
        for r in rows:
            if r.cio_id in live:
                stale.append(StaleRow(group_id, r.cio_id, "the group's primary is gone; run the rules again"))
        return None
    present = [member_of(live[r.cio_id]) for r in rows if r.cio_id in live]
    if len(present) < 2:
        for m in present:
            stale.append(StaleRow(group_id, m.cio_id or "", "nobody else of the group is left to merge with"))
        return None
    primary = next(m for m in present if m.cio_id == primaries[0].cio_id)
    rest = sorted((m for m in present if m is not primary),
                  key=lambda m: (m.created_at is None, m.created_at or 0, m.cio_id or ""))  # fmt: skip
    head = rows[0]
    rules = [r for r in head.rules.split("+") if r]
    reviews = [head.needs_review_reason] if head.needs_review_reason else []
    real = sorted({m.id for m in present if m.real_id and m.id})
    if len(real) > 1 and not any("different real ids" in r for r in reviews):
        reviews.append(
            f"Needs review: its people now hold {len(real)} different real ids ({', '.join(map(repr, real[:3]))}); "
            "the result table is older than the workspace."
        )
    return DuplicateGroup(
        group_id=number,
        rules=rules,
        confidence=Confidence(head.confidence),
        members=[primary, *rest],
        evidence=_evidence(rules, source),
        primary_reason=f"Primary cio_{primary.cio_id}: the rules' choice (a person holding a real id first, then the "
        "oldest).",
        review_reasons=reviews,
    )


__all__ = ["LoadedGroups", "StaleRow", "load_groups", "member_of"]
