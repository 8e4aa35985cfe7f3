"""`cio-tui person`: identity card text and JSON on the embedded sandbox; errors become plain messages + codes."""

from __future__ import annotations

import json

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from cio_tui.cli import main
from cio_tui.cli.context import CliContext
from cio_tui.config import Profile, load_settings, save_profile
from cio_tui.credentials import CredentialStore


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def sandbox_person(tmp_path_factory):
    """Identifiers of one seeded sandbox person (read once through the client)."""
    import asyncio

    from cio_tui.workspace import open_workspace

    data = tmp_path_factory.mktemp("sb")

    async def first():
        ws = await open_workspace(load_settings(data_dir=data), CredentialStore.memory(), sandbox=True)
        async with ws:
            page = await ws.client.search({"attribute": {"field": "email", "operator": "exists"}}, limit=5)
            return next(r for r in page.identifiers if r.id)

    return asyncio.run(first())


def test_person_by_each_kind_on_sandbox(sandbox_person) -> None:
    ref = sandbox_person
    for lookup, extra in ((ref.id, []), (ref.email.upper(), []), (f"cio_{ref.cio_id}", []), (ref.id, ["--by", "id"])):
        result = invoke("--sandbox", "person", lookup, *extra)
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines[0].startswith(f"Person cio_{ref.cio_id}")
        assert f"  id            {ref.id}" in lines and f"  email         {ref.email}" in lines
        assert any(line.startswith("Segments (") for line in lines)
        assert any(line.startswith("Recent activity (") for line in lines)


def test_person_json_shape(sandbox_person) -> None:
    result = invoke("--sandbox", "person", sandbox_person.email, "--json")
    assert result.exit_code == 0
    card = json.loads(result.output)
    assert set(card) == {"lookup", "lookup_used", "person", "segments", "activities", "messages", "others", "warnings"}
    assert card["lookup"] == {"kind": "email", "value": sandbox_person.email}
    assert card["lookup_used"] == {"kind": "cio_id", "value": sandbox_person.cio_id}
    assert card["person"]["id"] == sandbox_person.id
    assert all({"id", "type", "timestamp", "flag"} <= set(a) for a in card["activities"])


def test_person_not_found_and_bad_lookup() -> None:
    missing = invoke("--sandbox", "person", "no-such-user-123")
    assert missing.exit_code == 1
    assert "no person with id no-such-user-123 in workspace sandbox" in missing.stderr
    bad = invoke("--sandbox", "person", "plainword", "--by", "email")
    assert bad.exit_code == 1 and "'plainword' is not a valid email address" in bad.stderr
    assert invoke("--sandbox", "person", "x", "--by", "phone").exit_code == 2


def test_person_without_profile_is_user_error() -> None:
    result = invoke("person", "u1")
    assert result.exit_code == 1 and "profile add NAME" in result.stderr


@pytest.fixture
def profile_with_transport(monkeypatch):
    """A saved profile 'prod' whose requests go to a handler the test sets."""
    save_profile(Profile(name="prod", site_id="site"), load_settings())
    CredentialStore().set_profile_keys("prod", SecretStr("trk-secret-77"), SecretStr("app-secret-77"))
    state: dict = {}
    original = CliContext.create.__func__

    def create(cls, profile_name=None, sandbox=False, **kw):
        ctx = original(cls, profile_name, sandbox, **kw)
        ctx.transport = httpx.MockTransport(lambda r: state["handler"](r))
        return ctx

    monkeypatch.setattr(CliContext, "create", classmethod(create))
    return state


@pytest.mark.parametrize(
    ("response", "code", "message"),
    [
        (
            httpx.Response(401, json={"errors": [{"detail": "unauthorized"}]}),
            3,
            "authentication failed for the App API key of profile prod",
        ),
        (
            httpx.Response(403, json={"errors": [{"detail": "forbidden"}]}),
            3,
            "the App API key of profile prod is not allowed to do this (HTTP 403)",
        ),
        (
            httpx.Response(301, headers={"Location": "https://api-eu.customer.io/v1/customers/u1/attributes"}),
            4,
            "this workspace is in the EU region",
        ),
    ],
)
def test_person_errors_map_to_exit_codes(profile_with_transport, response, code, message) -> None:
    profile_with_transport["handler"] = lambda request: response
    result = invoke("person", "u1")
    assert result.exit_code == code, result.output
    assert message in result.stderr
    assert "trk-secret-77" not in result.output and "app-secret-77" not in result.output


def test_person_network_error(profile_with_transport, monkeypatch) -> None:
    monkeypatch.setenv("CIO_TUI_MAX_RETRIES", "0")

    def down(request):
        raise httpx.ConnectError("refused")

    profile_with_transport["handler"] = down
    result = invoke("--profile", "prod", "person", "u1")
    assert result.exit_code == 4 and "cannot connect to https://api.customer.io" in result.stderr


def test_render_card_marks_identity_problems_without_colour() -> None:
    from cio_tui.cli.person import render_card
    from cio_tui.customerio.identifiers import Identifier
    from cio_tui.customerio.models import Activity, Person, PersonRef
    from cio_tui.identity.card import IdentityCard, merge_activities

    card = IdentityCard(
        lookup=Identifier.email("lead@x.co"),
        lookup_used=Identifier.cio("c1"),
        person=Person(cio_id="c1", email="lead@x.co", attributes={"plan": "free", "email": "lead@x.co"}),
        activities=merge_activities(
            [
                Activity(id="1", type="failed_attribute_change", timestamp=0, name="id"),
                Activity(id="2", type="page", timestamp=60),
            ]
        ),
        others=[PersonRef(cio_id="c2", id="u2", email="lead@x.co")],
        warnings=["2 people share this email"],
    )
    lines = render_card(card)
    assert lines[0] == "Person cio_c1  (looked up by email lead@x.co)"
    assert "  note          a lead: email only, no id" in lines
    assert "  plan  free" in lines and not any(line.strip().startswith("email  ") for line in lines[7:9])
    assert "    1970-01-01 00:01:00 UTC  page" in lines
    assert "  ! 1970-01-01 00:00:00 UTC  failed_attribute_change  id  [failed attribute change]" in lines
    assert "  cio_c2  id u2" in lines and lines[-1] == "Warning: 2 people share this email"
