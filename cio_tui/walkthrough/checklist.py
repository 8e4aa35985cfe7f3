"""The "Prepare Actions" step: a checklist made from the operator's own calls and recorded settings.

Each item has a stable ``key`` (its ticked state is stored in ``WalkthroughState.checklist``), a category, what to do
and why (which calls or settings produced it). ``checklist_markdown`` exports it for the team.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cio_tui.segment.presets import RESERVED_EVENTS
from cio_tui.walkthrough.calls import PreviewedCall
from cio_tui.walkthrough.state import WalkthroughState
from cio_tui.walkthrough.steps import step_ref

# Quick Setup presets of the Actions destination, by action slug (docs/reference/segment-actions.md).
PRESETS: dict[str, str] = {
    "createUpdatePerson": "Create or Update Person",
    "trackEvent": "Track Event",
    "trackPageView": "Track Page View",
    "trackScreenView": "Track Screen View",
    "createUpdateDevice": "Create or Update Device",
    "deleteDevice": "Delete Device",
    "createUpdateObject": "Create or Update Object",
    "deleteObject": "Delete Object",
    "deleteRelationship": "Delete Relationship",
    "mergePeople": "Merge People",
    "deletePerson": "Delete Person",
    "suppressPerson": "Suppress Person",
    "unsuppressPerson": "Unsuppress Person",
    "reportDeliveryEvent": "Report Delivery Event",
    "reportContentEvent": "Report Content Event",
}
# Presets for behaviour the classic destination never had: disable them unless the operator's calls need them.
NEW_BEHAVIOUR = {
    "mergePeople",
    "createUpdateObject",
    "deletePerson",
    "suppressPerson",
    "unsuppressPerson",
    "deleteObject",
    "deleteRelationship",
    "reportDeliveryEvent",
    "reportContentEvent",
}
CATEGORIES = ("Setup", "Presets", "Tracking plan", "Pages and screens", "Objects", "Anonymous data", "Data types")


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    category: str
    title: str
    why: str


def _labels(calls: Iterable[PreviewedCall], limit: int = 5) -> str:
    labels = sorted({c.describe() for c in calls})
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(labels[:limit]) + more


def build_checklist(calls: list[PreviewedCall], state: WalkthroughState) -> list[ChecklistItem]:
    """The checklist for these calls and settings, in category order."""
    items: list[ChecklistItem] = []
    add = items.append
    classic = state.classic

    # -- setup --------------------------------------------------------------------------------------------
    add(
        ChecklistItem(
            "setup:dev-source",
            "Setup",
            "Build the Actions destination on a dev/test source first",
            "Segment's migration guide: test the new mappings before touching production sources.",
        )
    )
    region = "EU" if classic.datacenter == "eu" else "US"
    flag = "EU 🇪🇺" if region == "EU" else "US 🇺🇸"
    add(
        ChecklistItem(
            "setup:region",
            "Setup",
            f"Set Account Region to {region}",
            f"The classic datacenter is {classic.datacenter or 'not recorded (default: US)'}; in Actions pick the "
            f'value "{flag}" (the flag is part of the value).',
        )
    )
    add(
        ChecklistItem(
            "setup:credentials",
            "Setup",
            "Copy the site id and API key into the Actions settings",
            f"Classic site id: {classic.site_id or 'not recorded (' + step_ref('connect') + ')'}.",
        )
    )
    add(
        ChecklistItem(
            "setup:filters",
            "Setup",
            "Copy the classic destination filters to the Actions destination",
            "Destination filters do not carry over by themselves (Public API: list, create, enable).",
        )
    )
    if classic.connection_mode in ("device", "both"):
        add(
            ChecklistItem(
                "setup:device-mode",
                "Setup",
                "Remove the web page's dependencies on Customer.io's track.js (_cio)",
                "Classic ran in web device mode; Actions is cloud-only and has no in-app messaging from track.js.",
            )
        )

    # -- presets ------------------------------------------------------------------------------------------
    used: dict[str, list[PreviewedCall]] = {}
    for call in calls:
        for slug in dict.fromkeys([*call.actions, *call.error_actions]):
            used.setdefault(slug, []).append(call)
    for slug, title in PRESETS.items():
        users = used.get(slug, [])
        if users and slug in NEW_BEHAVIOUR:
            add(
                ChecklistItem(
                    f"preset:{slug}",
                    "Presets",
                    f"Decide on the {title} preset: keep only if wanted",
                    f"Classic never did this; your calls trigger it: {_labels(users)}.",
                )
            )
        elif users:
            add(
                ChecklistItem(
                    f"preset:{slug}",
                    "Presets",
                    f"Keep the {title} preset",
                    f"Your calls use it: {_labels(users)}.",
                )
            )
        elif slug in NEW_BEHAVIOUR:
            add(
                ChecklistItem(
                    f"preset:{slug}",
                    "Presets",
                    f"Disable the {title} preset",
                    "Classic never had this behaviour and none of your saved calls needs it.",
                )
            )

    # -- tracking plan: reserved names ----------------------------------------------------------------------
    reserved: dict[str, list[PreviewedCall]] = {}
    for call in calls:
        if (
            call.type == "track"
            and call.event
            and (call.event in RESERVED_EVENTS or call.has_warning("reserved_event"))
        ):
            reserved.setdefault(call.event, []).append(call)
    for name, users in sorted(reserved.items()):
        slugs = {s for c in users for s in c.actions} or {RESERVED_EVENTS.get(name, "")} - {""}
        routed = ", ".join(sorted(PRESETS.get(s, s) for s in slugs)) or "another action"
        add(
            ChecklistItem(
                f"reserved:{name}",
                "Tracking plan",
                f'Rename the "{name}" event or remove it from the {routed} trigger',
                f"It is a reserved name: Actions routes it to {routed} instead of logging an event ({_labels(users)}).",
            )
        )

    # -- pages and screens ------------------------------------------------------------------------------------
    pages = [c for c in calls if c.type == "page"]
    named_pages = [c for c in pages if c.name or c.has_warning("page_name_changes")]
    if named_pages:
        add(
            ChecklistItem(
                "pages:remap-name",
                "Pages and screens",
                "Remap page names: page views are named by properties.url under Actions",
                f"Triggers and segments on page names stop matching ({_labels(named_pages)}).",
            )
        )
    no_url = [c for c in pages if c.has_warning("missing_required_field") or c.errors]
    if no_url:
        add(
            ChecklistItem(
                "pages:url",
                "Pages and screens",
                "Make every page call carry properties.url (server-side pages too)",
                f"Track Page View rejects pages without it ({_labels(no_url)}).",
            )
        )
    screens = [c for c in calls if c.type == "screen"]
    if screens:
        names = sorted({f'"Viewed {c.name} Screen"' for c in screens if c.name})
        add(
            ChecklistItem(
                "screens:remap",
                "Pages and screens",
                "Update triggers and segments on 'Viewed X Screen' events, or map screens to track events",
                f"Screens become screen views named after the screen ({', '.join(names) or _labels(screens)}).",
            )
        )

    # -- objects --------------------------------------------------------------------------------------------
    groups = [c for c in calls if c.type == "group"]
    if groups:
        add(
            ChecklistItem(
                "objects:type",
                "Objects",
                "Create the object type for group calls and send traits.objectAttributes (and object_type_id)",
                f"Actions turns group into objects; other traits are ignored ({_labels(groups)}).",
            )
        )

    # -- anonymous data -------------------------------------------------------------------------------------
    anonymous = [c for c in calls if c.is_anonymous or c.has_warning("classic_drops_anonymous")]
    add(
        ChecklistItem(
            "anonymous:merging",
            "Anonymous data",
            "Turn on anonymous event merging in Customer.io (workspaces made before July 2021 must opt in)",
            (
                f"Your anonymous calls now reach Customer.io ({_labels(anonymous)})."
                if anonymous
                else "Actions sends anonymous activity; without merging it never joins the person."
            ),
        )
    )
    if state.identifier_settings.mode == "id_only" and any(c.has_warning("email_as_user_id") for c in calls):
        add(
            ChecklistItem(
                "identifiers:email-user-id",
                "Anonymous data",
                "Stop sending emails as userId: this id-only workspace cannot use them as identifiers",
                "Actions sends an email-shaped userId as the email identifier.",
            )
        )

    # -- data types -----------------------------------------------------------------------------------------
    if classic.convert_to_unix_time is False:
        add(
            ChecklistItem(
                "types:convert-timestamps",
                "Data types",
                "Turn off Convert Timestamps in every mapping (classic had Convert to Unix Time off)",
                "Actions converts strict ISO-8601 strings to unix seconds by default.",
            )
        )
    else:
        add(
            ChecklistItem(
                "types:convert-timestamps",
                "Data types",
                "Keep Convert Timestamps on in every mapping",
                "Classic converted dates to unix time; Actions converts only strict ISO-8601 strings.",
            )
        )
    late = [c for c in calls if c.has_warning("timestamp_not_converted")]
    if late:
        add(
            ChecklistItem(
                "types:date-formats",
                "Data types",
                "Send dates as strict ISO-8601 or unix seconds",
                f"These calls hold dates that stay strings under Actions: {_labels(late)}.",
            )
        )
    return items


def checklist_markdown(items: list[ChecklistItem], checked: dict[str, bool], *, title: str) -> str:
    lines = [f"# {title}", ""]
    for category in CATEGORIES:
        section = [i for i in items if i.category == category]
        if not section:
            continue
        lines += [f"## {category}", ""]
        for item in section:
            mark = "x" if checked.get(item.key) else " "
            lines.append(f"- [{mark}] {item.title}")
            lines.append(f"  - {item.why}")
        lines.append("")
    done = sum(1 for i in items if checked.get(i.key))
    lines.append(f"{done} of {len(items)} items done.")
    return "\n".join(lines) + "\n"
