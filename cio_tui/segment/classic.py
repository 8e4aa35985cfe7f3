"""What the classic Customer.io destination sends (docs/reference/segment-classic.md), as Track v1 requests.

Classic cloud mode is private code, so these requests are a model built from its documentation
(docs/reference/segment-classic.md): identify -> ``PUT /api/v1/customers/{userId}``, track/page/screen ->
``POST /api/v1/customers/{userId}/events``. Every place where the documentation is silent adds a note saying so
rather than guessing silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cio_tui.segment.models import SegmentCall
from cio_tui.segment.presets import RESERVED_EVENTS
from cio_tui.segment.timestamps import parse_strict_iso
from cio_tui.segment.wire import HttpRequest, v1_customer_path

DEVICE_ADD_EVENTS = ("Application Installed", "Application Opened")
DEVICE_DELETE_EVENTS = ("Application Uninstalled",)

NOTE_TIMESTAMP = "Docs are silent on whether classic sends the call's timestamp or a dedupe id; none is shown."
NOTE_CLOUD_MODEL = "Classic cloud-mode code is private: this request is modelled from the docs, unconfirmed."


@dataclass
class ClassicResult:
    requests: list[HttpRequest] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: bool = False  # the call is not delivered at all


@dataclass
class ClassicSettings:
    """The classic destination's settings that change its requests (docs/reference/segment-classic.md)."""

    convert_to_unix_time: bool = True


Fields = dict[str, Any]
"""The fields of a call the classic destination reads: ``type``, ``userId``, ``traits``, ``event``, ``context``,
``properties``, ``name`` (a missing one is None)."""


def classic_for(call: SegmentCall, settings: ClassicSettings | None = None) -> ClassicResult:
    fields = {"type": call.type, "userId": call.userId, "context": call.context}
    for name in ("traits", "event", "properties", "name"):
        fields[name] = getattr(call, name, None)
    return classic_for_fields(fields, settings)


def classic_for_fields(fields: Fields, settings: ClassicSettings | None = None) -> ClassicResult:
    """``classic_for`` over the call's fields (a replay passes the message itself: its keys are these fields)."""
    return _HANDLERS[fields["type"]](fields, settings or ClassicSettings())


# Every request here has a literal method, a path ``v1_customer_path`` built (text) and a body of any value: the
# model's validation would change nothing, and a replay builds one per call.
_request = HttpRequest.model_construct


def _dropped(reason: str) -> ClassicResult:
    return ClassicResult(notes=[reason], dropped=True)


def _convert_dates(traits: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """``convertToUnixTime``: device mode turns ISO strings into unix seconds; cloud rules are undocumented."""
    out: dict[str, Any] = {}
    for key, value in traits.items():
        parsed = parse_strict_iso(value) if isinstance(value, str) else None
        out[key] = parsed[0] if parsed else value
    if out != traits:
        notes.append(
            "convertToUnixTime: top-level ISO date strings shown as unix seconds, as device mode does; "
            "how cloud mode picks values (nested objects, other formats) is undocumented."
        )
    return out


def _identify(call: Fields, settings: ClassicSettings) -> ClassicResult:
    traits = dict(call.get("traits") or {})
    notes: list[str] = []
    who = call.get("userId")
    if not who:
        email = traits.get("email")
        if not isinstance(email, str) or not email:
            return _dropped(
                "Classic drops an identify without a userId: device mode skips it and cloud mode has no "
                "documented anonymous identify."
            )
        who = email
        notes.append(
            "No userId: Customer.io's classic destination page suggests an email-only identify works in cloud "
            "mode; shown addressed by the email trait, unconfirmed."
        )
    for old in ("created", "createdAt"):  # device mode renames both
        if old in traits and "created_at" not in traits:
            traits["created_at"] = traits.pop(old)
            notes.append(f"traits.{old} renamed to created_at (documented for device mode; cloud assumed).")
        elif old in traits:
            traits.pop(old)
    if settings.convert_to_unix_time:
        traits = _convert_dates(traits, notes)
    if who.startswith("cio_"):
        notes.append("userId starts with 'cio_': Customer.io reads the path as a cio_id and changes id/email.")
    elif "@" in who:
        notes.append("An email-shaped userId is read as an email by workspaces allowing email identifiers.")
    notes += [NOTE_CLOUD_MODEL, NOTE_TIMESTAMP]
    return ClassicResult([_request(method="PUT", path=v1_customer_path(who), body=traits)], notes)


def _event(call: Fields, name: str, data: dict[str, Any], extra: dict[str, Any] | None = None) -> HttpRequest:
    body: dict[str, Any] = {"name": name, **(extra or {}), "data": data}
    return _request(method="POST", path=v1_customer_path(call.get("userId") or "", "events"), body=body)


def _track(call: Fields, settings: ClassicSettings) -> ClassicResult:
    user_id = call.get("userId")
    if not user_id:
        return _dropped("Classic does not support anonymous events: a track without a userId is not sent.")
    event = call.get("event") or ""
    context = call.get("context") or {}
    ctx_device: dict[str, Any] = context["device"] if isinstance(context.get("device"), dict) else {}
    token = ctx_device.get("token")
    if event in DEVICE_ADD_EVENTS + DEVICE_DELETE_EVENTS:
        notes = [
            f"'{event}' adds, refreshes or deletes the device from context.device.token; whether it "
            "is also logged as a custom event is unknown."
        ]
        if not token:
            return ClassicResult(notes=notes + ["No context.device.token: no device request is sent."])
        if event in DEVICE_ADD_EVENTS:
            device: dict[str, Any] = {"id": token}
            if ctx_device.get("type"):
                device["platform"] = ctx_device["type"]
            request = _request(method="PUT", path=v1_customer_path(user_id, "devices"), body={"device": device})
        else:
            request = _request(method="DELETE", path=v1_customer_path(user_id, "devices", token), body=None)
        return ClassicResult([request], notes + [NOTE_CLOUD_MODEL])
    notes = [NOTE_CLOUD_MODEL, NOTE_TIMESTAMP]
    if event in RESERVED_EVENTS:
        notes.insert(
            0, f"'{event}' is an ordinary custom event in classic (inferred: no special handling is documented)."
        )
    return ClassicResult([_event(call, event, dict(call.get("properties") or {}))], notes)


def _page(call: Fields, settings: ClassicSettings) -> ClassicResult:
    if not call.get("userId"):
        return _dropped(
            "Classic does not link pages viewed before the first identify to a person; an anonymous page is not sent."
        )
    properties = dict(call.get("properties") or {})
    name = call.get("name") or properties.get("name") or properties.get("url") or ""
    notes = [
        "Page View activity named after the page name, else the URL; sent as an event of type 'page' (presumed).",
        NOTE_CLOUD_MODEL,
        NOTE_TIMESTAMP,
    ]
    return ClassicResult([_event(call, str(name), properties, {"type": "page"})], notes)


def _screen(call: Fields, settings: ClassicSettings) -> ClassicResult:
    if not call.get("userId"):
        return _dropped("Classic does not support anonymous events: a screen without a userId is not sent.")
    name = f"Viewed {call.get('name') or 'Undefined'} Screen"
    notes = [
        f"Screen calls become the custom event '{name}'; the catalog lists screen as unsupported, "
        "so whether cloud mode sends it is unconfirmed.",
        NOTE_CLOUD_MODEL,
    ]
    return ClassicResult([_event(call, name, dict(call.get("properties") or {}))], notes)


def _group(call: Fields, settings: ClassicSettings) -> ClassicResult:
    return _dropped(
        "Classic cloud mode does not accept group calls (catalog). Web device mode re-identified the user with "
        "traits prefixed 'Group ' (e.g. 'Group plan'); that is not shown here."
    )


def _alias(call: Fields, settings: ClassicSettings) -> ClassicResult:
    return _dropped("Classic ignores alias calls: nothing is sent.")


_HANDLERS: dict[str, Callable[[Fields, ClassicSettings], ClassicResult]] = {
    "identify": _identify,
    "track": _track,
    "page": _page,
    "screen": _screen,
    "group": _group,
    "alias": _alias,
}
