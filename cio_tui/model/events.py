"""Events (person and anonymous), content events, delivery metrics, devices, objects and relationships."""

from __future__ import annotations

from cio_tui.json_types import JSONObject, object_or_empty
from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.ops import text
from cio_tui.model.people import PeopleOps
from cio_tui.model.person import Person
from cio_tui.model.validation import Ident, InvalidRequest, check_event

EVENT_TYPES = ("event", "page", "screen")
CONTENT_ACTIONS = ("viewed_content", "clicked_content")


def _object_key(ids: object, where: str = "identifiers") -> tuple[str, str]:
    if not isinstance(ids, dict) or not text(ids.get("object_type_id")) or not text(ids.get("object_id")):
        raise InvalidRequest(f"{where} needs object_type_id and object_id", where)
    return str(ids["object_type_id"]), str(ids["object_id"])


def _attributes(rel: object) -> JSONObject:
    """A relationship's ``relationship_attributes`` (none when missing or not an object)."""
    return object_or_empty(object_or_empty(rel).get("relationship_attributes"))


class ActivityOps(PeopleOps):
    # -- events -------------------------------------------------------------------------------------------
    def track_event(
        self,
        who: Ident,
        name: object,
        data: object,
        *,
        type_: str = "event",
        ts: object = None,
        event_id: object = None,
        within: int = 0,
    ) -> None:
        """``within``: the JSON size the whole operation was measured within (``check_event``)."""
        if isinstance(name, str) and name != name.strip() and self.settings().trim_event_names:
            self.uses("event_name_trim")
            name = name.strip()
        name = check_event(name, data, within=within)
        # only a page view adds to its data (its url): others hand it on as it is (storage keeps its own copy)
        fields = (dict(data) if type_ == "page" else data) if isinstance(data, dict) else {}
        if event_id not in (None, ""):
            self.uses("event_dedupe")
            key = str(event_id)
            if self.store.seen_event_id(key):
                self.outcome(EffectKind.EVENT_DUPLICATE, event_id=key, name=name)
                return
            self.store.remember_event_id(key)
        if type_ == "screen":
            self.uses("v1_screen")
        if type_ == "page":
            self.uses("page_url")
            fields.setdefault("url", name)
        if type_ in CONTENT_ACTIONS:
            self.uses("content_event")
        when = int(ts) if isinstance(ts, int | float) and not isinstance(ts, bool) else self.clock()
        if who.kind == "anonymous_id":
            self.uses("anonymous_event")
            self.store.add_anonymous_event(who.value, type_, name, when, fields)
            self.outcome(EffectKind.ANONYMOUS_EVENT, anonymous_id=who.value, type=type_, name=name)
            return
        self.uses("event_person")
        p = self._person_for_write(who, "event")
        if p is not None:
            self._activity(p, type_, name, when, fields)
            if self.rec.kind is not EffectKind.EVENT_CREATES_PERSON:
                self.outcome(EffectKind.EVENT_ON_PERSON, (p, "event target"), type=type_, name=name)
            else:
                self.rec.facts.update(type=type_, name=name)

    def anonymous_event(self, body: object) -> None:
        """``POST /api/v1/events``: an event of nobody yet, kept under its ``anonymous_id``."""
        if not isinstance(body, dict):
            raise InvalidRequest("the request body must be a JSON object")
        type_ = str(body["type"]) if body.get("type") in EVENT_TYPES else "event"
        anonymous_id = text(body.get("anonymous_id"))
        if anonymous_id is None:
            self.uses("anonymous_event")
            check_event(body.get("name"), body.get("data"))
            self.outcome(EffectKind.ANONYMOUS_EVENT, anonymous_id=None, type=type_, name=body.get("name"))
            return
        self.track_event(
            Ident("anonymous_id", anonymous_id),
            body.get("name"),
            body.get("data"),
            type_=type_,
            ts=body.get("timestamp"),
            event_id=body.get("id"),
        )

    def _person_for_write(self, who: Ident, what: str) -> Person | None:
        """Events and devices create the person they name (except through an unknown cio_id)."""
        if self.blocked(who):
            self.uses("suppressed_dropped")
            self.outcome(EffectKind.DROPPED_SUPPRESSED, identifier=f"{who.kind} {who.value}")
            return None
        p = self.resolve(who, view=True)  # the person is only named (its events are rows of their own)
        if p is None:
            if who.kind == "cio_id":
                self.uses("unknown_cio_dropped")
                self.outcome(EffectKind.DROPPED, cio_id=who.value)
                return None
            kw: dict[str, str | None] = {"id_": None, "email": None, "phone": None}
            kw["id_" if who.kind == "id" else who.kind] = who.value
            p = self._create(**kw)
            self.outcome(EffectKind(f"{what}_creates_person"), (p, "created"))
        return p

    # -- metrics --------------------------------------------------------------------------------------------
    def metric(self, delivery_id: object, metric: object, ts: object, data: JSONObject) -> None:
        self.uses("metrics")
        if not text(delivery_id):
            raise InvalidRequest("delivery_id is required", "delivery_id")
        if not text(metric):
            raise InvalidRequest("metric is required", "metric")
        when = int(ts) if isinstance(ts, int | float) and not isinstance(ts, bool) else self.clock()
        self.store.add_metric(str(delivery_id), str(metric), when, data)
        self.outcome(EffectKind.METRICS, delivery_id=str(delivery_id), metric=str(metric))

    # -- devices ----------------------------------------------------------------------------------------------
    def add_device(self, who: Ident, device: object) -> None:
        self.uses("devices")
        device_id = (device.get("id") or device.get("token")) if isinstance(device, dict) else None
        if not isinstance(device, dict) or not isinstance(device_id, str):
            raise InvalidRequest("device.id is required", "device")
        p = self._person_for_write(who, "device")
        if p is None:
            return
        last, platform = device.get("last_used"), device.get("platform")
        self.store.upsert_device(
            p.cio_id,
            device_id,
            platform if platform is None or isinstance(platform, str) else str(platform),
            int(last) if isinstance(last, int | float) else self.clock(),
        )
        if self.rec.kind is not EffectKind.DEVICE_CREATES_PERSON:
            self.outcome(EffectKind.DEVICE_ADDED, (p, "device owner"), device=device_id)

    def delete_device(self, who: Ident, device_id: str) -> None:
        self.uses("devices")
        p = self.resolve(who)
        if p is None:
            self.outcome(EffectKind.DEVICE_DELETED_NO_PERSON, identifier=f"{who.kind} {who.value}")
            return
        self.store.delete_device(p.cio_id, device_id)
        self.outcome(EffectKind.DEVICE_DELETED, (p, "device owner"), device=device_id)

    # -- relationships and objects ------------------------------------------------------------------------------
    def _who(self, ids: object, *, create: bool) -> tuple[str, Person | None] | None:
        """A relationship's person side: ``cio:<cio_id>`` (a known person) or ``anon:<anonymous_id>``."""
        if not isinstance(ids, dict) or len(ids) != 1:
            raise InvalidRequest("a relationship needs exactly one person identifier", "cio_relationships")
        ((kind, value),) = ids.items()
        if kind == "anonymous_id":
            return f"anon:{value}", None
        p = self.resolve(Ident(kind, str(value).removeprefix("cio_") if kind == "cio_id" else str(value)))
        return (f"cio:{p.cio_id}", p) if p is not None else None

    def relate_all(self, p: Person, rels: object) -> None:
        """The person side: relate ``p`` to each listed object."""
        self.uses("identify_relationships")
        for rel in rels if isinstance(rels, list) else []:
            type_id, object_id = _object_key(object_or_empty(rel).get("identifiers"), "cio_relationships")
            self.store.upsert_object(type_id, object_id, {})
            self.store.relate(type_id, object_id, f"cio:{p.cio_id}", _attributes(rel))

    def person_relationships(self, who: Ident, rels: object, *, add: bool) -> None:
        self.uses("relationships")
        if not isinstance(rels, list) or not rels:
            raise InvalidRequest("cio_relationships must be a non-empty array", "cio_relationships")
        keys = [_object_key(object_or_empty(r).get("identifiers"), "cio_relationships") for r in rels]
        if who.kind == "anonymous_id":
            target, p = f"anon:{who.value}", None
        else:
            p = self.resolve(who)
            if p is None:
                self.outcome(EffectKind.RELATIONSHIP_NO_PERSON, identifier=f"{who.kind} {who.value}")
                return
            target = f"cio:{p.cio_id}"
        for (type_id, object_id), rel in zip(keys, rels, strict=True):
            if add:
                self.store.upsert_object(type_id, object_id, {})
                self.store.relate(type_id, object_id, target, _attributes(rel))
            else:
                self.store.unrelate(type_id, object_id, target)
        people = ((p, "related"),) if p is not None else ()
        self.outcome(
            EffectKind.RELATIONSHIP_ADDED if add else EffectKind.RELATIONSHIP_DELETED,
            *people,
            objects=[f"{t}/{o}" for t, o in keys],
        )

    def object_op(self, op: JSONObject) -> None:
        self.uses("objects")
        action = op.get("action")
        type_id, object_id = _object_key(op.get("identifiers"))
        attrs = op.get("attributes") or {}
        if not isinstance(attrs, dict):
            raise InvalidRequest("attributes must be an object", "attributes")
        rels = op.get("cio_relationships") or []
        if not isinstance(rels, list):
            raise InvalidRequest("cio_relationships must be an array", "cio_relationships")
        obj = f"{type_id}/{object_id}"
        if action == "delete":
            existed = self.store.delete_object(type_id, object_id)
            self.outcome(EffectKind.OBJECT_DELETED, object=obj, existed=existed)
            return
        if action not in ("identify", "identify_anonymous", "add_relationships", "delete_relationships"):
            raise InvalidRequest(f"unknown object action '{action}'", "action")
        sides = []
        for rel in rels:
            ids = object_or_empty(rel).get("identifiers")
            if action == "identify_anonymous" and not (isinstance(ids, dict) and "anonymous_id" in ids):
                raise InvalidRequest("identify_anonymous relates anonymous_id only", "cio_relationships")
            sides.append((self._who(ids, create=False), rel))
        if action in ("identify", "identify_anonymous"):
            self.store.upsert_object(type_id, object_id, attrs)
        people = []
        for side, rel in sides:
            if side is None:
                self.detail("A related person does not exist: that relationship is skipped.")
                continue
            key, p = side
            if action == "delete_relationships":
                self.store.unrelate(type_id, object_id, key)
            else:
                self.store.upsert_object(type_id, object_id, {})
                self.store.relate(type_id, object_id, key, _attributes(rel))
            if p is not None:
                people.append((p, "related"))
        if action != "identify_anonymous" and rels:
            self.uses("relationships")
        kind = (
            EffectKind.RELATIONSHIP_DELETED
            if action == "delete_relationships"
            else (EffectKind.RELATIONSHIP_ADDED if action == "add_relationships" else EffectKind.OBJECT_UPDATED)
        )
        self.outcome(kind, *people, object=obj)
