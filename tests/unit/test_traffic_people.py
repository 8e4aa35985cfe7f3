"""Reading the people a traffic file names (``read_named_people``): 100 per bulk read, an id-only workspace reads no
emails, and a workspace that refuses the anonymous_id search leaves those unread and says so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import InvalidInputError
from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person, PersonRef
from cio_tui.identity.traffic_people import read_named_people
from cio_tui.segment.replay.named import NamedPeople

PEOPLE = [Person(cio_id=f"c{i}", id=f"u{i}", email=f"u{i}@x.io", attributes={"created_at": str(100 + i)})
          for i in range(250)]  # fmt: skip


class Client:
    def __init__(self, *, refuse_anonymous: bool = False) -> None:
        self.bulk: list[tuple[str, int]] = []  # (kind, how many ids) per bulk read
        self.searches: list[dict[str, Any]] = []
        self.refuse_anonymous = refuse_anonymous

    async def get_people(self, who: list[Identifier]) -> list[Person]:
        self.bulk.append((who[0].kind.value, len(who)))
        wanted = {w.value for w in who}
        return [p for p in PEOPLE if p.id in wanted or p.cio_id in wanted]

    async def iter_search(self, audience: dict[str, Any], *, limit: int = 1000) -> AsyncIterator[PersonRef]:
        self.searches.append(audience)
        fields = {f["attribute"]["field"] for f in audience["or"]}
        if "anonymous_id" in fields and self.refuse_anonymous:
            raise InvalidInputError(message="filter refused", api="app")
        values = {f["attribute"]["value"] for f in audience["or"]}
        for p in PEOPLE:
            if p.email in values:
                yield PersonRef(cio_id=p.cio_id, id=p.id, email=p.email)


async def test_ids_are_read_100_at_a_time_and_emails_50_per_search() -> None:
    named = NamedPeople(ids={f"u{i}" for i in range(230)} | {"nobody"}, emails={f"u{i}@x.io" for i in range(240, 250)})
    client = Client()
    lines: list[str] = []
    read = await read_named_people(cast(CioClient, client), named, progress=lambda p: lines.append(p.line()))
    assert [n for kind, n in client.bulk if kind == "id"] == [100, 100, 31]
    assert len(client.searches) == 1 and len(client.searches[0]["or"]) == 10
    assert len(read.people) == 240 and [p.cio_id for p in read.people[:2]] == ["c0", "c1"]  # oldest first
    assert lines[-1].startswith("reading the people the traffic names (read-only): ids 231/231 · emails 10/10")


async def test_id_only_reads_no_email_and_a_refused_anonymous_search_is_said() -> None:
    named = NamedPeople(ids={"u1"}, emails={"u2@x.io"}, anonymous_ids={"anon-1"})
    client = Client(refuse_anonymous=True)
    read = await read_named_people(cast(CioClient, client), named, emails_identify=False)
    assert [p.cio_id for p in read.people] == ["c1"]
    assert all("email" not in str(s) for s in client.searches)
    assert read.notes[0].startswith("anonymous ids not read: the workspace refused the search on anonymous_id")
    assert read.notes[1] == "1 email(s) not read: in an id-only workspace an email resolves nobody"
