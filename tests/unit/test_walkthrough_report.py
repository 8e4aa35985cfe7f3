"""The Markdown report: workspace, dates, every step's outcome, applied plans with counts, journal, risks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations
from cio_tui.identity.journal import Journal
from cio_tui.identity.plan import Plan
from cio_tui.walkthrough.models import AuditCounts, CutoverChoice, DuplicateRuleCount
from cio_tui.walkthrough.progress import missing
from cio_tui.walkthrough.service import WalkthroughService
from cio_tui.walkthrough.state import StepStatus
from cio_tui.walkthrough.steps import REPORT_STEP, STEPS

T0 = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
N = {step.key: step.number for step in STEPS}


def _service(tmp_path):
    ws = SimpleNamespace(name="Acme", fingerprint="us:f00", is_sandbox=True, data_dir=tmp_path / "ws", client=None)
    return WalkthroughService(ws, now=lambda: T0)


def _journal_with_applied_plan(data_dir) -> str:
    plan = Plan.create(
        workspace_fingerprint="us:f00",
        workspace_name="Acme",
        source="convert-leads",
        operations=[operations.assign_id(PersonRef(cio_id=f"a{i}", email=f"l{i}@x.co"), f"u{i}") for i in range(3)],
        created_at=T0,
    )
    with Journal(data_dir / "journal.sqlite", operator="tester") as journal:
        journal.register_plan(plan)
        for op in plan.operations[:2]:
            journal.record(plan.plan_id, op.op_id, "done")
        journal.record(plan.plan_id, plan.operations[2].op_id, "skipped_stale")
    return plan.plan_id


def test_report_content(tmp_path) -> None:
    svc = _service(tmp_path)
    plan_id = _journal_with_applied_plan(svc.data_dir)
    state = svc.load()
    state.set_status(N["connect"], StepStatus.DONE, now=T0)
    state.set_status(N["identifiers"], StepStatus.SKIPPED, reason="settings known from the admin", now=T0)
    state.set_notes(N["audit"], "ran on | the export", now=T0)
    state.audit = AuditCounts(
        source="export",
        source_detail="people.csv",
        taken_at=T0,
        people=10,
        leads=2,
        duplicate_groups=[DuplicateRuleCount(rule="same_email", groups=2, people=4)],
    )
    state.cutover = CutoverChoice(method="one_step", cutover_at=T0)
    svc.save(state)

    out = svc.write_report(tmp_path / "out" / "report.md")
    text = out.read_text()
    assert text.startswith("# Migration report: Acme\n")
    assert "- Workspace: Acme (SANDBOX, region not checked, fingerprint `us:f00`)" in text
    assert "- Cut-over: one_step, at 2026-11-29 09:30 UTC" in text
    assert f"| {N['connect']} | Connect and check the workspace | done | 2026-11-29 09:30 UTC |  |" in text
    assert f"| {N['identifiers']} | Identifier settings | skipped: settings known from the admin |" in text
    assert f"| {N['audit']} | Audit the people | in progress | - | ran on / the export |" in text
    # the steps after the audit are open: this is a progress report, and the report step is not done
    assert f"| {REPORT_STEP} | Report | in progress | - |  |" in text
    assert "| Email-only leads | 2 |" in text and "Duplicate groups by rule: same_email 2" in text
    assert f"| `{plan_id}` | convert-leads | 3 | 2 done, 1 skipped_stale |" in text
    assert "- 1 plan(s) in the journal, 0 fully applied" in text
    assert "- operations by state: 2 done, 1 skipped_stale" in text
    assert "- **medium**: 2 duplicate group(s) not merged" in text
    assert (
        f"- **low**: Step {N['identifiers']} (Identifier settings) was skipped: settings known from the admin" in text
    )
    assert "No cut-over method chosen" not in text

    state = svc.load()
    assert state.step(REPORT_STEP).status is StepStatus.IN_PROGRESS and state.report_path == str(out)
    [left] = missing(state, REPORT_STEP)
    open_steps = ", ".join(str(n) for n in range(N["audit"], REPORT_STEP))
    assert left.startswith(f"finish or skip step(s) {open_steps}, then export the report")


def test_report_is_done_only_when_exported_after_every_other_step_is_finished(tmp_path) -> None:
    svc = _service(tmp_path)
    state = svc.load()
    for n in range(1, REPORT_STEP):
        state.set_status(n, StepStatus.SKIPPED, reason="rehearsal", now=T0)
    svc.save(state)
    out = svc.write_report(tmp_path / "report.md")
    state = svc.load()
    assert state.step(REPORT_STEP).status is StepStatus.DONE and missing(state, REPORT_STEP) == []
    assert f"| {REPORT_STEP} | Report | done |" in out.read_text()
    # a step reopened and finished after the export makes the report stale
    later = T0 + timedelta(hours=1)
    state.set_status(N["audit"], StepStatus.DONE, now=later)
    assert missing(state, REPORT_STEP) == ["export the report again: steps were finished after the last export"]


def test_report_without_anything_lists_the_cutover_risk(tmp_path) -> None:
    text = _service(tmp_path).report_markdown()
    assert "No audit was run." in text and "No plan was applied." in text
    assert "- **high**: No cut-over method chosen" in text
    assert "No plan has been applied to this workspace yet." in text


def test_classic_site_id_of_another_workspace_is_a_high_risk() -> None:
    from cio_tui.walkthrough import WalkthroughState
    from cio_tui.walkthrough.models import ClassicSettings
    from cio_tui.walkthrough.risks import open_risks
    from cio_tui.workspace import fingerprint_of

    state = WalkthroughState(workspace_fingerprint=fingerprint_of("us", "site-a"))
    state.classic = ClassicSettings(site_id="site-a")
    assert not [r for r in open_risks(state) if "site id" in r.text]
    state.classic = ClassicSettings(site_id="site-b")
    [risk] = [r for r in open_risks(state) if "site id" in r.text]
    assert risk.severity == "high" and "another workspace" in risk.text


def test_behaviour_changes_in_the_report_say_why_with_an_example(tmp_path) -> None:
    from cio_tui.segment.callsets import save_call_set
    from cio_tui.walkthrough._segment_adapter import callsets_dir

    svc = _service(tmp_path)
    save_call_set(callsets_dir(svc.data_dir), "web", "analytics.page('Home')\n", now=T0)
    text = svc.report_markdown(svc.load(), now=T0)
    assert "- **Calls the Actions destination rejects** (high risk, 1 call(s)): Fix the calls" in text
    assert (
        '  - e.g. page "Home" [web]: Actions rejects this call in trackPageView: The root value is missing the '
        "required field 'url'.\n"
    ) in text


def test_an_applied_plan_starts_the_repair_step_but_the_operator_says_when_it_is_done(tmp_path) -> None:
    svc = _service(tmp_path)
    assert svc.overview().state.step(N["repair"]).status is StepStatus.NOT_STARTED
    _journal_with_applied_plan(svc.data_dir)  # 2 done, 1 skipped_stale: not fully applied
    assert svc.overview().state.step(N["repair"]).status is StepStatus.NOT_STARTED
    plan = Plan.create(
        workspace_fingerprint="us:f00",
        workspace_name="Acme",
        source="merge-duplicates",
        created_at=T0,
        operations=[operations.assign_id(PersonRef(cio_id="c1", email="c1@x.test"), "u-c1")],
    )
    with Journal(svc.data_dir / "journal.sqlite", operator="tester") as journal:
        journal.register_plan(plan)
        journal.record(plan.plan_id, plan.operations[0].op_id, "done")
    ov = svc.overview()
    assert ov.state.step(N["repair"]).status is StepStatus.IN_PROGRESS
    assert ov.missing[N["repair"]] == [
        f"audit again (step {N['audit']}) to see what is left; this step is done when that audit finds "
        "nothing, or mark it done (d) if what is left is accepted"
    ]
    state = svc.refresh(ov.state)  # saved in progress, never done by itself
    assert svc.load().step(N["repair"]).status is StepStatus.IN_PROGRESS
    state.set_status(N["repair"], StepStatus.DONE, now=T0)
    assert svc.overview(state).missing[N["repair"]] == []


def _audit(taken_at: datetime, **counts: int) -> AuditCounts:
    return AuditCounts(source="live", taken_at=taken_at, people=10, **counts)


def test_a_fresh_audit_that_finds_nothing_finishes_the_repairs_without_mark_done_anyway(tmp_path) -> None:
    svc = _service(tmp_path)
    _journal_with_applied_plan(svc.data_dir)
    plan = Plan.create(
        workspace_fingerprint="us:f00",
        workspace_name="Acme",
        source="convert-leads",
        created_at=T0,
        operations=[operations.assign_id(PersonRef(cio_id="c1", email="c1@x.test"), "u-c1")],
    )
    with Journal(svc.data_dir / "journal.sqlite", operator="tester") as journal:
        journal.register_plan(plan)
        journal.record(plan.plan_id, plan.operations[0].op_id, "done")
    state = svc.load()
    state.audit = _audit(datetime.now(UTC) - timedelta(days=1), leads=2)  # before the repair
    ov = svc.overview(state)
    assert ov.missing[N["repair"]][0].startswith(f"audit again (step {N['audit']})")
    # the audit taken before the repair keeps its findings among the open risks, marked as such
    [risk] = [r for r in ov.risks if "email-only lead" in r.text]
    assert "at the audit of" in risk.text and f"audit again (step {N['audit']}) to see what is left" in risk.text
    state.audit = _audit(datetime.now(UTC) + timedelta(minutes=1), leads=1)  # fresh, one lead left
    assert svc.overview(state).missing[N["repair"]] == [
        f"the audit of {state.audit.taken_at:%Y-%m-%d %H:%M} UTC still finds 1 email-only lead(s) not converted: "
        "repair them and audit again, or mark this step done (d) if what is left is accepted"
    ]
    state.audit = _audit(datetime.now(UTC) + timedelta(minutes=1))  # fresh, nothing left
    state = svc.refresh(state)
    assert state.step(N["repair"]).status is StepStatus.DONE
    assert not [r for r in svc.overview(state).risks if "audit" in r.text]


def test_an_interrupted_apply_with_operations_in_doubt_is_a_high_risk(tmp_path) -> None:
    from cio_tui.walkthrough.history import AppliedPlan
    from cio_tui.walkthrough.risks import open_risks

    state = _service(tmp_path).load()
    interrupted = AppliedPlan(plan_id="abcdef0123456789", source="merge-duplicates", operations=5,
                              by_state={"done": 2, "sent": 1, "uncertain": 1, "checked": 1})  # fmt: skip
    [risk] = [r for r in open_risks(state, applied=[interrupted]) if "in doubt" in r.text]
    assert risk.severity == "high" and "2 operation(s) in doubt" in risk.text and "abcdef012345" in risk.text
    clean = AppliedPlan(plan_id="p2", operations=2, by_state={"done": 2}, complete=True)
    assert not [r for r in open_risks(state, applied=[clean]) if "in doubt" in r.text]


def test_report_names_the_rehearsal_mappings_and_starting_people(tmp_path) -> None:
    from cio_tui.walkthrough.models import RehearsalRecord

    svc = _service(tmp_path)
    state = svc.load()
    state.rehearsal = RehearsalRecord(
        traffic="traffic.jsonl", taken_at=T0, calls=12, malformed=0, people_differing=3,
        kinds={"merged_by_alias": 3}, starting_people=7,
        starting_from="the people the traffic names, read from the workspace (9 id(s), 2 email(s), 0 cio_id(s) and "
        "1 anonymous id(s))",
        mappings="your subscriptions from subs.json: 1 enabled subscription(s): People (createUpdatePerson)",
        report_path="/r/rehearsal.md",
    )  # fmt: skip
    svc.save(state)
    text = svc.write_report(tmp_path / "report.md").read_text()
    assert (
        "12 calls from 7 people (the people the traffic names, read from the workspace (9 id(s), 2 email(s), 0 "
        "cio_id(s) and 1 anonymous id(s))), Actions mappings: your subscriptions from subs.json: 1 enabled "
        "subscription(s): People (createUpdatePerson); **3 people end up different**: merged_by_alias 3."
    ) in text
