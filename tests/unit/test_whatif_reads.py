"""The what-if reads only what the engine can need: every email used as an identifier, and a body email unless the
call's person is already read with exactly that email (and no call of the paste gives that person another)."""

from __future__ import annotations

from cio_tui.model import MemoryStorage, Person, WorkspaceSettings
from cio_tui.segment.outcome.whatif import identifiers_in, needed_emails
from cio_tui.segment.wire import HttpRequest

ENTITY = "/api/v2/entity"


def identify(ids: dict[str, str], **attrs: str) -> HttpRequest:
    return HttpRequest(
        method="POST",
        path=ENTITY,
        body={"type": "person", "action": "identify", "identifiers": ids, "attributes": attrs},
    )


def store_with_u1() -> MemoryStorage:
    store = MemoryStorage()
    store.add_person(Person(1, "c1", "u1", "u1@x.io", 100, 100))
    return store


def test_a_body_email_the_person_already_has_is_not_read() -> None:
    calls = [identify({"id": "u1"}, email="U1@x.io")]
    assert needed_emails(calls, store_with_u1(), WorkspaceSettings()) == set()


def test_a_different_or_unknown_email_is_read() -> None:
    store = store_with_u1()
    assert needed_emails([identify({"id": "u1"}, email="moved@x.io")], store, WorkspaceSettings()) == {"moved@x.io"}
    assert needed_emails([identify({"id": "new"}, email="n@x.io")], store, WorkspaceSettings()) == {"n@x.io"}


def test_an_email_identifier_is_always_read() -> None:
    calls = [identify({"email": "u1@x.io"}), HttpRequest(method="PUT", path="/api/v1/customers/u1%40x.io", body={})]
    assert needed_emails(calls, store_with_u1(), WorkspaceSettings()) == {"u1@x.io"}


def test_a_person_given_two_emails_in_the_paste_reads_both() -> None:
    calls = [identify({"id": "u1"}, email="u1@x.io"), identify({"id": "u1"}, email="other@x.io")]
    assert needed_emails(calls, store_with_u1(), WorkspaceSettings()) == {"u1@x.io", "other@x.io"}


def test_id_only_workspaces_read_no_email() -> None:
    calls = [identify({"id": "new"}, email="n@x.io")]
    assert needed_emails(calls, store_with_u1(), WorkspaceSettings(mode="id_only")) == set()


def test_identifiers_in_names_paths_bodies_merges_and_relationships() -> None:
    merge = HttpRequest(
        method="POST", path="/api/v1/merge_customers", body={"primary": {"id": "p"}, "secondary": {"cio_id": "cio_abc"}}
    )
    assert identifiers_in(merge) == {("id", "p"), ("cio_id", "abc")}
    rel = HttpRequest(
        method="POST",
        path=ENTITY,
        body={
            "type": "object",
            "action": "identify",
            "identifiers": {"object_type_id": "1", "object_id": "o"},
            "cio_relationships": [{"identifiers": {"email": "r@x.io"}}],
        },
    )
    assert ("email", "r@x.io") in identifiers_in(rel)
    path = HttpRequest(method="PUT", path="/api/v1/customers/a%40b.io", body={"id": "n"})
    assert identifiers_in(path) == {("email", "a@b.io"), ("id", "a@b.io"), ("id", "n")}


async def test_emails_are_read_by_one_search_and_fall_back_one_by_one_when_refused() -> None:
    from cio_tui.customerio.errors import InvalidInputError
    from cio_tui.customerio.models import Person as CioPerson
    from cio_tui.customerio.models import PersonRef
    from cio_tui.identity.lookup import ClientPeopleLookup

    class Client:
        def __init__(self, refuse: bool) -> None:
            self.refuse, self.searches, self.by_email = refuse, 0, 0

        async def iter_search(self, audience):  # noqa: ANN001, ANN201
            self.searches += 1
            if self.refuse:
                raise InvalidInputError(message="filter too complex", api="app")
            yield PersonRef(cio_id="c1", id="u1", email="A@x.io")

        async def customers_by_email(self, email: str) -> list[PersonRef]:
            self.by_email += 1
            return [PersonRef(cio_id="c1", id="u1", email="A@x.io")] if email.lower() == "a@x.io" else []

        async def get_people(self, who):  # noqa: ANN001, ANN201
            return [CioPerson(cio_id="c1", id="u1", email="A@x.io", attributes={"created_at": "5"})]

    for refuse in (False, True):
        client = Client(refuse)
        found = await ClientPeopleLookup(client).many_emails(["a@x.io", "b@x.io"])
        assert [(p.cio_id, p.created_at) for p in found] == [("c1", 5)]
        assert (client.searches, client.by_email) == ((1, 2) if refuse else (1, 0))
