"""The preview step: every behaviour change the switch to Actions causes for the operator's saved calls.

Built from the preview's warnings (codes from ``cio_tui.segment.preview``), grouped by code, each with what it means
for the migration, how risky it is, and what to do; plus the calls the Actions destination would reject.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from cio_tui.walkthrough.calls import PreviewedCall
from cio_tui.walkthrough.steps import step_ref


class Severity(StrEnum):
    """How much a behaviour change, or an open risk of the migration, matters: one scale, most severe first. (A CSV
    row's problem is another thing: ``tui.viewmodels.csv_rows``.)"""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for the most severe: sort by it."""
        return list(Severity).index(self)


@dataclass(frozen=True)
class Advice:
    title: str
    severity: Severity
    meaning: str
    todo: str


ADVICE: dict[str, Advice] = {
    "reserved_event": Advice(
        "Reserved event names are routed to other actions",
        Severity.HIGH,
        "A track call with a reserved name (User Deleted, User Suppressed, Device Deleted, ...) is no longer an "
        "event: Actions deletes or suppresses the person, or changes devices or objects.",
        f"Rename those events in the tracking plan, or remove the matching preset ({step_ref('prepare')}).",
    ),
    "alias_merges": Advice(
        "alias now merges people",
        Severity.HIGH,
        "Classic ignored alias; Actions merges previousId into userId and deletes the secondary for good.",
        "Disable the Merge People preset unless merging on alias is wanted.",
    ),
    "missing_required_field": Advice(
        "Calls the Actions destination rejects",
        Severity.HIGH,
        "A field the Actions mapping requires is missing (properties.url on pages, a screen name, userId on "
        "device events, ...) or a value is not allowed (a metric outside its choices, a timestamp that is not a "
        "date): the call fails validation and is never sent (in a batch it fails alone, the others are sent).",
        "Fix the calls at the source or change the mapping before cutting over.",
    ),
    "page_name_changes": Advice(
        "Page views are named by URL",
        Severity.MEDIUM,
        "Classic named a page view after the page name; Actions uses properties.url. Triggers and segments on page "
        "names stop matching.",
        f"Remap the page name in the Track Page View mapping or update triggers and segments ({step_ref('prepare')}).",
    ),
    "screen_name_changes": Advice(
        "Screens are no longer 'Viewed X Screen' events",
        Severity.MEDIUM,
        "Classic sent a custom event 'Viewed {name} Screen'; Actions sends a screen view named after the screen.",
        "Update triggers and segments on 'Viewed ... Screen', or map screens to a track-style event "
        f"({step_ref('prepare')}).",
    ),
    "classic_drops_anonymous": Advice(
        "Anonymous calls start reaching Customer.io",
        Severity.MEDIUM,
        "Classic dropped calls without a userId; Actions sends them with an anonymous_id. More profiles and events "
        "arrive; they join a person only with anonymous event merging on.",
        f"Turn on anonymous event merging, or filter anonymous calls out ({step_ref('prepare')}).",
    ),
    "group_traits_ignored": Advice(
        "group creates objects; traits outside objectAttributes are ignored",
        Severity.MEDIUM,
        "Actions turns group into an object and a relationship; only traits.objectAttributes become object "
        "attributes, and no 'Group ...' person attributes are written any more.",
        "Create the object type and send traits.objectAttributes, or disable the Create or Update Object preset.",
    ),
    "email_as_user_id": Advice(
        "Email-shaped userIds are sent as email identifiers",
        Severity.MEDIUM,
        "Actions sends a userId that looks like an email as the email identifier, not as the id.",
        f"Send a real id as userId; repair email-as-id people in {step_ref('repair')}.",
    ),
    "cio_id_user_id": Advice(
        "cio_ userIds address people by cio_id",
        Severity.LOW,
        "A userId starting with cio_ is sent as a cio_id identifier.",
        "Check that this is intended (it is how identifiers are changed).",
    ),
    "unsubscribes": Advice(
        "Calls unsubscribe people",
        Severity.LOW,
        "traits.unsubscribed true unsubscribes the person, as before.",
        "Nothing to change unless this is unexpected.",
    ),
    "timestamp_not_converted": Advice(
        "Some dates stay strings",
        Severity.MEDIUM,
        "Only strict ISO-8601 strings are converted to unix time (not arrays, not other formats). Segment "
        "conditions on such attributes compare text, not dates.",
        f"Send dates as strict ISO-8601 or unix seconds ({step_ref('prepare')}).",
    ),
    "created_not_renamed": Advice(
        "traits.created is no longer renamed to created_at",
        Severity.MEDIUM,
        "Classic turned a 'created' trait into created_at; Actions keeps 'created' as its own attribute, so "
        "created_at stays unset for those people.",
        "Send createdAt/created_at instead of created, or map it in the Create or Update Person action "
        f"({step_ref('prepare')}).",
    ),
    "timestamp_offset_assumed_utc": Advice(
        "Dates without a time zone",
        Severity.LOW,
        "A date string without an offset is converted as if it were UTC (Segment's runtime may use another zone).",
        "Send dates with an explicit offset (Z or +hh:mm).",
    ),
    "old_timestamp": Advice(
        "Replayed or backfilled identifies carry old timestamps",
        Severity.MEDIUM,
        "Customer.io is reported to ignore an attribute update whose timestamp is older than the person's last "
        "update (assumed, see docs/sandbox-fidelity.md): a replay can silently change nothing.",
        "Replay in time order, or send backfills without a timestamp.",
    ),
    "older_update_ignored": Advice(
        "An update older than the person's last one is ignored",
        Severity.MEDIUM,
        "The prediction found an identify older than the person's last update: it changes nothing (assumed).",
        "Send updates in time order, or without a timestamp.",
    ),
    "anonymous_id_attribute": Advice(
        "A new anonymous_id attribute",
        Severity.LOW,
        "Identified profiles gain an anonymous_id attribute.",
        f"Nothing to do; check it is there when verifying ({step_ref('verify')}).",
    ),
}

GENERIC = Advice(
    "Other difference", Severity.LOW, "The preview reports a difference.", "Read the preview for this call."
)


@dataclass
class BehaviourChange:
    code: str
    title: str
    severity: Severity
    meaning: str
    todo: str
    messages: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.calls)

    @property
    def why(self) -> str:
        """The preview's finding for the first call (without its 'What to do': ``todo`` says it), else the meaning."""
        return self.messages[0].split(" What to do:", 1)[0] if self.messages else self.meaning


def behaviour_changes(calls: Iterable[PreviewedCall]) -> list[BehaviourChange]:
    """Every behaviour change among the calls, most severe first, each listing the calls it concerns."""
    by_code: dict[str, BehaviourChange] = {}
    for call in calls:
        for warning in call.warnings:
            advice = ADVICE.get(warning.code, GENERIC)
            change = by_code.setdefault(
                warning.code,
                BehaviourChange(warning.code, advice.title, advice.severity, advice.meaning, advice.todo),
            )
            label = call.describe()
            if label not in change.calls:
                change.calls.append(label)
            if warning.message and warning.message not in change.messages:
                change.messages.append(warning.message)
        if call.errors and not call.has_warning("missing_required_field"):
            advice = ADVICE["missing_required_field"]
            change = by_code.setdefault(
                "missing_required_field",
                BehaviourChange("missing_required_field", advice.title, advice.severity, advice.meaning, advice.todo),
            )
            change.calls.append(call.describe())
            change.messages.extend(m for m in call.errors if m not in change.messages)
    return sorted(by_code.values(), key=lambda c: (c.severity.rank, c.code))


def behaviour_markdown(changes: list[BehaviourChange]) -> str:
    if not changes:
        return "No behaviour change found for the saved calls.\n"
    lines: list[str] = []
    for change in changes:
        lines.append(f"- **{change.title}** ({change.severity} risk, {change.count} call(s)): {change.meaning}")
        lines.append(f"  - What to do: {change.todo}")
        for label in change.calls[:10]:
            lines.append(f"  - {label}")
        if change.count > 10:
            lines.append(f"  - ... and {change.count - 10} more")
    return "\n".join(lines) + "\n"
