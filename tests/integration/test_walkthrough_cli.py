"""`cio-tui walkthrough ...` on the embedded sandbox: status JSON, step changes, report, clean-up plan."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cio_tui.cli import main
from cio_tui.identity.plan import OpKind, load_plan
from cio_tui.walkthrough.steps import STEP_COUNT, STEPS

N = {step.key: step.number for step in STEPS}


def _run(*args: str):
    return CliRunner().invoke(main, ["--sandbox", "walkthrough", *args], catch_exceptions=False)


def test_status_step_report_and_cleanup(tmp_path) -> None:
    result = _run("status", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["workspace"]["name"] == "sandbox" and data["workspace"]["sandbox"] is True
    assert data["current_step"] == 1
    assert [s["key"] for s in data["steps"]][:3] == ["connect", "identifiers", "audit"]
    assert data["steps"][0]["status"] == "not_started"
    assert "check the workspace connection (keys and region)" in data["steps"][0]["missing"]
    assert {"level": "high", "text": data["risks"][0]["text"]} == data["risks"][0]

    assert _run("step", "1", "--done").exit_code == 0
    out = _run("step", "2", "--skip", "the admin told us: email or id, auto-merge on")
    assert out.exit_code == 0 and "skipped: the admin told us" in out.output
    usage = _run("step", "3", "--skip", " ")
    assert usage.exit_code == 2 and "--skip needs a reason" in usage.output

    data = json.loads(_run("status", "--json").output)
    assert [s["status"] for s in data["steps"][:3]] == ["done", "skipped", "not_started"]
    assert data["steps"][1]["reason"] == "the admin told us: email or id, auto-merge on"
    assert data["current_step"] == 3 and data["counts"]["done"] == 1

    text = _run("status").output
    assert "> 3. Audit the people" in text and "skipped: the admin told us" in text

    out = _run("set", "--cutover", "received_at_filters", "--cutover-at", "2026-12-01 09:00")
    assert out.exit_code == 0 and f"{N['cutover']}. Cut over without double sending    done" in out.output
    assert _run("set", "--cutover-at", "tomorrow").exit_code == 2
    verify = _run("verify", "--sample", "5", "--json")
    assert verify.exit_code in (0, 1)
    checks = json.loads(verify.output)["checks"]
    assert [c["key"] for c in checks][:2] == ["identifiers", "anonymous_id"]
    assert verify.exit_code == (0 if all(c["passed"] for c in checks) else 1)
    state = json.loads(_run("status", "--json").output)
    assert state["steps"][N["verify"] - 1]["status"] in ("in_progress", "done")

    report = tmp_path / "report.md"
    out = _run("report", "--out", str(report))
    assert out.exit_code == 0 and f"Report written to {report}" in out.output
    body = report.read_text()
    assert body.startswith("# Migration report: sandbox\n")
    skipped = "skipped: the admin told us: email or id, auto-merge on"
    assert f"| {N['identifiers']} | Identifier settings | {skipped} |" in body
    # the steps from the audit on are open (the cut-over is done): a progress report, the report step is not done
    still_open = ", ".join(str(n) for n in range(N["audit"], N["cutover"]))
    assert f"Step {STEP_COUNT} stays in progress: finish or skip step(s) {still_open}" in out.output
    assert json.loads(_run("status", "--json").output)["steps"][STEP_COUNT - 1]["status"] == "in_progress"

    csv_path = tmp_path / "gdpr.csv"
    csv_path.write_text("identifier\nnobody-at-all\n")
    out = _run("cleanup", "--csv", str(csv_path), "--action", "suppress", "--out", str(tmp_path / "p.json"))
    assert out.exit_code == 1 and "no row names an existing person" in out.output
    assert not (tmp_path / "p.json").exists()

    lead = json.loads(CliRunner().invoke(main, ["--sandbox", "leads", "--json"]).output)["leads"][0]
    csv_path.write_text(f"email,action\n{lead['email']},delete\nnobody@nowhere.test,delete\n")
    out = _run("cleanup", "--csv", str(csv_path), "--out", str(tmp_path / "p.json"))
    assert out.exit_code == 0, out.output
    assert "1 to delete, 0 to suppress, 1 left out" in out.output and "cannot be undone" in out.output
    plan = load_plan(tmp_path / "p.json")
    assert [op.kind for op in plan.operations] == [OpKind.DELETE]
    assert plan.source == "delete-suppress"


def test_audit_from_an_export_prints_and_reports_what_duplicates_cost(tmp_path, monkeypatch) -> None:
    export = tmp_path / "people.csv"
    export.write_text("cio_id,id,email,created_at\na1,,dup@x.co,1\na2,u2,dup@x.co,2\na3,u3,solo@x.co,3\n")
    out = _run("audit", "--from-export", str(export), "--price-per-profile", "1.25")
    assert out.exit_code == 0, out.output
    assert "duplicates cost about $1.25 a month (1 duplicate profile(s) at $1.25 per profile" in out.output
    report = tmp_path / "report.md"
    assert _run("report", "--out", str(report)).exit_code == 0
    assert "Duplicates cost about $1.25 a month" in report.read_text()
    monkeypatch.setenv("CIO_TUI_PRICE_PER_PROFILE", "0.5")  # the operator's price from the environment
    data = json.loads(_run("audit", "--from-export", str(export), "--json").output)
    assert (data["duplicate_profiles"], data["price_per_profile"]) == (1, 0.5)


def test_verify_right_after_the_cut_over_says_not_yet_verifiable_and_exits_1() -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    assert _run("set", "--cutover", "one_step", "--cutover-at", now).exit_code == 0
    out = _run("verify", "--sample", "5")
    assert out.exit_code == 1  # exit 0 only when every check passed: nothing is proven yet
    assert "NOT YET  Identifiers as expected: no sampled person was created since the cut-over" in out.output
    assert "FAIL" not in out.output
    assert "Nothing failed; 4 check(s) not yet verifiable" in out.output
    checks = json.loads(_run("verify", "--sample", "5", "--json").output)["checks"]
    assert [c["key"] for c in checks if c["pending"]] == ["identifiers", "anonymous_id", "timestamps", "duplicates"]
    risks = json.loads(_run("status", "--json").output)["risks"]
    assert not [r for r in risks if r["text"].startswith("Verification failed")]
    assert [r["level"] for r in risks if r["text"].startswith("Verification not yet possible")] == ["medium"]
