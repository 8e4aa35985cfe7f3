"""``--live`` against the sandbox: start, poll and download a people export, then find exactly the generator's
recorded duplicate clusters (the ground truth), and the CLI path end to end."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from pydantic import SecretStr

from cio_tui.cli import main
from cio_tui.customerio.client import CustomerIOClient
from cio_tui.identity.duplicates.engine import analyse_export
from cio_tui.identity.duplicates.live import fetch_live_export
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.sandbox.seeding import ground_truth
from cio_tui.sandbox.store import Store


async def test_live_export_finds_every_recorded_cluster(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.db"
    transport = embedded_transport(db, people=400, seed=11)
    client = CustomerIOClient(
        track_origin=SANDBOX_ORIGIN, app_origin=SANDBOX_ORIGIN, site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY), app_key=SecretStr(SANDBOX_APP_KEY), transport=transport,
        track_rps=1000, app_rps=1000,
    )  # fmt: skip
    stages: list[str] = []
    async with client:
        path = await fetch_live_export(
            client, tmp_path / "exports", progress=lambda stage, _f: stages.append(stage), first_poll=0.01
        )
    assert path.parent == tmp_path / "exports" and path.name.startswith("people-export-")
    assert stages[0] == "starting a people export" and stages[-1].startswith("downloaded ")

    store = Store(db)
    try:
        truth = {frozenset(c["cio_ids"]) for c in ground_truth(store)}
    finally:
        store.close()
    with analyse_export(path) as analysis:
        found = {frozenset(m.cio_id for m in g.members) for g in analysis.groups()}
        assert analysis.problems == []
    assert truth and found == truth  # precision and recall 100%


def test_cli_duplicates_live_on_the_sandbox(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--sandbox", "duplicates", "--live", "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"]["rows"] > 0 and data["summary"]["groups"] == len(data["groups"]) > 0
    assert "export saved as" in result.stderr and "[100%] downloaded" in result.stderr
