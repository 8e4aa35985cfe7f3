"""Ids of a paste that differ only in case from the id of someone already in the workspace: a read-only check added
to the preview after its outcome is predicted.

Only the ids the preview's outcome says are new (effect kind ``creates_person``) are checked, by their common other
spellings (lower case, upper case, capitalised), in bulk App API reads (100 ids per call). Nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.customerio.models import Person
from cio_tui.segment.id_checks import case_variant
from cio_tui.segment.preview import PreviewResult

MAX_WORKSPACE_IDS = 500  # new ids whose case variants are looked up (x3 spellings, 100 per bulk read)


class PeopleReader(Protocol):
    async def get_people(self, who: list[Identifier]) -> list[Person]: ...


def _spellings(value: str) -> list[str]:
    return [v for v in dict.fromkeys((value.lower(), value.upper(), value.capitalize())) if v != value]


async def workspace_warnings(results: Sequence[PreviewResult], reader: PeopleReader) -> None:
    """Add a case-variant warning to each call whose outcome creates a person while someone in the workspace holds
    the same id in another case (common spellings: lower, upper, capitalised). In place; reads only."""
    new: dict[str, list[PreviewResult]] = {}
    for result in results:
        kinds = {e.kind for e in result.outcome.effects} if result.outcome else set()
        if "creates_person" in kinds and result.call.userId:
            new.setdefault(result.call.userId, []).append(result)
    for value, (spelling, person) in (await case_variant_holders(reader, list(new)[:MAX_WORKSPACE_IDS])).items():
        for result in new[value]:
            where = f"of cio_{person.cio_id}, already in this workspace"
            result.warnings.append(case_variant("userId", value, spelling, where))


async def case_variant_holders(reader: PeopleReader, values: Iterable[str]) -> dict[str, tuple[str, Person]]:
    """For each id in ``values``, a person of the workspace holding it in another case (lower, upper or
    capitalised): value -> (their spelling, the person). Reads only, 100 ids per bulk read. The Preview and the
    Identifiers check both use this rule (the audit's ``case_variant_id`` finds the same pairs in an export)."""
    wanted: dict[str, str] = {}  # spelling -> the id asked about
    for value in values:
        for spelling in _spellings(value):
            wanted.setdefault(spelling, value)
    holders = await _holders(reader, wanted)
    return {wanted[spelling]: (spelling, person) for spelling, person in holders.items()}


async def _holders(reader: PeopleReader, spellings: Iterable[str]) -> dict[str, Person]:
    idents: list[Identifier] = []
    for spelling in spellings:
        try:
            idents.append(Identifier.id(spelling))
        except (IdentifierError, ValueError):  # not a valid id (email-like, cio_, too long): nobody can hold it
            continue
    found = await reader.get_people(idents) if idents else []
    return {p.id: p for p in found if p.id}


__all__ = ["MAX_WORKSPACE_IDS", "case_variant_holders", "workspace_warnings"]
