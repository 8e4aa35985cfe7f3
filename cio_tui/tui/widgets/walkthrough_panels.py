"""Walkthrough panels: the preview step (saved calls and behaviour changes), repair (repairs, deletion/suppression),
verify (verification) and report (the report and open risks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Select, Static

from cio_tui.cutover.verify import verdict
from cio_tui.tui.messages import OpenPerson
from cio_tui.tui.walkthrough_requests import Cleanup, ExportReport, PreviewLine, Rehearse, Verify, ViewReport
from cio_tui.tui.widgets.walkthrough_base import StepPanel, selected
from cio_tui.tui.widgets.walkthrough_ticklist import TickList
from cio_tui.walkthrough.cleanup import IRREVERSIBLE_WARNING
from cio_tui.walkthrough.steps import REPORT_STEP, other_steps, step_by_key, step_ref

if TYPE_CHECKING:
    from cio_tui.walkthrough.models import RehearsalRecord
    from cio_tui.walkthrough.service import Overview


class PreviewPanel(StepPanel):
    STEP = step_by_key("preview").number

    def compose(self) -> ComposeResult:
        yield Static("Saved sets of calls (from Preview): tick the ones you reviewed", classes="wt-section")
        yield TickList(id="wt-sets")
        yield Static("", id="wt-changes", classes="wt-result", markup=False)
        yield Static("Rehearse on traffic: a file of your real Segment calls (JSON lines, a JSON array, or warehouse "
                     "tables as CSV/Parquet)", classes="wt-section")  # fmt: skip
        with Horizontal(classes="wt-field"):
            yield Input(placeholder="traffic file or folder", id="wt-traffic-path", compact=True)
            yield Button("Rehearse", id="wt-rehearse", compact=True)
        with Horizontal(classes="wt-field"):
            yield Input(placeholder="people CSV (optional)",
                        id="wt-traffic-people", compact=True)  # fmt: skip
            yield Input(placeholder="subscriptions JSON (optional)", id="wt-traffic-subs",
                        tooltip="Your Actions destination's subscriptions (the Public API's JSON); without it the "
                        "live ones from Segment when a token reads them, else the default presets",
                        compact=True)  # fmt: skip
        yield Static("", id="wt-rehearsal", classes="wt-result", markup=False)
        with Horizontal(classes="wt-field", id="wt-examples-row"):
            yield Select([], prompt="an example person", id="wt-examples", compact=True)
            yield Button("Open in People", id="wt-example-person", compact=True)
            yield Button("Preview the call", id="wt-example-call", compact=True)
            yield Button("View report", id="wt-rehearsal-report", compact=True)

    def show_progress(self, line: str) -> None:
        """The replay's progress (rate and time left), while it runs."""
        self.query_one("#wt-rehearsal", Static).update(line)

    @on(Button.Pressed, "#wt-rehearse")
    @on(Input.Submitted, "#wt-traffic-path, #wt-traffic-people, #wt-traffic-subs")
    def _rehearse(self) -> None:
        traffic = self.query_one("#wt-traffic-path", Input).value.strip()
        if not traffic:
            self.notify("Type the path of a traffic file (or a folder of warehouse tables) first.", severity="warning")
            return
        export = self.query_one("#wt-traffic-people", Input).value.strip()
        subscriptions = self.query_one("#wt-traffic-subs", Input).value.strip()
        self.show_progress("Starting the rehearsal: reading the mappings and the starting people...")
        self.request_task(Rehearse(traffic, export=export or None, subscriptions=subscriptions or None))

    def show(self, overview: Overview) -> None:
        record = overview.state.rehearsal
        self.query_one("#wt-rehearsal", Static).update(rehearsal_text(record))
        examples = list(record.examples) if record is not None else []
        self.query_one("#wt-examples", Select).set_options(
            [(f"{e.kind}: {e.who}" + (f" (line {e.line})" if e.line else ""), i) for i, e in enumerate(examples)]
        )
        self.query_one("#wt-examples-row").display = record is not None
        self.query_one("#wt-examples", Select).display = bool(examples)
        self.query_one("#wt-example-person", Button).display = bool(examples)
        self.query_one("#wt-example-call", Button).display = bool(examples)
        names = list(overview.saved_sets)
        reviewed = set(overview.state.reviewed_sets)
        sets = self.query_one("#wt-sets", TickList)
        sets.set_items([(name, name) for name in names], reviewed)
        sets.display = bool(names)
        if not names:
            text = "No saved set yet: open Preview, paste the calls your app makes, and save them as a set."
        elif not overview.changes:
            text = "No behaviour change found for these calls."
        else:
            lines = [f"{len(overview.changes)} behaviour change(s) for {len(overview.calls)} call(s):"]
            for ch in overview.changes:
                lines.append(f"- {ch.severity.upper()} {ch.title} ({ch.count} call(s)): {ch.todo}")
                lines.append("    e.g. " + ", ".join(ch.calls[:2]))
                lines.append(f"    why: {ch.why}")
            text = "\n".join(lines)
        self.query_one("#wt-changes", Static).update(text)

    def _example(self) -> Any:
        record = self.overview.state.rehearsal if self.overview is not None else None
        index = selected(self.query_one("#wt-examples", Select).value)
        if record is None or index is None:
            self.notify("Pick an example person first.", severity="warning")
            return None
        return record.examples[index]

    @on(Button.Pressed, "#wt-example-person")
    def _open_person(self) -> None:
        example = self._example()
        if example is not None and example.lookup:
            if example.created_under:  # made by the replay: the workspace may hold nobody by that id or email yet
                self.notify(f"{example.who} exists only in the rehearsal (created under {example.created_under}): "
                            "People shows who holds that id or email in the workspace today, if anybody.",
                            markup=False)  # fmt: skip
            self.post_message(OpenPerson(example.lookup))
        elif example is not None:
            self.notify("This person has no id or email to look up.", severity="warning")

    @on(Button.Pressed, "#wt-example-call")
    def _preview_call(self) -> None:
        example = self._example()
        if example is not None and example.file and example.line:
            self.request_task(PreviewLine(example.file, example.line))
        elif example is not None:
            self.notify("No single call made this difference (it is the end state): open the person instead.",
                        severity="warning")  # fmt: skip

    @on(Button.Pressed, "#wt-rehearsal-report")
    def _view_report(self) -> None:
        record = self.overview.state.rehearsal if self.overview is not None else None
        if record is None or not record.report_path:
            self.notify("No rehearsal report yet: rehearse first.", severity="warning")
            return
        self.request_task(ViewReport(record.report_path))

    @on(TickList.Toggled, "#wt-sets")
    def _changed(self, event: TickList.Toggled) -> None:
        self.record(reviewed_sets=[name for name in event.tick_list.keys if name in event.tick_list.ticked])


def rehearsal_text(record: RehearsalRecord | None) -> str:
    """The last rehearsal: how many people end up different, by kind, and where the report is."""
    if record is None:
        return "No rehearsal yet: give a traffic file and press Rehearse (nothing is sent anywhere)."
    kinds = ", ".join(f"{kind} {count}" for kind, count in record.kinds.items() if count) or "no difference"
    return (
        f"Rehearsal of {record.taken_at:%Y-%m-%d %H:%M} UTC on {record.traffic}: {record.calls} calls "
        f"({record.malformed} malformed skipped) from {record.starting_people} people"
        + (f": {record.starting_from}" if record.starting_from else "")
        + f".\nActions mappings: {record.mappings}.\n"
        f"{record.people_differing} people end up different: {kinds}.\nReport: {record.report_path}"
    )


def repair_hints(overview: Overview) -> list[str]:
    """What the audit says the repair step should repair, and where; then whether the step can be marked done."""
    audit = overview.state.audit
    if audit is None:
        lines = [f"Run the audit ({step_ref('audit')}) first to see what needs repair."]
    else:
        todo = [
            (audit.duplicate_group_total, "duplicate group(s) to merge: Open Duplicates"),
            (audit.leads, "email-only lead(s) to give an id: Open Leads"),
            (audit.email_as_id, "people whose id is an email to fix: Open Identifiers"),
            (audit.case_variant_ids, "people with case-variant ids to merge or fix: Open Duplicates"),
        ]
        found = [f"- {n} {text}" for n, text in todo if n]
        when = f"{audit.taken_at:%Y-%m-%d %H:%M} UTC"
        lines = (
            [
                f"From the audit of {when} (audit again in {step_ref('audit')} to count what is left after repairs):",
                *found,
            ]
            if found
            else [f"The audit of {when} found nothing to repair."]
        )
    lines.append("")
    return lines


class RepairPanel(StepPanel):
    STEP = step_by_key("repair").number

    def compose(self) -> ComposeResult:
        yield Static("", id="wt-applied", classes="wt-result", markup=False)
        yield Static("Delete or suppress people (e.g. Segment GDPR suppressions) from a CSV", classes="wt-section")
        with Horizontal(classes="wt-field"):
            yield Input(placeholder="people.csv (identifier[,action])", id="wt-cleanup-path", compact=True)
            yield Select(
                [("delete", "delete"), ("suppress", "suppress")], prompt="action", id="wt-cleanup-action", compact=True
            )
            yield Button("Plan it", id="wt-cleanup", variant="warning", compact=True)
        yield Static(IRREVERSIBLE_WARNING, classes="wt-warning")

    def show(self, overview: Overview) -> None:
        journal = overview.journal
        lines = repair_hints(overview)
        lines += journal.lines
        for plan in journal.plans[:6]:
            state = "fully applied" if plan.done else "NOT fully applied"
            lines.append(
                f"- {plan.plan_id[:8]} {plan.source}: {plan.operations} operation(s), {state} ({plan.counts_text()})"
            )
        self.query_one("#wt-applied", Static).update("\n".join(lines))

    @on(Button.Pressed, "#wt-cleanup")
    @on(Input.Submitted, "#wt-cleanup-path")
    def _plan(self) -> None:
        path = self.query_one("#wt-cleanup-path", Input).value.strip()
        if not path:
            self.notify("Type the path of the CSV of people to delete or suppress first.", severity="warning")
            return
        self.request_task(Cleanup(path, selected(self.query_one("#wt-cleanup-action", Select).value)))


class VerifyPanel(StepPanel):
    STEP = step_by_key("verify").number

    def compose(self) -> ComposeResult:
        yield Static("", id="wt-verify-since", classes="wt-hint", markup=False)
        yield Button("Run the verification", id="wt-verify", variant="primary", compact=True)
        yield Static("", id="wt-verify-result", classes="wt-result", markup=False)

    def show(self, overview: Overview) -> None:
        state = overview.state
        cut = state.cutover.cutover_at
        self.query_one("#wt-verify-since", Static).update(
            f"Samples people created since the cut-over ({cut:%Y-%m-%d %H:%M} UTC)."
            if cut
            else f"No cut-over time recorded ({step_ref('cutover')}): the most recent people are sampled."
        )
        v = state.verify
        if v is None:
            text = "Not run yet."
        else:
            lines = [f"Ran {v.ran_at:%Y-%m-%d %H:%M} UTC on {v.sampled} people: " + verdict(v.checks)]
            for check in v.checks:
                lines.append(f"{check.mark}  {check.title}: {check.detail}")
                lines += [f"   e.g. {ex}" for ex in check.examples[:3]]
            text = "\n".join(lines)
        self.query_one("#wt-verify-result", Static).update(text)

    @on(Button.Pressed, "#wt-verify")
    def _run(self) -> None:
        self.request_task(Verify())


class ReportPanel(StepPanel):
    STEP = step_by_key("report").number

    def compose(self) -> ComposeResult:
        with Horizontal(classes="wt-field"):
            yield Input(placeholder="migration-report.md", id="wt-report-path", compact=True)
            yield Button("Export report", id="wt-report", variant="primary", compact=True)
        yield Static("", id="wt-report-done", classes="wt-hint", markup=False)
        yield Static("Open risks", classes="wt-section")
        yield Static("", id="wt-risks", classes="wt-result", markup=False)

    def show(self, overview: Overview) -> None:
        state = overview.state
        done = (
            f"Last exported {state.report_exported_at:%Y-%m-%d %H:%M} UTC to {state.report_path}"
            if state.report_exported_at
            else "Not exported yet."
        )
        open_steps = [str(n) for n in other_steps(state, REPORT_STEP) if not state.step(n).status.finished]
        left = overview.missing.get(REPORT_STEP) or []
        if state.report_exported_at and open_steps:
            done += (
                f". That was a progress report: step(s) {', '.join(open_steps)} are still open; export again "
                "once they are finished or skipped."
            )
        elif state.report_exported_at and left:
            done += f". {left[0].capitalize()}."
        self.query_one("#wt-report-done", Static).update(done)
        risks = overview.risks
        text = "\n".join(f"{r.severity.upper()}: {r.text}" for r in risks) if risks else "None."
        self.query_one("#wt-risks", Static).update(text)

    @on(Button.Pressed, "#wt-report")
    @on(Input.Submitted, "#wt-report-path")
    def _export(self) -> None:
        path = self.query_one("#wt-report-path", Input).value.strip() or "migration-report.md"
        self.request_task(ExportReport(path))
