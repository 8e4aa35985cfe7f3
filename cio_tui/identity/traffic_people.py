"""The starting people of a live replay: read, through the client, only the people a traffic file names.

``names_in_traffic`` (the replay's first streaming pass) gathers the ids, emails, cio_ids and anonymous ids; this
reads them with App API reads only, as the preview's what-if does (``ClientPeopleLookup``): ids and cio_ids 100 per
bulk read, emails 50 per search then their attributes 100 per read, anonymous ids 50 per search on the
``anonymous_id`` attribute (a person identified with one holds it; a workspace that refuses the search leaves them
unread, and the result says so). Every read goes through the client, so its rate limiter and retries apply. Nothing
is written.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import InvalidInputError, NotFoundError
from cio_tui.identity.lookup import EMAILS_PER_SEARCH, ClientPeopleLookup
from cio_tui.model import Person
from cio_tui.segment.outcome import KnownPerson
from cio_tui.segment.outcome.whatif import model_person
from cio_tui.segment.replay.named import NamedPeople

PER_READ = 100  # the App API's bulk attribute read takes 100 people
PER_SEARCH = EMAILS_PER_SEARCH  # values or-ed in one search


@dataclass
class ReadingProgress:
    """What is being read: identifiers asked so far of each kind, and the people found."""

    done_by_kind: dict[str, int]
    total_by_kind: dict[str, int]
    found: int
    elapsed: float

    @property
    def done(self) -> int:
        return sum(self.done_by_kind.values())

    @property
    def total(self) -> int:
        return sum(self.total_by_kind.values())

    def line(self) -> str:
        asked, of = self.done, self.total
        done, total = self.done_by_kind, self.total_by_kind
        parts = " · ".join(f"{name} {done[name]:,}/{total[name]:,}" for name in total if total[name])
        eta = ""
        if asked and of > asked and self.elapsed > 0:
            left = (of - asked) * self.elapsed / asked
            eta = f", ~{int(left + 0.5)} s left"
        return (
            f"reading the people the traffic names (read-only): {parts or 'nothing to read'} · {self.found:,} found "
            f"· {100 * asked / of if of else 100:.0f}%{eta}"
        )


@dataclass
class ReadPeople:
    people: list[Person]
    named: NamedPeople
    notes: list[str] = field(default_factory=list)  # what could not be read, and why


async def read_named_people(
    client: CioClient,
    named: NamedPeople,
    *,
    emails_identify: bool = True,
    progress: Callable[[ReadingProgress], None] | None = None,
) -> ReadPeople:
    """The people of the workspace ``named`` names, as the model keeps them (oldest first). ``emails_identify``:
    False in an id-only workspace, where an email resolves nobody, so emails are not read."""
    lookup = ClientPeopleLookup(client)
    found: dict[str, KnownPerson] = {}
    notes: list[str] = []
    todo: dict[str, list[str]] = {
        "ids": sorted(named.ids),
        "cio_ids": sorted(named.cio_ids),
        "emails": sorted(named.emails) if emails_identify else [],
        "anonymous ids": sorted(named.anonymous_ids),
    }
    total = {name: len(values) for name, values in todo.items()}
    done = dict.fromkeys(todo, 0)
    started = time.monotonic()

    def report() -> None:
        if progress is not None:
            progress(ReadingProgress(dict(done), total, len(found), time.monotonic() - started))

    def keep(people: list[KnownPerson]) -> None:
        for person in people:
            found.setdefault(person.cio_id, person)

    report()
    for name, kind in (("ids", "id"), ("cio_ids", "cio_id")):
        for chunk in _chunks(todo[name], PER_READ):
            keep(await lookup.many(kind, chunk))
            done[name] += len(chunk)
            report()
    for chunk in _chunks(todo["emails"], PER_SEARCH):
        keep(await lookup.many_emails(chunk))
        done["emails"] += len(chunk)
        report()
    for chunk in _chunks(todo["anonymous ids"], PER_SEARCH):
        audience = {"or": [{"attribute": {"field": "anonymous_id", "operator": "eq", "value": v}} for v in chunk]}
        try:
            refs = [ref async for ref in client.iter_search(audience)]
        except (InvalidInputError, NotFoundError) as exc:
            notes.append(f"anonymous ids not read: the workspace refused the search on anonymous_id ({exc})")
            break
        keep(await lookup.many("cio_id", [r.cio_id for r in refs]))
        done["anonymous ids"] += len(chunk)
        report()
    if not emails_identify and named.emails:
        notes.append(f"{len(named.emails):,} email(s) not read: in an id-only workspace an email resolves nobody")
    ordered = sorted(found.values(), key=lambda p: (p.created_at or 0, p.cio_id))
    people = [model_person(known, pk) for pk, known in enumerate(ordered, 1)]
    return ReadPeople(people, named, notes=notes)


def _chunks(values: list[str], size: int) -> list[list[str]]:
    return [values[i : i + size] for i in range(0, len(values), size)]
