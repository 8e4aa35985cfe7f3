"""The closed list of what one Track operation can do in the engine: the home of every effect kind."""

from __future__ import annotations

from enum import StrEnum


class EffectKind(StrEnum):
    """The branch an operation took in the engine (``OpRecord.kind``), as the outcome words and groups name it.
    ``EVENT_ON_NEW_PERSON`` is told apart later (an event on a person an earlier call of the same preview made)."""

    ANONYMOUS_EVENT = "anonymous_event"
    ANONYMOUS_IDENTIFY = "anonymous_identify"
    ASSIGNS_ID_TO_LEAD = "assigns_id_to_lead"
    CONFLICT_AUTO_MERGE = "conflict_auto_merge"
    CONFLICT_FAILED = "conflict_failed"
    CREATES_PERSON = "creates_person"
    DELETES_PERSON = "deletes_person"
    DELETES_PERSON_NO_PERSON = "deletes_person_no_person"
    DEVICE_ADDED = "device_added"
    DEVICE_CREATES_PERSON = "device_creates_person"
    DEVICE_DELETED = "device_deleted"
    DEVICE_DELETED_NO_PERSON = "device_deleted_no_person"
    DROPPED = "dropped"
    DROPPED_SUPPRESSED = "dropped_suppressed"
    EMAIL_CHANGE_REFUSED = "email_change_refused"
    EMAIL_CHANGED = "email_changed"
    EVENT_CREATES_PERSON = "event_creates_person"
    EVENT_DUPLICATE = "event_duplicate"
    EVENT_ON_NEW_PERSON = "event_on_new_person"
    EVENT_ON_PERSON = "event_on_person"
    ID_CHANGE_REFUSED = "id_change_refused"
    IDENTIFIER_CHANGE = "identifier_change"
    MERGE_DOES_NOTHING = "merge_does_nothing"
    MERGES_PEOPLE = "merges_people"
    METRICS = "metrics"
    NO_CHANGE = "no_change"
    NOT_SUPPRESSED = "not_suppressed"
    OBJECT_DELETED = "object_deleted"
    OBJECT_UPDATED = "object_updated"
    REJECTED = "rejected"
    RELATIONSHIP_ADDED = "relationship_added"
    RELATIONSHIP_DELETED = "relationship_deleted"
    RELATIONSHIP_NO_PERSON = "relationship_no_person"
    SUPPRESSES_PERSON = "suppresses_person"
    SUPPRESSES_PERSON_NO_PERSON = "suppresses_person_no_person"
    UNSUPPRESSES = "unsuppresses"
    UNSUPPRESSES_NO_PERSON = "unsuppresses_no_person"
    UPDATE_IGNORED_OLDER = "update_ignored_older"
    UPDATE_ONLY_NO_PERSON = "update_only_no_person"
    UPDATES_PERSON = "updates_person"


__all__ = ["EffectKind"]
