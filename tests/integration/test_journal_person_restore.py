"""The journal searched by person across plans, and restore plans from a before-snapshot, on the embedded sandbox."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.identity.plan import load_plan


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--sandbox", *args], catch_exceptions=False)

    return invoke


def _person(cli, who: str) -> dict:
    out = cli("person", who, "--json")
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)["person"]


def _apply(cli, plan_file) -> None:
    out = cli("apply", str(plan_file), "--yes")
    assert out.exit_code == 0, out.output


def test_change_found_by_old_id_new_id_email_and_cio_id_then_restored(cli, tmp_path):
    person = _person(cli, "cio_a3000001")
    assert person["id"] and person["email"]
    cio_id, old_id, email = person["cio_id"], person["id"], person["email"]
    changes = tmp_path / "c.csv"
    changes.write_text(f"cio_id,new_id,new_email\n{cio_id},renamed-{old_id},\n")
    _ok = cli("plan", "fix-identifiers", "--changes", str(changes), "--out", str(tmp_path / "fix.json"))
    assert _ok.exit_code == 0, _ok.output
    _apply(cli, tmp_path / "fix.json")

    for query in (old_id, f"renamed-{old_id}", email.upper(), f"cio_{cio_id}", cio_id):
        out = cli("journal", "search", query, "--json")
        assert out.exit_code == 0, (query, out.output)
        [hit] = json.loads(out.stdout)["operations"]
        assert hit["cio_id"] == cio_id and hit["kind"] == "change_id" and hit["state"] == "done"
        assert hit["before"]["id"] == old_id and hit["after"]["id"] == f"renamed-{old_id}"
    text = cli("journal", "search", old_id)
    assert f"1 operation(s) on cio_{cio_id} in 1 plan(s)" in text.stdout and "change_id" not in text.stderr
    missing = cli("journal", "search", "nobody-at-all")
    assert missing.exit_code == 1 and "never touched 'nobody-at-all'" in missing.output

    out = cli("plan", "restore", email, "--out", str(tmp_path / "restore.json"))
    assert out.exit_code == 0, out.output
    assert f"restores: id 'renamed-{old_id}' -> '{old_id}'" in out.stdout
    plan = load_plan(tmp_path / "restore.json")
    assert plan.source == "restore" and [op.kind for op in plan.operations] == ["change_id"]
    assert plan.operations[0].request.path == f"/api/v1/customers/cio_{cio_id}"
    assert plan.operations[0].request.body == {"id": old_id}
    _apply(cli, tmp_path / "restore.json")
    assert _person(cli, f"cio_{cio_id}")["id"] == old_id
    # the restore is in the journal too: the person's history now has both operations
    hits = json.loads(cli("journal", "search", cio_id, "--json").stdout)["operations"]
    assert [h["kind"] for h in hits] == ["change_id", "change_id"]


def test_a_deleted_merge_secondary_cannot_be_restored_and_says_why(cli, tmp_path):
    from cio_tui.customerio.models import PersonRef
    from cio_tui.identity import operations as ops
    from cio_tui.identity.plan import Plan, save_plan
    from cio_tui.identity.signing import SANDBOX_PLAN_KEY
    from cio_tui.workspace import fingerprint_of
    from cio_tui.workspace_sandbox import sandbox_profile

    leads = json.loads(cli("leads", "--json").stdout)["leads"]
    primary, secondary = _person(cli, "cio_a3000001"), leads[0]
    profile = sandbox_profile()
    merge = Plan.create(
        workspace_fingerprint=fingerprint_of("us", profile.site_id, profile.origins()), workspace_name="sandbox",
        source="merge-duplicates",
        operations=[ops.merge(PersonRef(cio_id=primary["cio_id"], id=primary["id"], email=primary["email"]),
                              PersonRef(cio_id=secondary["cio_id"], email=secondary["email"]))],
    )  # fmt: skip
    save_plan(merge, tmp_path / "m.json", key=SANDBOX_PLAN_KEY)
    _apply(cli, tmp_path / "m.json")

    hits = json.loads(cli("journal", "search", secondary["email"], "--json").stdout)["operations"]
    assert {(h["cio_id"], h["role"]) for h in hits} >= {(secondary["cio_id"], "secondary")}
    out = cli("plan", "restore", f"cio_{secondary['cio_id']}", "--out", str(tmp_path / "r.json"))
    assert out.exit_code == 1 and not (tmp_path / "r.json").exists()
    assert "it was merged into another person and deleted" in out.stdout
    assert "Customer.io cannot bring a deleted person back" in out.stdout
    assert "nothing can be restored" in out.output


def test_a_converted_lead_cannot_lose_its_id_again(cli, tmp_path):
    lead = json.loads(cli("leads", "--json").stdout)["leads"][0]
    ids = tmp_path / "ids.csv"
    ids.write_text(f"email,id\n{lead['email']},restore-lead-1\n")
    assert cli("plan", "convert-leads", "--ids", str(ids), "--out", str(tmp_path / "p.json")).exit_code == 0
    _apply(cli, tmp_path / "p.json")
    out = cli("plan", "restore", "restore-lead-1", "--out", str(tmp_path / "r.json"), "--json")
    assert out.exit_code == 1
    [person] = json.loads(out.stdout)["people"]
    assert person["restores"] == [] and "the person had no id before" in person["cannot"][0]
