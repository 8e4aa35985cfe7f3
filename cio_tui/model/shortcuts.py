"""The commonest Track v2 operation of a replay, decided in one function: an event or a page view of the person a
plain ``id`` names (not suppressed, held by one person or by nobody yet) or of an ``anonymous_id``.

A replay runs millions of these; the general path (``Engine._operation`` then ``ActivityOps.track_event``) takes
a dozen calls for each. ``person_event`` answers the same record only when every check the general path makes is
known to pass from the operation's shape, and reads (never writes) until it knows; any other operation is ``None``:
the general path runs it, and nothing was changed. Only for engines whose records name no behaviours and keep no
before/after states (a replay's): the general path names the behaviours this one does not.
"""

from __future__ import annotations

from collections.abc import Callable

from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.person import Storage
from cio_tui.model.record import OpRecord
from cio_tui.model.validation import MAX_EVENT_NAME_BYTES, MAX_ID_BYTES

# At most 4 bytes a character in UTF-8: a string this short is within its byte limit without encoding it.
_SHORT_ID = MAX_ID_BYTES // 4
_SHORT_NAME = MAX_EVENT_NAME_BYTES // 4
_ON_PERSON = EffectKind.EVENT_ON_PERSON
_DUPLICATE = EffectKind.EVENT_DUPLICATE
_CREATES = EffectKind.EVENT_CREATES_PERSON
_ANONYMOUS = EffectKind.ANONYMOUS_EVENT


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
    elif type(value) is not str or not value or (len(value) > _SHORT_ID and len(value.encode()) > MAX_ID_BYTES):
        return None
    else:
        anonymous = False
    name = op.get("name")
    # a name to trim, an empty or long one: the general path (it trims or refuses)
    if type(name) is not str or not name or name != name.strip():
        return None
    if len(name) > _SHORT_NAME and len(name.encode()) > MAX_EVENT_NAME_BYTES:
        return None
    data = op.get("attributes") or {}  # within the entity's size limit, so within the event data's without measuring
    if type(data) is not dict:
        return None
    holders = None
    if not anonymous:
        if store.is_suppressed("id", value):
            return None
        holders = store.holders("id", value)
        if len(holders) > 1:  # the oldest, with a detail saying so
            return None
    rec = OpRecord()
    event_id = op.get("id")
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
    ts = op.get("timestamp")
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
