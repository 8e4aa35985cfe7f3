"""Migration warnings for one call: what changes for the operator, why, and what to do (the two destinations:
docs/reference/segment-classic.md and docs/reference/segment-actions.md).

Each warning has a stable ``code`` (scripts filter on it), a one-line ``explanation`` and a ``todo``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from cio_tui.json_types import object_or_empty
from cio_tui.segment.actions import ActionsResult
from cio_tui.segment.actions_payload import is_email
from cio_tui.segment.classic import ClassicResult
from cio_tui.segment.models import AliasCall, GroupCall, IdentifyCall, PageCall, ScreenCall, SegmentCall, TrackCall
from cio_tui.segment.parser import PASTE_ANONYMOUS_ID
from cio_tui.segment.presets import APP_LIFECYCLE_EVENTS, RESERVED_EVENTS

GROUP_TRAITS_USED = {
    "objectAttributes",
    "relationshipAttributes",
    "object_type_id",
    "objectTypeId",
    "created_at",
    "createdAt",
}


class PreviewWarning(BaseModel):
    code: str
    explanation: str
    todo: str

    @property
    def message(self) -> str:
        return f"{self.explanation} What to do: {self.todo}"

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def _w(code: str, explanation: str, todo: str) -> PreviewWarning:
    return PreviewWarning(code=code, explanation=explanation, todo=todo)


def warnings_for(call: SegmentCall, classic: ClassicResult, actions: ActionsResult) -> list[PreviewWarning]:
    out: list[PreviewWarning] = []
    sent = bool(actions.requests)
    if classic.dropped and sent and not call.userId and call.type in ("identify", "track", "page", "screen"):
        out.append(
            _w(
                "classic_drops_anonymous",
                f"Classic never delivered this anonymous {call.type}; Actions sends it with identifiers "
                "{anonymous_id} (a new data flow).",
                "Decide whether you want anonymous data; turn on anonymous event merging in Customer.io, or add a "
                "'userId exists' condition to the preset's trigger.",
            )
        )
    first_ids = object_or_empty(object_or_empty(actions.requests[0].body).get("identifiers")) if sent else {}
    if isinstance(call, IdentifyCall) and "anonymous_id" in first_ids:
        out.append(
            _w(
                "anonymous_identify_unconfirmed",
                "This identify has only an anonymousId: Actions sends identifiers {anonymous_id}, and whether "
                "Customer.io accepts it (4xx, or an anonymous profile) is unconfirmed.",
                "Identify people with a userId (or traits.email); test one such call in a dev workspace first.",
            )
        )
    if isinstance(call, AliasCall) and sent:
        out.append(
            _w(
                "alias_merges",
                f"Classic ignored alias; Actions merges '{call.previousId}' into '{call.userId}' and DELETES the "
                "secondary person permanently.",
                "Disable the Merge People preset unless you want merges; both people must already exist.",
            )
        )
    if isinstance(call, TrackCall) and call.event in RESERVED_EVENTS:
        target = RESERVED_EVENTS[call.event]
        extra = " Classic also managed devices for it." if call.event in APP_LIFECYCLE_EVENTS else ""
        out.append(
            _w(
                "reserved_event",
                f"'{call.event}' is a reserved name: Actions runs {target} instead of logging an event.{extra}",
                "Rename the event in your tracking plan or exclude it from that preset's trigger, unless this "
                "behaviour is wanted.",
            )
        )
    for error in actions.errors:
        where = f"subscription '{error.subscription}' ({error.action})" if error.subscription else error.action
        missing = "missing the required field" in error.message
        out.append(
            _w(
                "missing_required_field",  # one code for every validation failure: the walkthrough groups them
                f"Actions rejects this call in {where}: {error.message}",
                ("Send the field in the call or change the mapping" if missing else "Fix the value or the mapping")
                + "; Segment reports the event failed (in a batch it gets its own 400 and the others are sent).",
            )
        )
    out += _naming(call, classic, actions)
    out += _identifiers(call)
    traits = getattr(call, "traits", None) or {}
    if isinstance(call, IdentifyCall) and traits.get("unsubscribed") in (True, "true"):
        out.append(
            _w(
                "unsubscribes",
                "traits.unsubscribed is true: both destinations unsubscribe this person from marketing messages.",
                "Make sure the trait is intended; the preview cannot undo an unsubscribe.",
            )
        )
    out += _timestamps(call, actions)
    if isinstance(call, GroupCall) and sent:
        ignored = sorted(set(traits) - GROUP_TRAITS_USED)
        if ignored:
            out.append(
                _w(
                    "group_traits_ignored",
                    f"Actions keeps only traits.objectAttributes on the object; these traits are ignored: "
                    f"{', '.join(ignored)}.",
                    "Send object attributes under traits.objectAttributes, or remap custom_attributes to $.traits.",
                )
            )
    out += _anonymous_attribute(call, actions)
    return out


def _naming(call: SegmentCall, classic: ClassicResult, actions: ActionsResult) -> list[PreviewWarning]:
    if not actions.requests or not isinstance(call, PageCall | ScreenCall):
        return []
    new = object_or_empty(actions.requests[0].body).get("name")
    old = object_or_empty(classic.requests[0].body).get("name") if classic.requests else None
    if isinstance(call, PageCall):
        old = old or call.name or (call.properties or {}).get("url")
        if old != new:
            return [
                _w(
                    "page_name_changes",
                    f"The page activity is named '{old}' in classic and '{new}' (properties.url) in Actions.",
                    "Update campaign triggers and segments that use page names, or map url <- $.name.",
                )
            ]
        return []
    old = old or f"Viewed {call.name or 'Undefined'} Screen"
    return [
        _w(
            "screen_name_changes",
            f"Classic logged the event '{old}'; Actions sends a screen view named '{new}'.",
            "Update triggers and segments on 'Viewed ... Screen', or add a track mapping that rebuilds the old name.",
        )
    ]


def _identifiers(call: SegmentCall) -> list[PreviewWarning]:
    out: list[PreviewWarning] = []
    candidates = [("userId", call.userId)]
    if isinstance(call, AliasCall):
        candidates.append(("previousId", call.previousId))
    for name, value in candidates:
        if value and value.startswith("cio_"):
            out.append(
                _w(
                    "cio_id_user_id",
                    f"{name} '{value}' starts with cio_: Customer.io addresses the person by cio_id and an identify "
                    "can change their id or email.",
                    "Only send cio_ ids on purpose (identifier changes); real user ids must not start with cio_.",
                )
            )
        elif value and is_email(value):
            out.append(
                _w(
                    "email_as_user_id",
                    f"{name} '{value}' is an email: Actions sends it as identifiers {{email}}, not as an id, so the "
                    "person is found or created by email.",
                    "Send the real user id as userId and the email as traits.email; fix existing email-as-id people "
                    "from the Identifiers screen.",
                )
            )
    return out


def _timestamps(call: SegmentCall, actions: ActionsResult) -> list[PreviewWarning]:
    out: list[PreviewWarning] = []
    report = actions.conversions
    for skipped in report.skipped:
        out.append(
            _w(
                "timestamp_not_converted",
                f"{skipped.path} = '{skipped.value}' stays a string in Actions ({skipped.reason}).",
                "Send dates as strict ISO-8601 (2024-01-31T12:00:00Z) or unix seconds if segments compare them "
                "as dates.",
            )
        )
    traits: dict[str, Any] = getattr(call, "traits", None) or {}
    if isinstance(call, IdentifyCall) and actions.requests:
        created = traits.get("created_at", traits.get("createdAt"))
        if isinstance(created, int | float) and not isinstance(created, bool):
            out.append(
                _w(
                    "timestamp_not_converted",
                    f'Numeric created_at {created} is coerced to the string "{created}" by the created_at field '
                    "and left unconverted (prod parity unconfirmed).",
                    "Send created_at as an ISO-8601 string, or check the attribute type after a test event.",
                )
            )
        if "created" in traits and "created_at" not in traits and "createdAt" not in traits:
            out.append(
                _w(
                    "created_not_renamed",
                    "Classic renamed traits.created to created_at; Actions keeps it as an attribute named 'created'.",
                    "Send createdAt or created_at instead, or map created_at <- $.traits.created.",
                )
            )
    if report.assumed_utc:
        out.append(
            _w(
                "timestamp_offset_assumed_utc",
                f"{', '.join(report.assumed_utc)} has no UTC offset: the destination parses it in its runtime's time "
                "zone (unconfirmed); shown here as UTC.",
                "Send timestamps with 'Z' or an explicit offset.",
            )
        )
    return out


def _anonymous_attribute(call: SegmentCall, actions: ActionsResult) -> list[PreviewWarning]:
    for request in actions.requests:
        body = request.body if isinstance(request.body, dict) else {}
        attributes = body.get("attributes")
        if not isinstance(attributes, dict) or "anonymous_id" not in attributes:
            continue
        value = attributes["anonymous_id"]
        placeholder = (  # a pasted call without an anonymousId got one: say so, it is not the operator's data
            f" ('{PASTE_ANONYMOUS_ID}' is the placeholder given to this pasted call, which had no anonymousId; "
            "a real call carries the browser's own)"
            if value == PASTE_ANONYMOUS_ID
            else ""
        )
        if body.get("action") != "identify":
            explanation = (
                f"Actions adds anonymous_id = '{value}' to the data of this identified person's {body.get('action')} "
                f"(classic never sent it){placeholder}."
            )
            todo = (
                "Expect anonymous_id in event data; ignore it in triggers and filters, or clear the anonymous_id "
                "mapping."
            )
        elif body.get("type") == "person":
            explanation = (
                f"Actions adds the attribute anonymous_id = '{value}' to this identified person (classic never "
                f"did){placeholder}."
            )
            todo = (
                "Expect a new anonymous_id attribute on profiles; it is how Customer.io merges earlier anonymous "
                "activity. Remove the anonymous_id mapping if you do not want it."
            )
        elif body.get("type") == "object":
            explanation = f"Actions stores anonymous_id = '{value}' as an OBJECT attribute."
            todo = "Clear the object's anonymous_id mapping if objects should not carry it."
        else:
            continue
        return [_w("anonymous_id_attribute", explanation, todo)]
    return []


OLD_TIMESTAMP_SECONDS = 86_400  # a v2 identify stamped over a day ago is a replay or a backfill


def old_timestamp_warnings(actions: ActionsResult, now: int) -> list[PreviewWarning]:
    """A v2 identify carrying an old ``timestamp`` (a replay or backfill): Customer.io is reported to ignore an
    attribute update older than the person's last one (assumed; see docs/sandbox-fidelity.md)."""
    for request in actions.requests:
        body = request.body if isinstance(request.body, dict) else {}
        stamp = body.get("timestamp")
        if body.get("action") == "identify" and isinstance(stamp, int | float) and stamp < now - OLD_TIMESTAMP_SECONDS:
            return [
                _w(
                    "old_timestamp",
                    f"This identify carries timestamp {int(stamp)}, over a day old: Customer.io is reported to "
                    "ignore an attribute update older than the person's last update (assumed).",
                    "Replay or backfill in time order, or drop the timestamp so the update counts as now.",
                )
            ]
    return []


def timestamp_warnings(effects: list[Any]) -> list[PreviewWarning]:
    """The what-if found an update older than the person's last one: it is ignored (assumed)."""
    if any(getattr(e, "kind", "") == "update_ignored_older" for e in effects):
        return [
            _w(
                "older_update_ignored",
                "The identify's timestamp is older than the person's last update, so the update is ignored "
                "(an operator-reported behaviour, assumed).",
                "Send updates in time order, or send this one without a timestamp.",
            )
        ]
    return []
