"""``cio-tui --sandbox preview --subscriptions``: the batch 207s are predicted on the workspace's own people (a
what-if copy of those the preview read), not on an empty workspace."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.customerio.identifiers import Identifier


async def test_preview_batch_207s_come_from_the_workspace_people(tmp_path: Path) -> None:
    """``cio-tui --sandbox preview --subscriptions``: a person of the sandbox one attribute short of the limit is
    given two more in a batch; the 207 names that item (an empty workspace would accept it)."""
    import asyncio

    from cio_tui.config import load_settings
    from cio_tui.credentials import CredentialStore
    from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, default_mapping
    from cio_tui.workspace import open_workspace

    ws = await open_workspace(load_settings(), CredentialStore.memory(), sandbox=True)
    try:
        person = await ws.client.get_person(Identifier.id("u0000002"))
        assert person is not None
        reserved = ("cio_id", "id", "email", "created_at", "unsubscribed")
        room = 300 - len([k for k in person.attributes if k not in reserved])
        await ws.client.identify(Identifier.id("u0000002"), {f"extra_{i}": "x" for i in range(room - 1)})
    finally:
        await ws.aclose()
    settings = {**default_mapping("createUpdatePerson"), "enable_batching": True}
    sub = {"id": "s1", "name": "People", "actionId": "a", "actionSlug": "createUpdatePerson", "destinationId": "d",
           "enabled": True, "trigger": DEFAULT_TRIGGERS["createUpdatePerson"], "settings": settings}  # fmt: skip
    (tmp_path / "subs.json").write_text(json.dumps({"data": {"subscriptions": [sub]}}))
    calls = [{"type": "identify", "userId": "fresh-1", "traits": {"a": 1}},
             {"type": "identify", "userId": "u0000002", "traits": {"more_1": 1, "more_2": 2}}]  # fmt: skip
    (tmp_path / "calls.jsonl").write_text("\n".join(json.dumps(c) for c in calls))
    args = [
        "--sandbox",
        "preview",
        "--json",
        "--subscriptions",
        str(tmp_path / "subs.json"),
        str(tmp_path / "calls.jsonl"),
    ]
    result = await asyncio.to_thread(CliRunner().invoke, main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    [batch] = json.loads(result.stdout)["batches"]
    assert batch["calls"] == [1, 2] and batch["status"] == 207
    [error] = batch["response"]["errors"]
    assert error["batch_index"] == 1 and "at most 300 attributes" in error["message"]
    offline = await asyncio.to_thread(CliRunner().invoke, main, [*args, "--offline"], catch_exceptions=False)
    assert json.loads(offline.stdout)["batches"][0]["status"] == 200  # the body alone is fine
