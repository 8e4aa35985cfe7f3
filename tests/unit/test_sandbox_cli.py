"""`cio-tui sandbox reset|info` and the embedded transport (no sockets)."""

from __future__ import annotations

import json

import httpx
from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    default_db_path,
    embedded_transport,
)


def test_reset_then_info(tmp_path) -> None:
    db = tmp_path / "ws.db"
    runner = CliRunner()
    reset = runner.invoke(main, ["sandbox", "reset", "--db", str(db), "--people", "40", "--seed", "3", "--yes"])
    assert reset.exit_code == 0, reset.output
    assert "40 people generated" in reset.output
    info = runner.invoke(main, ["sandbox", "info", "--db", str(db), "--json"])
    data = json.loads(info.output)
    assert data["people"] == 40 and data["seed"] == 3 and data["mode"] == "email_or_id"
    assert (data["site_id"], data["track_key"], data["app_key"]) == ("sandbox", "sandbox-track-key", "sandbox-app-key")


def test_info_defaults_to_the_data_dir(isolated_dirs) -> None:
    out = CliRunner().invoke(main, ["sandbox", "info", "--json"])
    data = json.loads(out.output)
    assert data["database"] == str(default_db_path(isolated_dirs["data"])) and data["exists"] is False


async def test_embedded_transport_seeds_once_and_serves(tmp_path) -> None:
    db = tmp_path / "e.db"
    for round_ in range(2):  # the second call finds the workspace seeded (and keeps the person added)
        async with httpx.AsyncClient(transport=embedded_transport(db, people=25, seed=1), base_url=SANDBOX_ORIGIN) as c:
            ws = await c.get("/v1/workspaces", headers={"Authorization": f"Bearer {SANDBOX_APP_KEY}"})
            assert ws.json()["workspaces"][0]["people"] == 25 + round_
            region = await c.get("/api/v1/accounts/region", auth=(SANDBOX_SITE_ID, SANDBOX_TRACK_KEY))
            assert region.json()["url"] == SANDBOX_ORIGIN
            await c.put("/api/v1/customers/a%2Bb%40test.io", json={}, auth=(SANDBOX_SITE_ID, SANDBOX_TRACK_KEY))
            app = {"Authorization": f"Bearer {SANDBOX_APP_KEY}"}
            # An unencoded "+" in an email query reads as a space: no match, no error (as documented).
            assert (await c.get("/v1/customers?email=a+b@test.io", headers=app)).json() == {"results": []}
            found = (await c.get("/v1/customers?email=a%2Bb%40test.io", headers=app)).json()["results"]
            assert [p["email"] for p in found] == ["a+b@test.io"]


async def test_embedded_dropped_connection_is_an_httpx_error(tmp_path) -> None:
    transport = embedded_transport(tmp_path / "f.db", people=5, fault_rate=1.0, fault_seed=0)
    seen = set()
    async with httpx.AsyncClient(transport=transport, base_url=SANDBOX_ORIGIN) as c:
        for i in range(12):
            try:
                r = await c.put(f"/api/v1/customers/x{i}", json={}, auth=(SANDBOX_SITE_ID, SANDBOX_TRACK_KEY))
                seen.add(r.status_code)
            except httpx.RemoteProtocolError:
                seen.add("drop")
    assert "drop" in seen and 429 in seen


def test_reset_starts_over_the_journal_walkthrough_and_audit_and_says_what_it_keeps(isolated_dirs) -> None:
    from cio_tui.config import load_settings
    from cio_tui.workspace import fingerprint_of, workspace_dir
    from cio_tui.workspace_sandbox import sandbox_profile

    runner = CliRunner()
    # a rehearsal: a plan applied (journal), an audit and a Walkthrough step recorded, a call set saved
    ids = runner.invoke(main, ["--sandbox", "leads", "--json"])
    lead = json.loads(ids.output)["leads"][0]
    csv_file = isolated_dirs["data"].parent / "ids.csv"
    csv_file.write_text(f"email,id\n{lead['email']},reset-test-1\n")
    plan_file = isolated_dirs["data"].parent / "p.json"
    assert runner.invoke(main, ["--sandbox", "plan", "convert-leads", "--ids", str(csv_file), "--out",
                                str(plan_file)]).exit_code == 0  # fmt: skip
    assert runner.invoke(main, ["--sandbox", "apply", str(plan_file), "--yes"]).exit_code == 0
    profile = sandbox_profile()
    records = workspace_dir(load_settings(), fingerprint_of(profile.region, profile.site_id, profile.origins()))
    assert (records / "journal.sqlite").is_file()
    (records / "walkthrough.json").write_text("{}")
    (records / "audit").mkdir()
    (records / "callsets").mkdir()
    (records / "callsets" / "web.txt").write_text("analytics.identify('u1')\n")
    assert json.loads(runner.invoke(main, ["--sandbox", "journal", "list", "--json"]).output)

    out = runner.invoke(main, ["sandbox", "reset", "--people", "30", "--yes"])
    assert out.exit_code == 0, out.output
    deleted = next(line for line in out.output.splitlines() if line.startswith("Deleted cio-tui's records"))
    assert all(name in deleted for name in ("audit", "journal.sqlite", "walkthrough.json"))
    assert "Kept: callsets (the calls you saved in Preview" in out.output
    assert sorted(p.name for p in records.iterdir()) == ["callsets"]
    assert json.loads(runner.invoke(main, ["--sandbox", "journal", "list", "--json"]).output) == []
    # the person the old journal described is gone with the old workspace: the new one has no 'reset-test-1'
    person = runner.invoke(main, ["--sandbox", "person", "reset-test-1", "--json"])
    assert person.exit_code == 1
