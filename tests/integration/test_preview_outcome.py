"""Outcome prediction against the in-process sandbox, then the Actions request is sent and the prediction checked.

``ClientPeopleLookup`` reads through the real ``CustomerIOClient`` over the embedded transport; the same client then
sends the preview's ``/api/v2/entity`` body so the sandbox's own semantics confirm (or refute) the prediction.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from cio_tui.cli import main
from cio_tui.customerio.client import CustomerIOClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.lookup import ClientPeopleLookup
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.segment import PreviewResult, WorkspaceSettings, preview_text, with_outcomes

Factory = Callable[..., Any]


@pytest.fixture
async def make_client(tmp_path: Path) -> AsyncIterator[Factory]:
    clients: list[CustomerIOClient] = []

    def make(**settings: Any) -> CustomerIOClient:
        transport = embedded_transport(tmp_path / f"ws{len(clients)}.db", people=3, seed=7, **settings)
        client = CustomerIOClient(
            track_origin=SANDBOX_ORIGIN,
            app_origin=SANDBOX_ORIGIN,
            site_id=SANDBOX_SITE_ID,
            track_key=SecretStr(SANDBOX_TRACK_KEY),
            app_key=SecretStr(SANDBOX_APP_KEY),
            transport=transport,
            track_rps=1000,
            app_rps=1000,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


async def predict(client: CustomerIOClient, message: dict[str, Any], **settings: Any) -> PreviewResult:
    [result] = await with_outcomes(
        preview_text(json.dumps(message)), ClientPeopleLookup(client), WorkspaceSettings(**settings)
    )
    return result


async def send(client: CustomerIOClient, result: PreviewResult) -> None:
    for request in result.actions.requests:
        await client.entity(request.body)


async def test_new_person_is_created(make_client: Factory) -> None:
    client = make_client()
    result = await predict(client, {"type": "identify", "userId": "p-new", "traits": {"email": "p-new@x.io"}})
    assert result.outcome and result.outcome.effects[0].kind == "creates_person"
    await send(client, result)
    person = await client.get_person(Identifier.id("p-new"))
    assert person is not None and person.email == "p-new@x.io"


async def test_lead_gets_the_id(make_client: Factory) -> None:
    client = make_client()
    await client.identify(Identifier.email("lead-7@x.io"), {"email": "lead-7@x.io"})
    lead = (await client.customers_by_email("lead-7@x.io"))[0]
    result = await predict(client, {"type": "identify", "userId": "p-7", "traits": {"email": "lead-7@x.io"}})
    assert result.outcome and result.outcome.effects[0].kind == "assigns_id_to_lead"
    assert result.outcome.cio_ids == [lead.cio_id]
    await send(client, result)
    person = await client.get_person(Identifier.id("p-7"))
    assert person is not None and person.cio_id == lead.cio_id


async def test_conflict_auto_merge_and_failure(make_client: Factory) -> None:
    merging = make_client()
    refusing = make_client(auto_merge=False)
    for client in (merging, refusing):
        await client.identify(Identifier.id("p-8"), {"created_at": 2000})
        await client.identify(Identifier.email("lead-8@x.io"), {"email": "lead-8@x.io", "created_at": 1000})
    call = {"type": "identify", "userId": "p-8", "traits": {"email": "lead-8@x.io"}}

    merged = await predict(merging, call)
    assert merged.outcome and merged.outcome.effects[0].kind == "conflict_auto_merge"
    assert "(older) is kept" in merged.outcome.summary
    await send(merging, merged)
    assert len(await merging.customers_by_email("lead-8@x.io")) == 1

    failed = await predict(refusing, call, auto_merge=False)
    assert failed.outcome and failed.outcome.effects[0].kind == "conflict_failed"
    await send(refusing, failed)
    person = await refusing.get_person(Identifier.id("p-8"))
    assert person is not None and person.email is None  # nothing updated


async def test_event_lands_and_delete_deletes(make_client: Factory) -> None:
    client = make_client()
    await client.identify(Identifier.id("p-9"), {"email": "p9@x.io"})
    person = await client.get_person(Identifier.id("p-9"))
    assert person is not None
    event = await predict(client, {"type": "track", "userId": "p-9", "event": "Paid"})
    assert event.outcome and event.outcome.effects[0].kind == "event_on_person"
    assert event.outcome.cio_ids == [person.cio_id]

    deletion = await predict(client, {"type": "track", "userId": "p-9", "event": "User Deleted"})
    assert deletion.outcome and deletion.outcome.effects[0].kind == "deletes_person"
    await send(client, deletion)
    assert await client.get_person(Identifier.id("p-9")) is None


def test_cli_with_the_sandbox_predicts_outcomes() -> None:
    text = '{"type": "identify", "userId": "cli-new-1", "traits": {"email": "cli-new-1@example.com"}}'
    out = CliRunner().invoke(main, ["--sandbox", "preview", "--json"], input=text)
    assert out.exit_code == 0, out.output
    outcome = json.loads(out.output)["results"][0]["outcome"]
    assert outcome["effects"][0]["kind"] == "creates_person"
    assert outcome["summary"] == (
        "Creates a new person with id cli-new-1 and email cli-new-1@example.com. "
        "(assumed: v2 identify resolves like v1)"
    )
    assert outcome["cio_ids"] == []


# -- which workspace settings the prediction assumes, and where they came from ---------------------------------------
EMAIL_ONLY_CALL = '{"type": "identify", "anonymousId": "anon-1", "traits": {"email": "lead-1@example.com"}}'
ID_ONLY_DETAIL = "in an id-only workspace email is not an identifier"


def _record_step2(data_dir: Path, **identifier_settings: Any) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    state = {"identifier_settings": identifier_settings}
    (data_dir / "walkthrough.json").write_text(json.dumps(state), encoding="utf-8")


@pytest.fixture
def live_like(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """``cio-tui preview`` opens a non-sandbox workspace (an env-like profile) whose API is the embedded sandbox;
    returns its data_dir."""
    from cio_tui.cli.context import CliContext
    from cio_tui.config import Profile
    from cio_tui.workspace import Workspace

    data_dir = tmp_path / "ws-live"

    async def open_workspace(self: Any) -> Workspace:
        client = CustomerIOClient(
            track_origin=SANDBOX_ORIGIN,
            app_origin=SANDBOX_ORIGIN,
            site_id=SANDBOX_SITE_ID,
            track_key=SecretStr(SANDBOX_TRACK_KEY),
            app_key=SecretStr(SANDBOX_APP_KEY),
            transport=embedded_transport(tmp_path / "live.db", people=3, seed=7),
        )
        profile = Profile(name="env", region="us", site_id="f00dcafe")
        return Workspace("env", "us", False, profile, lambda: (client, None), "us:0123456789abcdef", data_dir)

    monkeypatch.setattr(CliContext, "open_workspace", open_workspace)
    return data_dir


def test_cli_uses_the_walkthrough_record_for_a_live_workspace_and_says_so(live_like: Path) -> None:
    _record_step2(live_like, mode="id_only", auto_merge=True, email_updates_by_id=False)
    out = CliRunner().invoke(main, ["preview"], input=EMAIL_ONLY_CALL)
    assert out.exit_code == 0, out.output
    assert ID_ONLY_DETAIL in out.output
    assert out.output.rstrip().endswith(
        "Workspace settings for the outcomes: Assuming an id-only workspace with auto-merge on and email updates by "
        "id not allowed (recorded in the Walkthrough, step 2)."
    )
    as_json = CliRunner().invoke(main, ["preview", "--json"], input=EMAIL_ONLY_CALL)
    outcome = json.loads(as_json.output)["results"][0]["outcome"]
    assert set(outcome) == {"summary", "effects", "assumptions", "cio_ids"}  # the JSON shape is unchanged
    assert ID_ONLY_DETAIL in outcome["effects"][0]["details"][0]


def test_cli_flags_beat_the_walkthrough_record_and_defaults_say_so(live_like: Path) -> None:
    _record_step2(live_like, mode="id_only")
    out = CliRunner().invoke(main, ["preview", "--mode", "email_or_id"], input=EMAIL_ONLY_CALL)
    assert out.exit_code == 0, out.output
    assert ID_ONLY_DETAIL not in out.output
    assert (
        "Assuming an email-or-id workspace with auto-merge on and email updates by id not allowed (identifier mode: "
        "set by the command-line flags; auto-merge and email updates by id: defaults: not recorded yet — record "
        "them in Walkthrough step 2)." in out.output
    )
    (live_like / "walkthrough.json").unlink()
    out = CliRunner().invoke(main, ["preview"], input=EMAIL_ONLY_CALL)
    assert "(defaults: not recorded yet — record them in Walkthrough step 2)." in out.output


def test_cli_sandbox_settings_beat_the_walkthrough_record() -> None:
    from cio_tui.config import load_settings
    from cio_tui.identity.lookup import choose_settings

    out = CliRunner().invoke(main, ["--sandbox", "preview"], input=EMAIL_ONLY_CALL)  # creates the sandbox db
    assert out.exit_code == 0, out.output
    assert out.output.rstrip().endswith("(the sandbox's own settings).")
    from cio_tui.credentials import CredentialStore
    from cio_tui.workspace import open_workspace

    async def opened() -> Any:
        ws = await open_workspace(load_settings(), CredentialStore(), sandbox=True)
        await ws.aclose()
        return ws

    ws = asyncio.run(opened())
    chosen = choose_settings(ws, load_settings(), recorded={"mode": "id_only", "auto_merge": False})
    assert chosen.sources == {"mode": "sandbox", "auto_merge": "sandbox", "email_update_by_id": "sandbox"}
    assert chosen.settings.mode == "email_or_id" and chosen.note.endswith("(the sandbox's own settings).")
