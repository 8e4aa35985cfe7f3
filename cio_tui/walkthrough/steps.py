"""The steps of the migration, one object each: its texts (title, what it is for, what "done" means), the areas it
opens, its Walkthrough panel, and what it still needs before it counts as done (its ``needs`` rule).

The number of steps, their numbering and every "step n of N" come from ``STEPS``: adding a step is adding one
``Step`` here (plus its panel and, if it records something new, the state field: docs/architecture.md).
Area names are the TUI's area identifiers (``walkthrough`` = a form or panel inside the Walkthrough itself).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # state.py and checklist.py import this module: types only, no import cycle at run time
    from cio_tui.walkthrough.checklist import ChecklistItem
    from cio_tui.walkthrough.history import AppliedPlan
    from cio_tui.walkthrough.state import WalkthroughState

AREA_CONNECT = "connect"
AREA_WALKTHROUGH = "walkthrough"
AREA_PEOPLE = "people"
AREA_PREVIEW = "preview"
AREA_LEADS = "leads"
AREA_IDENTIFIERS = "identifiers"
AREA_DUPLICATES = "duplicates"
AREA_PLAN_APPLY = "plan"
AREA_JOURNAL = "journal"


@dataclass(frozen=True)
class StepContext:
    """What a step's ``needs`` rule may look at besides the state: the checklist made from the calls (step
    "prepare"), the plans applied (step "repair"), the names of the sets saved in Preview (step "preview").
    None = not known here (the rule then says what to open)."""

    checklist: Sequence[ChecklistItem] | None = None
    applied: Sequence[AppliedPlan] | None = None
    saved_sets: Sequence[str] | None = None


Needs = Callable[["WalkthroughState", StepContext], list[str]]


def _connect_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    out: list[str] = []
    if state.connection is None:
        out.append("check the workspace connection (keys and region)")
    elif not state.connection.ok:
        out.append(f"the workspace check failed: {state.connection.detail}")
    if state.classic_site_id_is_another():  # the step is not done while its own check says the site id is wrong
        out.append(
            "the classic site id recorded is not this workspace's: copy it again from the classic destination's "
            "settings in Segment, or open the workspace it names"
        )
    return out + [f"record the classic {label}" for label in state.classic.missing()]


def _identifiers_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    return [f"record {label}" for label in state.identifier_settings.missing()]


def _audit_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    return ["run the audit on the live workspace or an export"] if state.audit is None else []


def _preview_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    if not state.reviewed_sets and ctx.saved_sets:
        return [
            f"read the behaviour changes below, then tick the saved set(s) you reviewed ({len(ctx.saved_sets)} saved)"
        ]
    if not state.reviewed_sets:
        return ["save your app's calls as a set in Preview, then review their behaviour changes here"]
    return []


def _repair_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    """Done when an audit taken after the last repair finds nothing left (or the operator says so)."""
    # here, not at the top: `cio-tui --help` imports this module, and the findings bring the pydantic models
    from cio_tui.walkthrough.findings import audit_findings, audit_is_fresh, findings_text

    if state.step(step_by_key("repair").number).status.value == "done":
        return []
    audit, applied = state.audit, ctx.applied
    plans = applied or []
    fresh = audit is not None and applied is not None and audit_is_fresh(audit, plans)
    if fresh and audit is not None and not audit_findings(audit):
        return []  # a fresh audit finds nothing to repair
    if applied is None or not any(p.done for p in plans):
        return ["apply the repair plans (duplicates, leads, identifiers), or skip with a reason"]
    if not fresh or audit is None:
        # one applied plan does not mean every finding is repaired: a fresh audit says what is left
        return [
            f"audit again (step {step_by_key('audit').number}) to see what is left; this step is done when "
            "that audit finds nothing, or mark it done (d) if what is left is accepted"
        ]
    return [
        f"the audit of {audit.taken_at:%Y-%m-%d %H:%M} UTC still finds {findings_text(audit_findings(audit))}: "
        "repair them and audit again, or mark this step done (d) if what is left is accepted"
    ]


def _prepare_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    if ctx.checklist is None:
        return ["open the checklist"]
    left = [item for item in ctx.checklist if not state.checklist.get(item.key)]
    return [f"tick the {len(left)} remaining checklist item(s)"] if left else []


def _cutover_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    out: list[str] = []
    if state.cutover.method is None:
        out.append("choose the cut-over method")
    if state.cutover.cutover_at is None:
        out.append("record the cut-over time")
    return out


def _verify_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    v = state.verify
    if v is None:
        return ["run the verification after the switch"]
    out: list[str] = []
    if state.cutover.cutover_at and v.ran_at < state.cutover.cutover_at:
        out.append("run the verification again: the last run was before the cut-over")
    if v.pending:
        out.append(f"verify again once traffic arrived: {len(v.pending)} check(s) not yet verifiable")
    return out + [f"check failed: {c.title} ({c.detail})" for c in v.failed]


def _report_needs(state: WalkthroughState, ctx: StepContext) -> list[str]:
    """The final report: exported once every other step is finished, and after the last of them."""
    others = other_steps(state, REPORT_STEP)
    open_steps = [n for n in others if not state.step(n).status.finished]
    if open_steps:
        return [
            f"finish or skip step(s) {', '.join(map(str, open_steps))}, then export the report (one exported "
            "before is a progress report)"
        ]
    if state.report_exported_at is None:
        return ["export the report"]
    last = max((at for n in others if (at := state.step(n).finished_at)), default=None)
    if last is not None and state.report_exported_at < last:
        return ["export the report again: steps were finished after the last export"]
    return []


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    purpose: str
    done_when: str
    areas: tuple[str, ...]
    short: str
    panel: str
    """Its Walkthrough form, ``module:Class`` under ``cio_tui.tui.widgets`` (a name, so that this layer stays free of
    Textual; the screen imports it when the step is first shown)."""
    needs: Needs
    """What is still missing, in words; empty = the step's "done when" holds."""
    records: tuple[str, ...] = ()
    """The ``WalkthroughState`` fields this step records (keys of ``state.Recorded``); no other step sets them."""
    number: int = 0
    """Its place in ``STEPS``, from 1: given by the list (a step is added by inserting it), never written."""

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


_STEPS: tuple[Step, ...] = (
    Step(
        "connect",
        "Connect and check the workspace",
        "Make sure cio-tui talks to the right Customer.io workspace (keys valid, region right), and write down how "
        "the classic Segment destination is configured today: site id, datacenter, 'Convert to Unix Time' and the "
        "connection mode (cloud or web device mode). You need these to configure Actions the same way.",
        "The workspace is connected and checked, and the four classic settings are recorded.",
        (AREA_CONNECT,),
        "Connect",
        "walkthrough_forms:ConnectPanel",
        _connect_needs,
        records=("connection", "classic"),
    ),
    Step(
        "identifiers",
        "Identifier settings",
        "Record how this workspace identifies people (Workspace Settings > General in Customer.io). In "
        "'email or id' workspaces an email is a unique identifier: email-only leads exist and an email-shaped userId "
        "is read as an email. In 'id only' workspaces email is a plain, non-unique attribute: duplicates share an "
        "email and every merge goes by id or cio_id. Auto-merge joins an email-only and an id-only person when one "
        "identify carries both; 'allow updates to email using id' lets an identify by id change the email.",
        "Identifier mode, auto-merge and 'allow email updates by id' are recorded.",
        (AREA_WALKTHROUGH,),
        "Identifiers",
        "walkthrough_forms:IdentifierPanel",
        _identifiers_needs,
        records=("identifier_settings",),
    ),
    Step(
        "audit",
        "Audit the people",
        "Count what the classic setup left behind: people, email-only leads, people whose id is an email, ids that "
        "differ only in case, duplicate groups by rule, unsubscribed and suppressed people, anonymous-only profiles. "
        "The counts say how much repair {step_repair} needs.",
        "An audit was run on the live workspace or on an export and its counts are saved.",
        (AREA_WALKTHROUGH, AREA_DUPLICATES),
        "Audit",
        "walkthrough_audit:AuditPanel",
        _audit_needs,
        records=("audit",),
    ),
    Step(
        "preview",
        "Preview your app's real calls",
        "Paste the Segment calls your app really makes into Preview and save them as a set. The walkthrough lists "
        "every behaviour change the switch to Actions causes for those calls (pages named by URL, screens no longer "
        "events, reserved event names that delete or suppress people, alias merging, anonymous events, ...). Then "
        "rehearse on traffic: replay a file of your real Segment calls through both destinations, from this "
        "workspace's people, and see how many people would end up different, and how.",
        "At least one saved set of calls was reviewed and its behaviour changes acknowledged.",
        (AREA_PREVIEW,),
        "Preview calls",
        "walkthrough_panels:PreviewPanel",
        _preview_needs,
        records=("reviewed_sets", "rehearsal"),
    ),
    Step(
        "repair",
        "Repair identities",
        "Fix what the audit found before Actions starts sending: merge duplicates, convert email-only leads into "
        "customers with their ids, fix ids and emails through the cio_ path. Every change is a plan you review and "
        "apply on Plan/Apply.",
        "You mark it done once the repair plans are applied (see the journal) and the audit's findings repaired, or "
        "skip it with a reason.",
        (AREA_DUPLICATES, AREA_LEADS, AREA_IDENTIFIERS, AREA_PLAN_APPLY),
        "Repair",
        "walkthrough_panels:RepairPanel",
        _repair_needs,
    ),
    Step(
        "prepare",
        "Prepare Actions",
        "A checklist made from your own calls and settings: which Quick Setup presets to keep or disable, reserved "
        "event names in your tracking plan, page and screen names to remap, the object type for group calls, "
        "anonymous event merging, the region value and timestamp conversion. Tick each item as you configure the "
        "Actions destination in Segment; export it as Markdown for your team.",
        "Every checklist item is ticked.",
        (AREA_WALKTHROUGH,),
        "Prepare Actions",
        "walkthrough_segment:PrepareActionsPanel",
        _prepare_needs,
        records=("checklist",),
    ),
    Step(
        "cutover",
        "Cut over without double sending",
        "Never run classic and Actions unfiltered on the same source: every event would land twice and campaigns "
        "could fire twice. Choose one of the two safe ways: switch in one step (disable classic and enable Actions "
        "together), or add received_at filters at a cut-over time T (classic drops events at or after T, Actions "
        "drops events before T). Record the choice and the cut-over time.",
        "A cut-over method and the cut-over time are recorded.",
        (AREA_WALKTHROUGH,),
        "Cut over",
        "walkthrough_segment:SegmentCutoverPanel",
        _cutover_needs,
        records=("cutover",),
    ),
    Step(
        "verify",
        "Verify after the switch",
        "Sample people created since the cut-over and check them: identifiers as expected, the new anonymous_id "
        "attribute, timestamps stored as numbers, no new duplicates since the cut-over, no bursts of "
        "failed_attribute_change activities.",
        "A verification ran after the cut-over time and every check passed (or its findings are accepted in notes).",
        (AREA_WALKTHROUGH, AREA_PEOPLE),
        "Verify",
        "walkthrough_segment:SegmentVerifyPanel",
        _verify_needs,
        records=("verify",),
    ),
    Step(
        "report",
        "Report",
        "One Markdown file for your team: the workspace, the dates, every step's outcome, the plans applied with "
        "their counts, the journal summary and the risks still open.",
        "Every other step is finished or skipped, and the report was exported after the last of them.",
        (AREA_WALKTHROUGH,),
        "Report",
        "walkthrough_panels:ReportPanel",
        _report_needs,
    ),
)

# Each step's number is its place in the list; a text naming another step writes ``{step_<key>}``, which becomes
# "step N" from the list, so no number is ever written by hand (inserting a step renumbers everything after it).
_REFS = {f"step_{step.key}": f"step {n}" for n, step in enumerate(_STEPS, start=1)}
STEPS: tuple[Step, ...] = tuple(
    replace(step, number=n, purpose=step.purpose.format_map(_REFS), done_when=step.done_when.format_map(_REFS))
    for n, step in enumerate(_STEPS, start=1)
)

STEP_COUNT = len(STEPS)
REPORT_STEP = STEPS[-1].number  # the final report is the last step: it waits for every other one
assert len({step.key for step in STEPS}) == STEP_COUNT, "each step has its own key"


def other_steps(state: WalkthroughState, number: int) -> list[int]:
    """Every recorded step but ``number``, in order."""
    return [n for n in sorted(state.steps) if n != number]


def step_by_number(number: int) -> Step:
    for step in STEPS:
        if step.number == number:
            return step
    raise KeyError(f"there is no step {number}: steps are numbered 1 to {len(STEPS)}")


def step_by_key(key: str) -> Step:
    for step in STEPS:
        if step.key == key:
            return step
    raise KeyError(f"unknown step {key!r}")


def step_ref(key: str) -> str:
    """``"step N"`` for the step ``key``: a text that sends the operator to another step names it through this, so
    its number follows the list."""
    return f"step {step_by_key(key).number}"
