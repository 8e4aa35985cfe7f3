"""`cio-tui apply` on an edited plan: refused with the reason, nothing sent; --allow-unsigned lists what differs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cio_tui.cli import main


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None):
        return runner.invoke(main, ["--sandbox", *args], input=stdin, catch_exceptions=False)

    return invoke


def _plan(cli, tmp_path):
    leads = json.loads(cli("leads", "--json").stdout)["leads"][:2]
    ids = tmp_path / "ids.csv"
    ids.write_text("email,id\n" + "".join(f"{x['email']},tamper-{i}\n" for i, x in enumerate(leads)))
    plan_file = tmp_path / "plan.json"
    assert cli("plan", "convert-leads", "--ids", str(ids), "--out", str(plan_file)).exit_code == 0
    return plan_file, leads


def _journaled(cli) -> int:
    return len(json.loads(cli("journal", "list", "--json").stdout))


def test_edited_plans_are_refused_and_nothing_is_sent(cli, tmp_path):
    plan_file, leads = _plan(cli, tmp_path)
    data = json.loads(plan_file.read_text())
    before = _journaled(cli)
    victim = leads[1]["cio_id"]
    swapped = json.loads(json.dumps(data))
    swapped["operations"][0]["subject"]["value"] = victim  # write another customer's id
    plan_file.write_text(json.dumps(swapped))
    out = cli("apply", str(plan_file), "--yes")
    assert out.exit_code == 1 and "operation op-00001" in out.output and "the plan was edited" in out.output
    unsigned = dict(data, signature="")
    plan_file.write_text(json.dumps(unsigned))
    out = cli("apply", str(plan_file), "--yes")
    assert out.exit_code == 1 and "the plan is not signed" in out.output and "--allow-unsigned" in out.output
    assert _journaled(cli) == before  # nothing registered, nothing sent
    person = json.loads(cli("person", f"cio_{victim}", "--json").stdout)
    assert person.get("id") in (None, "")

    out = cli("apply", str(plan_file), "--yes", "--allow-unsigned")
    assert "warning: the plan is not signed" in out.output and "--allow-unsigned was given" in out.output
    assert "every operation is what cio-tui would plan now" in out.output
    assert out.exit_code == 0 and "2/2 operations done" in out.output
