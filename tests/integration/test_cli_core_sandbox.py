"""The core CLI commands against the sandbox: `--sandbox person` in-process, and `profile add/check` plus `person`
over a loopback server given by CIO_TUI_TRACK_URL / CIO_TUI_APP_URL (the same bytes as a real workspace)."""

from __future__ import annotations

import json
import tomllib

import pytest
from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.credentials import SERVICE
from cio_tui.sandbox.embedded import SANDBOX_APP_KEY, SANDBOX_SITE_ID, SANDBOX_TRACK_KEY

KEYS = f"{SANDBOX_TRACK_KEY}\n{SANDBOX_APP_KEY}\n"


def invoke(*args: str, stdin: str | None = None):
    result = CliRunner().invoke(main, list(args), input=stdin)
    assert SANDBOX_TRACK_KEY not in result.output and SANDBOX_APP_KEY not in result.output
    return result


def test_sandbox_person_in_process() -> None:
    result = invoke("--sandbox", "person", "cio_a3000001", "--json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    assert card["person"]["cio_id"] == "a3000001" and card["lookup"]["kind"] == "cio_id"


def test_profile_add_check_and_person_over_loopback(sandbox_server, monkeypatch, memory_keyring, isolated_dirs):
    monkeypatch.setenv("CIO_TUI_TRACK_URL", sandbox_server)
    monkeypatch.setenv("CIO_TUI_APP_URL", sandbox_server)
    added = invoke("profile", "add", "sb", "--site-id", SANDBOX_SITE_ID, stdin=KEYS)
    assert added.exit_code == 0, added.output
    saved = tomllib.loads(isolated_dirs["config"].read_text())["profiles"]["sb"]
    assert saved["track_url"] == saved["app_url"] == sandbox_server
    assert memory_keyring.store[(SERVICE, "sb:track_api_key")] == SANDBOX_TRACK_KEY
    monkeypatch.delenv("CIO_TUI_TRACK_URL")
    monkeypatch.delenv("CIO_TUI_APP_URL")

    checked = invoke("profile", "check", "sb")
    assert checked.exit_code == 0, checked.output
    assert "Track API key: ok" in checked.output and "App API key: ok" in checked.output

    person = invoke("--profile", "sb", "person", "cio_a3000001")
    assert person.exit_code == 0, person.output
    assert person.output.startswith("Person cio_a3000001")

    memory_keyring.store[(SERVICE, "sb:track_api_key")] = "not-the-key"
    bad = invoke("profile", "check", "sb")
    assert bad.exit_code == 3
    assert "authentication failed for the Track API key of profile sb" in bad.stderr
    assert "not-the-key" not in bad.output


def test_env_profile_over_loopback(sandbox_server, monkeypatch) -> None:
    for name, value in {
        "CIO_TUI_SITE_ID": SANDBOX_SITE_ID,
        "CIO_TUI_TRACK_API_KEY": SANDBOX_TRACK_KEY,
        "CIO_TUI_APP_API_KEY": SANDBOX_APP_KEY,
        "CIO_TUI_TRACK_URL": sandbox_server,
        "CIO_TUI_APP_URL": sandbox_server,
    }.items():
        monkeypatch.setenv(name, value)
    assert invoke("profile", "check").exit_code == 0
    result = invoke("person", "cio_a3000001", "--json")
    assert result.exit_code == 0 and json.loads(result.output)["person"]["cio_id"] == "a3000001"


@pytest.mark.parametrize("sandbox_server", [{"people": 5}], indirect=True)
def test_wrong_app_key_over_loopback(sandbox_server, monkeypatch) -> None:
    monkeypatch.setenv("CIO_TUI_TRACK_URL", sandbox_server)
    monkeypatch.setenv("CIO_TUI_APP_URL", sandbox_server)
    result = invoke("profile", "add", "sb", "--site-id", SANDBOX_SITE_ID, stdin=f"{SANDBOX_TRACK_KEY}\nwrong\n")
    assert result.exit_code == 3
    assert "authentication failed for the App API key of profile sb" in result.stderr


@pytest.mark.parametrize("sandbox_server", [{"people": 5, "app_rps": 10, "track_rps": 100}], indirect=True)
async def test_client_stays_under_server_rate_limits(sandbox_server) -> None:
    """A concurrent burst at the default budgets never earns a 429 (retries off, so one would raise)."""
    from pydantic import SecretStr

    from cio_tui.customerio.client import CustomerIOClient
    from cio_tui.customerio.identifiers import Identifier

    client = CustomerIOClient(
        track_origin=sandbox_server,
        app_origin=sandbox_server,
        site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY),
        app_key=SecretStr(SANDBOX_APP_KEY),
        max_retries=0,
    )
    import asyncio

    async with client:
        people = await asyncio.gather(*(client.get_person(Identifier.cio(f"a300000{1 + i % 5}")) for i in range(14)))
        regions = await asyncio.gather(*(client.region() for _ in range(30)))
    assert all(p is not None for p in people) and {r.region for r in regions} == {"us"}


def test_env_profile_apply_is_confirmed_with_the_site_id_not_the_word_env(sandbox_server, monkeypatch, tmp_path):
    from cio_tui.customerio.models import PersonRef
    from cio_tui.identity import operations as ops
    from cio_tui.identity.plan import Plan, save_plan
    from cio_tui.workspace import fingerprint_of

    for name, value in {
        "CIO_TUI_SITE_ID": SANDBOX_SITE_ID,
        "CIO_TUI_TRACK_API_KEY": SANDBOX_TRACK_KEY,
        "CIO_TUI_APP_API_KEY": SANDBOX_APP_KEY,
        "CIO_TUI_TRACK_URL": sandbox_server,
        "CIO_TUI_APP_URL": sandbox_server,
    }.items():
        monkeypatch.setenv(name, value)
    person = json.loads(invoke("person", "cio_a3000001", "--json").output)["person"]
    plan = Plan.create(
        workspace_fingerprint=fingerprint_of("us", SANDBOX_SITE_ID, (sandbox_server, sandbox_server)),
        workspace_name="env", source="manual",
        operations=[ops.change_identifiers(PersonRef(cio_id="a3000001", id=person["id"], email=person["email"]),
                                           new_id="typed-confirm-1")],
    )  # fmt: skip
    from cio_tui.credentials import CredentialStore

    save_plan(plan, tmp_path / "p.json", key=CredentialStore().plan_key(plan.workspace_fingerprint))  # this session
    refused = invoke("apply", str(tmp_path / "p.json"), stdin="env\n")
    assert refused.exit_code == 1 and f"Type the site id ({SANDBOX_SITE_ID}) to apply" in refused.output
    assert "not applied: the site id typed does not match" in refused.output
    # a loopback sandbox shows writes at once: a short visibility window instead of the live 30 s of waiting
    applied = invoke("apply", str(tmp_path / "p.json"), "--visibility-window", "0.5", stdin=f"{SANDBOX_SITE_ID}\n")
    assert applied.exit_code == 0, applied.output


def test_a_bare_cio_id_is_found_as_the_app_finds_it_and_the_attribute_counts_agree() -> None:
    from datetime import UTC, datetime

    from cio_tui.identity.card import IdentityCard
    from cio_tui.tui.widgets.person_card import overview_rows

    text = invoke("--sandbox", "person", "a3000001")
    assert text.exit_code == 0, text.output  # no person has the id a3000001: read as a cio_id, like the app
    assert "this is the person whose cio_id is a3000001" in text.output
    assert "Person cio_a3000001" in text.output
    assert invoke("--sandbox", "person", "a3000001", "--by", "id").exit_code == 1  # an explicit kind is kept
    card = IdentityCard.model_validate(json.loads(invoke("--sandbox", "person", "a3000001", "--json").output))
    assert {"id", "email"} <= set(card.person.attributes)  # the identifiers are among the attributes read
    app_count = dict(overview_rows(card, datetime.now(UTC)))["attributes"]
    n = len(card.person.attributes) - len({"id", "email", "cio_id"} & set(card.person.attributes))
    assert app_count == f"{n} besides id, email and cio_id"
    assert f"Attributes ({app_count})" in text.output
