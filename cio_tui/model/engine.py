"""``Engine``: Track v1 and v2 requests (method, path, JSON body) executed against a ``Storage``.

No HTTP server, no SQLite: the sandbox feeds it the requests it receives, a what-if copy feeds it the requests a
preview would send. ``execute`` answers what Customer.io answers (status and body) plus one ``OpRecord`` per
operation (a v2 batch has one per item).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote

from cio_tui.json_types import JSONArray, JSONObject, JSONValue, object_or_empty
from cio_tui.model.effect_kind import EffectKind
from cio_tui.model.events import CONTENT_ACTIONS, EVENT_TYPES, ActivityOps
from cio_tui.model.person import Storage
from cio_tui.model.record import OpRecord
from cio_tui.model.settings import WorkspaceSettings
from cio_tui.model.shortcuts import shortcut
from cio_tui.model.validation import (
    MAX_BATCH_BYTES,
    MAX_ENTITY_BYTES,
    Ident,
    InvalidRequest,
    json_exceeds,
    one_identifier,
    parse_path,
)

ROUTES_KEPT = 4096
_CUSTOMERS = "/api/v1/customers/"  # a person's path: what follows names the person
_UNKNOWN = "?"  # a route not worked out yet (no route is named so)
APPLIES = ("v2_batch",)  # named on every batch item's record (not through ``uses``: the item's record is closed)


@dataclass
class Result:
    status: int
    body: JSONObject
    records: list[OpRecord] = field(default_factory=list)

    @property
    def record(self) -> OpRecord:
        return self.records[0] if self.records else OpRecord(kind=EffectKind.REJECTED)


def _v1_error(message: str) -> JSONObject:
    return {"meta": {"errors": [message]}}


def _v2_error(exc: InvalidRequest) -> JSONObject:
    return {"errors": [{"reason": exc.reason, "field": exc.field, "message": exc.message}]}


def _not_json(literal: str) -> object:
    """``NaN``, ``Infinity`` and ``-Infinity``: ``json.loads`` takes them, JSON does not (RFC 8259), nor a server."""
    raise ValueError(f"{literal} is not JSON")


def _finite(text: str) -> float:
    """A JSON number as a float; one too big for a double (``1e999``) is refused as a server refuses it."""
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"{text} is out of range")
    return value


def _segments(path: str) -> list[str]:
    raw = path.split("?", 1)[0].strip("/")
    if not raw:
        return []
    parts = raw.split("/")
    return [unquote(s) for s in parts] if "%" in raw else parts  # unquote changes nothing without a %


# (method, what follows /api/v1/customers/{id}) -> route
_CUSTOMER_ROUTES: dict[tuple[str, tuple[str, ...]], str] = {
    ("PUT", ()): "identify",
    ("DELETE", ()): "delete",
    ("POST", ("suppress",)): "suppress",
    ("POST", ("unsuppress",)): "unsuppress",
    ("POST", ("events",)): "event",
    ("PUT", ("devices",)): "add_device",
}


def wall_clock() -> int:
    return int(time.time())


class Engine:
    """Customer.io's Track behaviour over ``storage``.

    ``settings`` is a ``WorkspaceSettings`` or a callable returning the current one; ``clock`` gives unix
    seconds; ``record=True`` fills each ``OpRecord.changes`` with before/after states (what-if copies);
    ``behaviours=False`` leaves ``OpRecord.behaviours`` empty (a replay counts outcomes: the same rules run).
    """

    def __init__(
        self,
        storage: Storage,
        settings: WorkspaceSettings | Callable[[], WorkspaceSettings] | None = None,
        clock: Callable[[], int] = wall_clock,
        *,
        record: bool = False,
        behaviours: bool = True,
    ) -> None:
        fixed = settings or WorkspaceSettings()
        self.settings: Callable[[], WorkspaceSettings] = fixed if callable(fixed) else (lambda: fixed)
        self.storage = storage
        self.ops = ActivityOps(storage, self.settings, clock, record=record, behaviours=behaviours)
        # (method, path) -> (route, decoded segments): the same few paths recur on every call of a replay
        self._routes: dict[tuple[str, str], tuple[str | None, list[str]]] = {}
        self._tails: dict[tuple[str, tuple[str, ...]], str | None] = {}  # (method, after the person) -> route
        # the commonest replay operation in one function (``shortcuts``): its records name no behaviours and keep no
        # before/after states, so only such an engine takes it
        self._shortcuts = not behaviours and not record

    # -- entry points ---------------------------------------------------------------------------------
    def handles(self, method: str, path: str) -> bool:
        return self._route(method.upper(), _segments(path)) is not None

    def execute_raw(self, method: str, path: str, raw: bytes) -> Result:
        """A request as bytes: size limits and JSON parsing first, as the server does."""
        segs = _segments(path)
        v2 = segs[:2] == ["api", "v2"]
        if v2:
            limit = MAX_ENTITY_BYTES if segs[2:] == ["entity"] else MAX_BATCH_BYTES
            if len(raw) >= limit:
                exc = InvalidRequest(f"the request is larger than {limit} bytes", reason="too_large")
                return self._refused(exc, v2=True)
        if not raw.strip():
            body: JSONValue = None
        else:
            try:
                body = json.loads(raw, parse_constant=_not_json, parse_float=_finite)
            except ValueError:
                return self._refused(
                    InvalidRequest("the request body is not valid JSON"), v2=v2, merge=segs[-1:] == ["merge_customers"]
                )
        return self.execute(method, path, body)

    def execute(self, method: str, path: str, body: object = None) -> Result:
        """One Track request. ``path`` is the URL path (percent-encoded segments are decoded here); ``body`` is what
        the JSON body decoded to, or any value a caller hands over (checked here, as the server would)."""
        known = self._routes.get((method, path))
        route, segs = known if known is not None else self._lookup(method, path)
        if route is None:
            return Result(404, {"meta": {"error": "resource not found"}})
        if route == "batch":
            return self._batch(body)
        if route == "entity":
            if json_exceeds(body, MAX_ENTITY_BYTES - 1):  # at or over the limit
                exc = InvalidRequest(f"the request is larger than {MAX_ENTITY_BYTES} bytes", reason="too_large")
                return self._refused(exc, v2=True)
        rec = shortcut(self.storage, self.settings, self.ops.clock, route, segs, body) if self._shortcuts else None
        if rec is not None:
            self.ops.rec = rec
            return Result(200, {}, [rec])
        if route == "entity":
            return self._one(True, False, self._operation, body, MAX_ENTITY_BYTES - 1)
        return self._one(False, route == "merge", self._v1, route, segs, body)

    # -- plumbing ---------------------------------------------------------------------------------------
    def _lookup(self, method: str, path: str) -> tuple[str | None, list[str]]:
        """The route and decoded segments of a path not in the cache of whole paths."""
        if path.startswith(_CUSTOMERS) and not path.endswith("/") and "%" not in path and "?" not in path:
            # a person's path (one per person: a cache of whole paths would only churn): its segments are the
            # path split as it is, and its route depends on the method and what follows the person only
            segs = path[1:].split("/")
            tail = (method, tuple(segs[4:]))
            route = self._tails.get(tail, _UNKNOWN)
            if route is _UNKNOWN:
                if len(self._tails) > ROUTES_KEPT:  # a device's path names the device
                    self._tails.clear()
                route = self._tails[tail] = self._route(method.upper(), segs)
        else:
            segs = _segments(path)
            route = self._route(method.upper(), segs)
            self._routes[(method, path)] = (route, segs)
            if len(self._routes) > ROUTES_KEPT:  # paths name people: keep the cache small
                self._routes.clear()
        return route, segs

    @staticmethod
    def _route(method: str, segs: list[str]) -> str | None:
        if segs[:2] == ["api", "v2"] and method == "POST" and len(segs) == 3 and segs[2] in ("entity", "batch"):
            return segs[2]
        if segs[:2] != ["api", "v1"]:
            return None
        rest = segs[2:]
        if method == "POST" and rest in (["events"], ["metrics"], ["merge_customers"]):
            return {"events": "anonymous", "metrics": "metrics", "merge_customers": "merge"}[rest[0]]
        if len(rest) < 2 or rest[0] != "customers":
            return None
        tail = rest[2:]
        if method == "DELETE" and len(tail) == 2 and tail[0] == "devices":
            return "delete_device"
        return _CUSTOMER_ROUTES.get((method, tuple(tail)))

    def _refused(self, exc: InvalidRequest, *, v2: bool = False, merge: bool = False) -> Result:
        body: JSONObject = (
            _v2_error(exc) if v2 else ({"meta": {"error": exc.message}} if merge else _v1_error(exc.message))
        )
        return Result(400, body, [OpRecord(kind=EffectKind.REJECTED, error=exc.message)])

    def _run(self, fn: Callable[..., None], *args: object) -> OpRecord:
        """``fn(*args)``: one operation in one storage transaction; a refusal becomes the record's ``error``."""
        ops = self.ops
        ops.begin()
        try:
            with ops.store.tx():
                fn(*args)
        except InvalidRequest:
            rec = ops.finish()
            rec.kind = EffectKind.REJECTED
            raise
        return ops.finish()

    def _one(self, v2: bool, merge: bool, fn: Callable[..., None], *args: object) -> Result:
        try:
            rec = self._run(fn, *args)
        except InvalidRequest as exc:
            result = self._refused(exc, v2=v2, merge=merge)
            result.records[0].behaviours = list(self.ops.rec.behaviours)
            return result
        return Result(200, {}, [rec])

    def _batch(self, body: object) -> Result:
        ops = body.get("batch") if isinstance(body, dict) else None
        if not isinstance(ops, list) or not ops:
            return self._refused(InvalidRequest("batch must be a non-empty array", "batch"), v2=True)
        errors: JSONArray = []
        records: list[OpRecord] = []
        for index, op in enumerate(ops):
            try:
                if json_exceeds(op, MAX_ENTITY_BYTES):
                    raise InvalidRequest(f"operation is larger than {MAX_ENTITY_BYTES} bytes", reason="too_large")
                records.append(self._run(self._operation, op, MAX_ENTITY_BYTES))
            except InvalidRequest as exc:
                errors.append({"batch_index": index, "reason": exc.reason, "field": exc.field, "message": exc.message})
                records.append(
                    OpRecord(kind=EffectKind.REJECTED, error=exc.message, behaviours=list(self.ops.rec.behaviours))
                )
        for rec in records:
            if "v2_batch" not in rec.behaviours:
                rec.behaviours.append("v2_batch")
        if errors:
            return Result(207, {"errors": errors}, records)
        return Result(200, {}, records)

    # -- Track v1 ------------------------------------------------------------------------------------------
    def _path(self, raw: str) -> Ident:
        s = self.settings()
        self.ops.uses("path_kind")
        try:
            return parse_path(raw, email_is_identifier=s.email_is_identifier)
        except InvalidRequest:
            if raw.startswith("cio_"):
                self.ops.uses("invalid_cio_path")
            raise

    def _v1(self, route: str, segs: list[str], body: object) -> None:
        ops = self.ops
        if route == "anonymous":
            ops.anonymous_event(body if body is not None else {})
            return
        if route == "metrics":
            if not isinstance(body, dict):
                raise InvalidRequest("the request body must be a JSON object")
            data = {k: v for k, v in body.items() if k not in ("delivery_id", "metric", "timestamp")}
            ops.metric(body.get("delivery_id"), body.get("metric"), body.get("timestamp"), data)
            return
        if route == "merge":
            primary, secondary = self._merge_sides(body)
            ops.merge(primary, secondary)
            return
        who = self._path(segs[3])
        body = {} if body is None else body
        if route == "identify":
            ops.identify(who, body)
        elif route == "delete":
            ops.delete(who)
        elif route == "suppress":
            ops.suppress(who)
        elif route == "unsuppress":
            ops.unsuppress(who)
        elif route == "event":
            if not isinstance(body, dict):
                raise InvalidRequest("the request body must be a JSON object")
            type_ = str(body["type"]) if body.get("type") in EVENT_TYPES else "event"
            ops.track_event(
                who, body.get("name"), body.get("data"), type_=type_, ts=body.get("timestamp"), event_id=body.get("id")
            )
        elif route == "add_device":
            ops.add_device(who, body.get("device") if isinstance(body, dict) else None)
        elif route == "delete_device":
            ops.delete_device(who, segs[5])

    def _merge_sides(self, body: object) -> tuple[Ident, Ident]:
        self.ops.uses("merge_body")
        if not isinstance(body, dict):
            raise InvalidRequest("the request body must be a JSON object")
        email_ok = self.settings().email_is_identifier
        return (
            one_identifier(body.get("primary"), "primary", email_is_identifier=email_ok),
            one_identifier(body.get("secondary"), "secondary", email_is_identifier=email_ok),
        )

    # -- Track v2 ------------------------------------------------------------------------------------------
    def _operation(self, op: object, within: int = 0) -> None:
        """One v2 operation (an entity body or one batch item); ``within``: the JSON size it was measured within."""
        ops, s = self.ops, self.settings()
        ops.uses("v2_entity")
        if not isinstance(op, dict):
            raise InvalidRequest("an operation must be a JSON object")
        kind, action = op.get("type"), op.get("action")
        if kind == "object":
            ops.object_op(op)
            return
        if kind == "delivery":
            attrs = object_or_empty(op.get("attributes"))
            delivery = object_or_empty(op.get("identifiers"))  # a malformed one names no delivery: refused
            ops.metric(delivery.get("id"), op.get("name"), op.get("timestamp"), attrs)
            return
        if kind != "person":
            raise InvalidRequest(f"unknown entity type '{kind}'", "type")
        if action == "merge":
            primary, secondary = self._merge_sides(op)
            ops.merge(primary, secondary)
            return
        ids = op.get("identifiers")
        if isinstance(ids, dict) and "phone" in ids:
            ops.uses("phone_identifier")
        who = one_identifier(
            ids,
            "identifiers",
            email_is_identifier=s.email_is_identifier,
            phone_is_identifier=s.phone_identifiers,
            anonymous_ok=True,
        )
        if who.kind == "anonymous_id":
            ops.uses("anonymous_identifier")
        attributes = op.get("attributes") or {}
        if action == "identify":
            if not isinstance(attributes, dict):
                raise InvalidRequest("attributes must be an object", "attributes")
            ops.identify(
                who, attributes, v2=True, timestamp=op.get("timestamp"), relationships=op.get("cio_relationships")
            )
        elif action in EVENT_TYPES:  # the most common (a page view, an event); then the others, in turn
            ops.track_event(
                who, op.get("name"), attributes, type_=action, ts=op.get("timestamp"), event_id=op.get("id"),
                within=within,
            )  # fmt: skip
        elif action in ("delete", "suppress", "unsuppress") and who.kind == "anonymous_id":
            raise InvalidRequest(f"{action} needs an id, email, phone or cio_id", "identifiers")
        elif action == "delete":
            ops.delete(who)
        elif action == "suppress":
            ops.suppress(who)
        elif action == "unsuppress":
            ops.unsuppress(who)
        elif action in CONTENT_ACTIONS:
            name = op.get("name") or action
            ops.track_event(
                who, name, attributes, type_=action, ts=op.get("timestamp"), event_id=op.get("id"), within=within
            )
        elif action == "add_device":
            ops.add_device(who, op.get("device"))
        elif action == "delete_device":
            device = object_or_empty(op.get("device"))
            ops.delete_device(who, str(device.get("token") or device.get("id") or ""))
        elif action in ("add_relationships", "delete_relationships"):
            ops.person_relationships(who, op.get("cio_relationships"), add=action == "add_relationships")
        else:
            raise InvalidRequest(f"unknown action '{action}'", "action")
