"""The last step: the migration report, one Markdown file for the team."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from cio_tui.walkthrough.behaviour import BehaviourChange
from cio_tui.walkthrough.checklist import ChecklistItem
from cio_tui.walkthrough.history import JournalSummary
from cio_tui.walkthrough.models import AuditCounts, RehearsalRecord
from cio_tui.walkthrough.risks import open_risks
from cio_tui.walkthrough.state import WalkthroughState
from cio_tui.walkthrough.steps import STEPS


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def _audit_lines(audit: AuditCounts | None) -> list[str]:
    if audit is None:
        return ["No audit was run."]
    lines = [
        f"Source: {audit.source} ({audit.source_detail or '-'}), taken {_when(audit.taken_at)}.",
        "",
        "| Count | People |",
        "|---|---:|",
        f"| People | {audit.people} |",
    ]
    lines += [f"| {label} | {count} |" for label, count in audit.chart_rows()]
    if audit.suppressed is None:
        lines.append("| Suppressed | not in the export |")
    if audit.duplicate_groups:
        lines += ["", audit.duplicate_rules_line()]
    if audit.cost_line:
        lines += ["", audit.cost_line[0].upper() + audit.cost_line[1:] + "."]
    lines += [f"- {note}" for note in audit.notes]
    return lines


def build_report(
    state: WalkthroughState,
    *,
    now: datetime,
    changes: Sequence[BehaviourChange] = (),
    checklist: Sequence[ChecklistItem] = (),
    journal: JournalSummary | None = None,
) -> str:
    journal = journal or JournalSummary(available=False, note="journal not read")
    ws = state.workspace_name or "(unnamed workspace)"
    kind = "SANDBOX" if state.is_sandbox else "LIVE"
    out = [
        f"# Migration report: {ws}",
        "",
        f"- Workspace: {ws} ({kind}, {state.connection.region if state.connection else 'region not checked'}, "
        f"fingerprint `{state.workspace_fingerprint or '-'}`)",
        f"- Walkthrough started: {_when(state.started_at)}",
        f"- Report written: {_when(now)}",
        f"- Cut-over: {state.cutover.method or 'not chosen'}, at {_when(state.cutover.cutover_at)}",
        "",
        "## Steps",
        "",
        "| # | Step | Outcome | Finished | Notes |",
        "|---|---|---|---|---|",
    ]
    for step in STEPS:
        st = state.step(step.number)
        notes = st.notes.replace("\n", " ").replace("|", "/")
        out.append(f"| {step.number} | {step.title} | {st.status_words} | {_when(st.finished_at)} | {notes} |")
    c, i = state.classic, state.identifier_settings
    out += [
        "",
        "## Settings recorded",
        "",
        f"- Classic destination: site id {c.site_id or 'not recorded'}, datacenter {c.datacenter or 'not recorded'}, "
        f"convert to unix time {_yes_no(c.convert_to_unix_time)}, "
        f"connection mode {c.connection_mode or 'not recorded'}",
        f"- Identifiers: mode {i.mode or 'not recorded'}, auto-merge {_yes_no(i.auto_merge)}, "
        f"email updates by id {_yes_no(i.email_updates_by_id)}",
        "",
        "## Audit",
        "",
        *_audit_lines(state.audit),
        "",
        "## Behaviour changes for the saved calls",
        "",
    ]
    if state.reviewed_sets:
        out.append("Saved sets reviewed: " + ", ".join(state.reviewed_sets) + ".")
        out.append("")
    if changes:
        for ch in changes:
            out.append(f"- **{ch.title}** ({ch.severity} risk, {ch.count} call(s)): {ch.todo}")
            out.append(f"  - e.g. {', '.join(ch.calls[:2])}: {ch.why}")
    else:
        out.append("None found (or no saved calls were reviewed).")
    out += _rehearsal_lines(state.rehearsal)
    done = sum(1 for item in checklist if state.checklist.get(item.key))
    out += ["", "## Prepare Actions checklist", "", f"{done} of {len(checklist)} item(s) ticked."]
    out += [f"- [{'x' if state.checklist.get(it.key) else ' '}] {it.title}" for it in checklist]
    out += ["", "## Plans applied", ""]
    if journal.plans:
        out += ["| Plan | Source | Operations | Outcome | Finished |", "|---|---|---:|---|---|"]
        out += [
            f"| `{p.plan_id}` | {p.source} | {p.operations} | {p.counts_text()} | {_when(p.finished_at)} |"
            for p in journal.plans
        ]
    else:
        out.append("No plan was applied." if journal.available else f"Journal unavailable: {journal.note}")
    if state.plans:
        out += ["", "Plans made in the walkthrough:"]
        out += [f"- `{p.plan_id}` {p.kind}: {p.operations} operation(s) {p.path or ''}".rstrip() for p in state.plans]
    out += ["", "## Journal summary", ""]
    out += [f"- {line}" for line in journal.lines] or ["Nothing journaled."]
    out += ["", "## Verification", ""]
    v = state.verify
    if v is None:
        out.append("Not run.")
    else:
        cut = f"cut-over {_when(v.since)}" if v.since else "no cut-over time recorded"
        out.append(f"Ran {_when(v.ran_at)} on {v.sampled} sampled people ({cut}).")
        out += [f"- {ch.mark} {ch.title}: {ch.detail}" for ch in v.checks]
    out += ["", "## Open risks", ""]
    risks = open_risks(state, changes=changes, checklist=checklist, applied=journal.plans)
    out += [f"- **{r.severity}**: {r.text}" for r in risks] or ["None."]
    return "\n".join(out) + "\n"


def _rehearsal_lines(record: RehearsalRecord | None) -> list[str]:
    """The preview step's rehearsal on real traffic, when one was run: the counts and where the full report is."""
    if record is None:
        return []
    kinds = ", ".join(f"{kind} {count}" for kind, count in record.kinds.items() if count) or "no difference"
    return [
        "",
        f"Rehearsal on traffic ({record.taken_at:%Y-%m-%d %H:%M} UTC, {record.traffic}): {record.calls} calls from "
        f"{record.starting_people} people"
        + (f" ({record.starting_from})" if record.starting_from else "")
        + f", Actions mappings: {record.mappings}; **{record.people_differing} people end up "
        f"different**: {kinds}. Full report: {record.report_path}.",
    ]
