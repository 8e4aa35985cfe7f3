"""The nine steps of the migration, as data: title, what each is for, what "done" means, the area it opens.

Area names are the TUI's area identifiers (``walkthrough`` = a form or panel inside the Walkthrough itself).
"""

from __future__ import annotations

from dataclasses import dataclass

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
class Step:
    number: int
    key: str
    title: str
    purpose: str
    done_when: str
    areas: tuple[str, ...]
    short: str = ""

    @property
    def label(self) -> str:
        return f"{self.number}. {self.title}"


STEPS: tuple[Step, ...] = (
    Step(
        1,
        "connect",
        "Connect and check the workspace",
        "Make sure cio-tui talks to the right Customer.io workspace (keys valid, region right), and write down how "
        "the classic Segment destination is configured today: site id, datacenter, 'Convert to Unix Time' and the "
        "connection mode (cloud or web device mode). You need these to configure Actions the same way.",
        "The workspace is connected and checked, and the four classic settings are recorded.",
        (AREA_CONNECT,),
        "Connect",
    ),
    Step(
        2,
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
    ),
    Step(
        3,
        "audit",
        "Audit the people",
        "Count what the classic setup left behind: people, email-only leads, people whose id is an email, ids that "
        "differ only in case, duplicate groups by rule, unsubscribed and suppressed people, anonymous-only profiles. "
        "The counts say how much repair step 5 needs.",
        "An audit was run on the live workspace or on an export and its counts are saved.",
        (AREA_WALKTHROUGH, AREA_DUPLICATES),
        "Audit",
    ),
    Step(
        4,
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
    ),
    Step(
        5,
        "repair",
        "Repair identities",
        "Fix what the audit found before Actions starts sending: merge duplicates, convert email-only leads into "
        "customers with their ids, fix ids and emails through the cio_ path. Every change is a plan you review and "
        "apply on Plan/Apply.",
        "You mark it done once the repair plans are applied (see the journal) and the audit's findings repaired, or "
        "skip it with a reason.",
        (AREA_DUPLICATES, AREA_LEADS, AREA_IDENTIFIERS, AREA_PLAN_APPLY),
        "Repair",
    ),
    Step(
        6,
        "prepare",
        "Prepare Actions",
        "A checklist made from your own calls and settings: which Quick Setup presets to keep or disable, reserved "
        "event names in your tracking plan, page and screen names to remap, the object type for group calls, "
        "anonymous event merging, the region value and timestamp conversion. Tick each item as you configure the "
        "Actions destination in Segment; export it as Markdown for your team.",
        "Every checklist item is ticked.",
        (AREA_WALKTHROUGH,),
        "Prepare Actions",
    ),
    Step(
        7,
        "cutover",
        "Cut over without double sending",
        "Never run classic and Actions unfiltered on the same source: every event would land twice and campaigns "
        "could fire twice. Choose one of the two safe ways: switch in one step (disable classic and enable Actions "
        "together), or add received_at filters at a cut-over time T (classic drops events at or after T, Actions "
        "drops events before T). Record the choice and the cut-over time.",
        "A cut-over method and the cut-over time are recorded.",
        (AREA_WALKTHROUGH,),
        "Cut over",
    ),
    Step(
        8,
        "verify",
        "Verify after the switch",
        "Sample people created since the cut-over and check them: identifiers as expected, the new anonymous_id "
        "attribute, timestamps stored as numbers, no new duplicates since the cut-over, no bursts of "
        "failed_attribute_change activities.",
        "A verification ran after the cut-over time and every check passed (or its findings are accepted in notes).",
        (AREA_WALKTHROUGH, AREA_PEOPLE),
        "Verify",
    ),
    Step(
        9,
        "report",
        "Report",
        "One Markdown file for your team: the workspace, the dates, every step's outcome, the plans applied with "
        "their counts, the journal summary and the risks still open.",
        "Every other step is finished or skipped, and the report was exported after the last of them.",
        (AREA_WALKTHROUGH,),
        "Report",
    ),
)


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
