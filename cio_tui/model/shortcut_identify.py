"""The commonest identify of a replay decided in one function: a Track v1 ``PUT /api/v1/customers/{id}`` or a v2
``identify`` of the person a plain ``id`` names (held by one person or by nobody yet), with no email or the email
that person has (or none yet, and nobody else has it), nothing suppressed, and ``timestamp`` not older than the
person's last update (when it is older, the record says so and nothing changes, as the general path does).

A replay runs hundreds of thousands of these; the general path (``Engine._run``, ``PeopleOps.identify``,
``_resolve_identify``, ``_apply``) reads the person twice as a copy and names each branch it takes.
``person_identify`` answers the same record only when every check the general path makes is known to pass, and
reads (never writes) until it knows; any other identify is ``None``: the general path runs it, and nothing was
changed. Only for engines whose records name no behaviours and keep no before/after states (a replay's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.ops import label, same, text, truthy
from cio_tui.model.person import Person, Storage
from cio_tui.model.record import OpRecord
from cio_tui.model.settings import ANONYMOUS_MERGE_DAYS, DAY, WorkspaceSettings
from cio_tui.model.timeconv import to_unix
from cio_tui.model.validation import (
    MAX_ATTR_NAME_BYTES,
    MAX_ATTR_VALUE_BYTES,
    MAX_ATTRIBUTES,
    MAX_ID_BYTES,
    InvalidRequest,
    check_attributes,
)

# At most 4 bytes a character in UTF-8: a string this short is within its byte limit without encoding it.
_SHORT_ID = MAX_ID_BYTES // 4
_SHORT_VALUE = MAX_ATTR_VALUE_BYTES // 4
_SMALL_INT = 10**18  # as ``check_attributes`` bounds an int without measuring it
# keys whose handling the general path has branches for that this one does not take: it decides them
_GENERAL_KEYS = ("_update", "id", "cio_relationships", "cio_id", "_timestamp", "__email")
_NOT_ATTRIBUTES = ("email", "created_at", "unsubscribed")  # columns of the person, not attributes
_UNSET = object()


def plain_id(value: object) -> TypeGuard[str]:
    """``value`` is an id the general path reads as it is: a non-empty string within the id limit."""
    return type(value) is str and value != "" and (len(value) <= _SHORT_ID or len(value.encode()) <= MAX_ID_BYTES)


def _checked(body: dict[object, object]) -> bool:
    """``check_attributes(body)`` passes: the common names and values decided here as it decides them, anything
    else by it (``False`` when it refuses)."""
    measure = len(body) > MAX_ATTRIBUTES
    for key, value in body.items():
        if type(key) is not str:
            return False  # the general path decides what a name that is not a string does
        if len(key) > MAX_ATTR_NAME_BYTES or not key.isascii():
            measure = True
            continue
        if value is None or type(value) is float or type(value) is bool:
            continue
        if type(value) is str:
            if len(value) <= _SHORT_VALUE:
                continue
        elif type(value) is int and -_SMALL_INT < value < _SMALL_INT:
            continue
        measure = True
    if measure:
        try:
            check_attributes(body)  # type: ignore[arg-type]  # every name is a string (checked above)
        except InvalidRequest:
            return False
    return True


def person_identify(
    store: Storage,
    value: str,
    body: object,
    settings: WorkspaceSettings,
    clock: Callable[[], int],
    timestamp: object = None,
) -> OpRecord | None:
    """The record of an identify of ``id`` ``value`` (a ``plain_id``) with attributes ``body``, or ``None`` when the
    general path must decide it. ``timestamp``: a v2 operation's (``None`` for v1); ``clock``: the engine's."""
    if type(body) is not dict or not settings.email_is_identifier:
        return None
    for key in _GENERAL_KEYS:
        if key in body:
            return None
    if not _checked(body):
        return None
    email = body.get("email")
    if email is None or email == "":
        email = None
    elif type(email) is not str or (len(email) > _SHORT_ID and len(email.encode()) > MAX_ID_BYTES):
        return None  # a value that is not a string, or one too long (refused)
    created: object = _UNSET
    if "created_at" in body:
        created = body["created_at"]
        if created is not None and created != "":
            created = to_unix(created)
            if created is None:  # refused
                return None
    if store.is_suppressed("id", value) or (email is not None and store.is_suppressed("email", email)):
        return None
    holders = store.holders("id", value)
    if len(holders) > 1:  # the oldest, with a detail saying so
        return None
    stored = holders[0] if holders else None
    # the attribute count after the update, bounded without counting (the general path counts, and may refuse)
    if (len(stored.attrs) if stored is not None else 0) + len(body) > MAX_ATTRIBUTES:
        return None
    stamp = timestamp if isinstance(timestamp, int | float) and not isinstance(timestamp, bool) else None
    rec = OpRecord()
    if stored is not None:
        set_email = email is not None and not same("email", stored.email, email)
        if email is not None and set_email:
            if stored.email is not None:  # a change: refused, or allowed by a setting
                return None
            if any(q.pk != stored.pk for q in store.holders("email", email)):
                return None  # two people: auto-merge or a conflict
        if stamp is not None and settings.ignore_older_updates and stored.last_ts and stamp < stored.last_ts:
            rec.kind = EffectKind.UPDATE_IGNORED_OLDER
            rec.roles[stored.cio_id] = "unchanged"
            rec.facts = {"timestamp": int(stamp), "last": stored.last_ts}
            return rec
        p = stored.copy()
        if set_email:
            p.email = email
        rec.kind = EffectKind.UPDATES_PERSON
        rec.roles[p.cio_id] = "updated"
    else:
        if email is not None and store.holders("email", email):  # a lead given its id, or a refusal
            return None
        now = clock()
        p = store.insert_person(id=value, email=email, phone=None, created_at=now, attrs={})
        store.add_activity(p.cio_id, "profile_create", None, now, {})
        rec.activities.append((p.cio_id, "profile_create", None))
        rec.kind = EffectKind.CREATES_PERSON
        rec.roles[p.cio_id] = "created"
    _apply(store, p, body, created, None if stamp is None else int(stamp), clock)
    anonymous_id = text(body.get("anonymous_id"))
    if anonymous_id is not None and settings.anonymous_merge:
        _merge_anonymous(store, rec, p, anonymous_id, clock)
    return rec


def _apply(
    store: Storage, p: Person, body: dict[str, object], created: object, stamp: int | None, clock: Callable[[], int]
) -> None:
    """``PeopleOps._apply`` of what reaches it from the identifies taken here (no email column, no id)."""
    if created is not _UNSET and created is not None and created != "":
        p.created_at = int(created)  # type: ignore[call-overload]  # unix seconds (to_unix)
    if "unsubscribed" in body:
        p.unsubscribed = truthy(body["unsubscribed"])
    attrs = p.attrs
    for key, value in body.items():
        if key in _NOT_ATTRIBUTES:
            continue
        if value is None or value == "":
            attrs.pop(key, None)
        else:
            attrs[key] = value
    now = clock()
    p.updated_at = now
    p.last_ts = max(p.last_ts or 0, stamp if stamp is not None else now)
    store.save_person(p)


def _merge_anonymous(store: Storage, rec: OpRecord, p: Person, anonymous_id: str, clock: Callable[[], int]) -> None:
    """``PeopleOps._merge_anonymous``: the anonymous events of the last 30 days join the person."""
    events = store.take_anonymous_events(anonymous_id, clock() - ANONYMOUS_MERGE_DAYS * DAY)
    cio_id = p.cio_id
    for type_, name, ts, data in events:
        store.add_activity(cio_id, type_, name, ts, data)
        rec.activities.append((cio_id, type_, name))
    store.move_relationships(f"anon:{anonymous_id}", f"cio:{cio_id}")
    if events:
        rec.facts["anonymous_events_merged"] = len(events)
        sentence = f"{len(events)} anonymous event(s) of anonymous_id {anonymous_id} join {label(p)}."
        if sentence not in rec.details:
            rec.details.append(sentence)
