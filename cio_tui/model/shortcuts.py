"""The commonest operations of a replay, decided in one function each: an event or a page view of the person a
plain ``id`` names (not suppressed, held by one person or by nobody yet) or of an ``anonymous_id`` (Track v2), the
same of a person's path (Track v1 ``POST /api/v1/customers/{id}/events``), and the common identifies
(``shortcut_identify``).

A replay runs millions of these; the general path (``Engine._operation`` or ``Engine._v1``, then
``ActivityOps.track_event``) takes a dozen calls for each. A shortcut answers the same record only when every check
the general path makes is known to pass from the operation's shape, and reads (never writes) until it knows; any
other operation is ``None``: the general path runs it, and nothing was changed. Only for engines whose records name
no behaviours and keep no before/after states (a replay's): the general path names the behaviours these do not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.events import EVENT_TYPES
from cio_tui.model.person import Storage
from cio_tui.model.record import OpRecord
from cio_tui.model.settings import WorkspaceSettings
from cio_tui.model.shortcut_identify import person_identify, plain_id
from cio_tui.model.validation import MAX_EVENT_NAME_BYTES, InvalidRequest, check_event

# At most 4 bytes a character in UTF-8: a string this short is within its byte limit without encoding it.
_SHORT_NAME = MAX_EVENT_NAME_BYTES // 4
_ON_PERSON = EffectKind.EVENT_ON_PERSON
_DUPLICATE = EffectKind.EVENT_DUPLICATE
_CREATES = EffectKind.EVENT_CREATES_PERSON
_ANONYMOUS = EffectKind.ANONYMOUS_EVENT


def shortcut(
    store: Storage,
    settings: Callable[[], WorkspaceSettings],
    clock: Callable[[], int],
    route: str,
    segs: list[str],
    body: object,
) -> OpRecord | None:
    """The record of ``body`` sent to ``route`` (``segs``: the path's decoded segments) when one of the shortcuts
    decides it, else ``None``: the general path decides (nothing was changed). ``settings``, ``clock``: the
    engine's."""
    if route == "entity":
        if type(body) is not dict or body.get("type") != "person":
            return None
        action = body.get("action")
        if action == "event" or action == "page":
            with store.tx():
                return person_event(store, body, action, clock)
        ids = body.get("identifiers")
        if action != "identify" or type(ids) is not dict or len(ids) != 1 or "cio_relationships" in body:
            return None
        value: object = ids.get("id")
        attributes, stamp = body.get("attributes") or {}, body.get("timestamp")
    elif route == "identify" or route == "event":
        value = segs[3]
        if value.startswith("cio_") or "@" in value:  # a cio_id, or maybe an email: the path's shape decides
            return None
        if route == "event":
            if not plain_id(value):
                return None
            with store.tx():
                return path_event(store, value, body, clock)
        attributes, stamp = {} if body is None else body, None
    else:
        return None
    if not plain_id(value):
        return None
    with store.tx():
        return person_identify(store, value, attributes, settings(), clock, stamp)


def _plain_name(name: object) -> TypeGuard[str]:
    """An event name the general path takes as it is: a non-empty string with nothing to trim, within its limit
    (the others it trims or refuses)."""
    if type(name) is not str or not name or name != name.strip():
        return False
    return len(name) <= _SHORT_NAME or len(name.encode()) <= MAX_EVENT_NAME_BYTES


def path_event(store: Storage, value: str, body: object, clock: Callable[[], int]) -> OpRecord | None:
    """The record of the Track v1 event ``body`` on the person ``id`` ``value`` (a ``plain_id``) names, or ``None``
    when the general path must decide it."""
    if type(body) is not dict:
        return None
    action = str(body["type"]) if body.get("type") in EVENT_TYPES else "event"
    name, data = body.get("name"), body.get("data")
    if not _plain_name(name) or (data is not None and type(data) is not dict):
        return None
    try:
        check_event(name, data)  # the data's size (no request size limit measured it)
    except InvalidRequest:
        return None
    fields: dict[str, object] = data if data is not None else {}
    return _event(store, value, False, action, name, fields, body.get("id"), body.get("timestamp"), clock)


def person_event(store: Storage, op: dict[str, object], action: str, clock: Callable[[], int]) -> OpRecord | None:
    """The record of ``op`` (a v2 ``person`` operation whose ``action`` is ``event`` or ``page``, within the entity
    size limit), or ``None`` when the general path must decide it. ``clock``: the engine's."""
    ids = op.get("identifiers")
    if type(ids) is not dict or len(ids) != 1:
        return None
    value = ids.get("id")
    if value is None:
        value = ids.get("anonymous_id")
        if type(value) is not str or not value:
            return None
        anonymous = True
    elif not plain_id(value):
        return None
    else:
        anonymous = False
    name = op.get("name")
    if not _plain_name(name):
        return None
    data = op.get("attributes") or {}  # within the entity's size limit, so within the event data's without measuring
    if type(data) is not dict:
        return None
    return _event(store, value, anonymous, action, name, data, op.get("id"), op.get("timestamp"), clock)


def _event(
    store: Storage,
    value: str,
    anonymous: bool,
    action: str,
    name: str,
    data: dict[str, object],
    event_id: object,
    ts: object,
    clock: Callable[[], int],
) -> OpRecord | None:
    """``ActivityOps.track_event`` of an event the checks above let through (``None``: the general path)."""
    holders = None
    if not anonymous:
        if store.is_suppressed("id", value):
            return None
        holders = store.holders("id", value)
        if len(holders) > 1:  # the oldest, with a detail saying so
            return None
    rec = OpRecord()
    if event_id is not None and event_id != "":
        key = str(event_id)
        if store.seen_event_id(key):
            rec.kind = _DUPLICATE
            rec.facts = {"event_id": key, "name": name}
            return rec
        store.remember_event_id(key)
    if action == "page":
        fields = dict(data)
        fields.setdefault("url", name)
    else:
        fields = data
    when = int(ts) if isinstance(ts, int | float) and not isinstance(ts, bool) else clock()
    if holders is None:
        store.add_anonymous_event(value, action, name, when, fields)
        rec.kind = _ANONYMOUS
        rec.facts = {"anonymous_id": value, "type": action, "name": name}
        return rec
    activities = rec.activities
    if holders:
        cio_id = holders[0].cio_id
        rec.kind = _ON_PERSON
        rec.roles[cio_id] = "event target"
    else:  # the event creates the person it names
        now = clock()
        cio_id = store.insert_person(id=value, email=None, phone=None, created_at=now, attrs={}).cio_id
        store.add_activity(cio_id, "profile_create", None, now, {})
        activities.append((cio_id, "profile_create", None))
        rec.kind = _CREATES
        rec.roles[cio_id] = "created"
    store.add_activity(cio_id, action, name, when, fields)
    activities.append((cio_id, action, name))
    rec.facts = {"type": action, "name": name}
    return rec
