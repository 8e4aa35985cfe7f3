"""The headless commands on the embedded sandbox: leads, plan convert-leads / fix-identifiers, apply, journal."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.identity.plan import load_plan, save_plan


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(main, ["--sandbox", *args], input=stdin, catch_exceptions=False)

    return invoke


def test_leads_plan_apply_journal(cli, tmp_path):
    out = cli("leads", "--json")
    assert out.exit_code == 0
    leads = json.loads(out.stdout)["leads"]
    assert len(leads) > 5 and set(leads[0]) == {"cio_id", "email"}
    ids = tmp_path / "ids.csv"
    ids.write_text(
        "email,id\n"
        + "".join(f"{x['email']},cli-{i}\n" for i, x in enumerate(leads[:4]))
        + "nobody@nowhere.test,cli-9\n"
        + f"{leads[5]['email']},cio_bad\n"
    )
    plan_file = tmp_path / "plan.json"
    out = cli("plan", "convert-leads", "--ids", str(ids), "--out", str(plan_file))
    assert out.exit_code == 0, out.output  # a plan was written even though rows were left out
    assert "4 operation(s) planned; 2 row(s) left out" in out.stdout
    assert "line 6: nobody@nowhere.test -> cli-9: No person has this email. Check the spelling; " in out.stdout
    assert "line 7:" in out.stdout and "starts with 'cio_'" in out.stdout
    plan = load_plan(plan_file)

    out = cli("apply", str(plan_file), stdin="wrong name\n")
    assert out.exit_code == 1 and "not applied: the name typed does not match" in out.output
    assert "4 assign_id" in out.output and f"PUT /api/v1/customers/cio_{leads[0]['cio_id']}" in out.output

    out = cli("apply", str(plan_file), "--max", "1", stdin="sandbox\n")
    assert out.exit_code == 1 and "1/4 operations done" in out.output
    assert "3 not sent yet (beyond --max); run again to continue" in out.output
    out = cli("apply", str(plan_file), "--yes")
    assert out.exit_code == 0 and "4/4 operations done (3 sent" in out.output

    out = cli("journal", "list", "--json")
    [record] = json.loads(out.stdout)
    assert record["plan_id"] == plan.plan_id and record["states"] == {"done": 4}
    assert plan.plan_id in cli("journal").stdout  # bare `journal` lists
    out = cli("journal", "show", plan.plan_id[:8])
    assert out.exit_code == 0 and f"plan {plan.plan_id} (convert-leads) on 'sandbox': 4/4 done" in out.stdout
    out = cli("journal", "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["state"] for r in rows if r["op_id"] == "op-00002"] == ["checked", "sent", "done"]
    export = tmp_path / "j.jsonl"
    out = cli("journal", "export", "--format", "jsonl", "--out", str(export), "--plan", str(plan_file))
    assert out.exit_code == 0 and len(export.read_text().splitlines()) == len(rows)
    assert cli("journal", "show", "nope").exit_code == 1


def test_apply_refuses_another_workspaces_plan(cli, tmp_path):
    from datetime import UTC, datetime

    from cio_tui.identity.plan import Plan

    foreign = Plan.create(
        workspace_fingerprint="eu:0000000000000000",
        workspace_name="Prod EU",
        source="manual",
        operations=[],
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    save_plan(foreign, tmp_path / "p.json")
    out = cli("apply", str(tmp_path / "p.json"), "--yes")
    assert out.exit_code == 1 and "made for workspace 'Prod EU'" in out.output
    (tmp_path / "bad.json").write_text("{}")
    out = cli("apply", str(tmp_path / "bad.json"), "--yes")
    assert out.exit_code == 1 and "not a valid cio-tui plan" in out.output


def test_fix_identifiers_cli(cli, tmp_path):
    leads = json.loads(cli("leads", "--json").stdout)["leads"]
    changes = tmp_path / "changes.csv"
    changes.write_text(
        f"cio_id,new_id,new_email\ncio_{leads[0]['cio_id']},fixed-0,\n{leads[1]['cio_id']},,{leads[0]['email']}\n"
    )
    out = cli(
        "plan",
        "fix-identifiers",
        "--changes",
        str(changes),
        "--out",
        str(tmp_path / "p.json"),
        "--json",
        "--proposals-out",
        str(tmp_path / "m.json"),
    )
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert data["operations"] == 1 and data["excluded"][0]["line"] == 3
    assert "already belongs to another person" in data["excluded"][0]["reason"]
    assert load_plan(tmp_path / "m.json").operations[0].kind == "merge"
    out = cli("apply", str(tmp_path / "p.json"), "--yes")
    assert out.exit_code == 0


def test_fix_identifiers_cli_takes_the_person_by_email_and_says_which_rows_name_nobody(cli, tmp_path):
    leads = json.loads(cli("leads", "--json").stdout)["leads"]
    changes = tmp_path / "by-email.csv"
    changes.write_text(f"email,new_id\n{leads[0]['email']},by-email-0\nnobody-here@example.test,x-1\n")
    plan_file = tmp_path / "p.json"
    out = cli("plan", "fix-identifiers", "--changes", str(changes), "--out", str(plan_file))
    assert out.exit_code == 0, out.output
    [op] = load_plan(plan_file).operations
    assert op.request.line() == f'PUT /api/v1/customers/cio_{leads[0]["cio_id"]} {{"id": "by-email-0"}}'
    assert "line 3: email nobody-here@example.test" in out.stdout
    assert "no person has the email 'nobody-here@example.test'" in out.stdout.lower()
    out = cli("plan", "fix-identifiers", "--changes", str(changes), "--out", str(plan_file), "--json")
    [left_out] = json.loads(out.stdout)["excluded"]
    assert left_out["line"] == 3 and left_out["key"] == "email nobody-here@example.test"


def test_fix_identifiers_with_nothing_to_do_writes_no_plan_and_names_each_row_once_prefixed(cli, tmp_path):
    leads = json.loads(cli("leads", "--json").stdout)["leads"]
    changes = tmp_path / "changes.csv"
    # both rows are refused: a bad new id (row checked before the cio_id is normalised) and an unknown person
    changes.write_text(f"cio_id,new_id,new_email\ncio_{leads[0]['cio_id']},cio_bad,\ncio_zzzz9999,fine-id,\n")
    plan_file = tmp_path / "p.json"
    out = cli("plan", "fix-identifiers", "--changes", str(changes), "--out", str(plan_file))
    assert out.exit_code == 1 and not plan_file.exists()
    assert "cio_cio_" not in out.output
    assert f"cio_{leads[0]['cio_id']}" in out.stdout and "cio_zzzz9999" in out.stdout
    assert f"no plan written to {plan_file}: no operation is left to apply" in out.output
    out = cli("plan", "fix-identifiers", "--changes", str(changes), "--out", str(plan_file), "--json")
    assert out.exit_code == 1 and json.loads(out.stdout)["plan"] is None and not plan_file.exists()


def test_convert_leads_from_another_workspaces_export_warns(cli, tmp_path):
    export = tmp_path / "other.csv"
    export.write_text("cio_id,id,email\nzz000001,,far@away.test\nzz000002,,farther@away.test\n")
    ids = tmp_path / "ids.csv"
    ids.write_text("email,id\nfar@away.test,far-1\n")
    out = cli("plan", "convert-leads", "--ids", str(ids), "--leads-export", str(export), "--out",
              str(tmp_path / "p.json"))  # fmt: skip
    assert "warning: None of the 2 people checked from this export is in workspace 'sandbox'" in out.stderr
