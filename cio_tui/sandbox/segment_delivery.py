"""The emulated source: Segment's tracking API shape in, delivery through every enabled Customer.io destination.

``POST /segment/tracking/v1/{identify,track,page,screen,group,alias,batch}`` (Basic auth with the source's write key,
as https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/ describes). Each message gets
``messageId``/``receivedAt``/``timestamp`` filled as Segment does, then for each enabled destination connected to the
source: its enabled destination filters run first (``drop``, ``drop_properties``, ``allow_properties``), then
- a classic destination sends what ``segment.classic.classic_for`` models (Track v1);
- an Actions destination sends what ``segment.actions.actions_for`` models for its enabled subscriptions (their
  FQL triggers and mapping-kit settings, as the preview reads them), one request per subscription that fires;
into the sandbox's Customer.io workspace, over the sandbox's own HTTP surface with the destination's site id and API
key. Every outcome is counted for the emulated delivery overview.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from datetime import datetime
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cio_tui.sandbox.segment_catalog import slug_of_action
from cio_tui.sandbox.segment_public_api import ApiRefusal, find, ok
from cio_tui.sandbox.segment_state import SegmentState, iso
from cio_tui.segment.actions import actions_for
from cio_tui.segment.classic import ClassicSettings, classic_for
from cio_tui.segment.fql import FqlError, compile_trigger
from cio_tui.segment.models import MessageError, SegmentCall, call_from_message
from cio_tui.segment.subscriptions import SubscriptionsError, load_subscriptions
from cio_tui.segment_api.models import ACTIONS_METADATA_ID, CLASSIC_METADATA_ID

CALL_TYPES = ("identify", "track", "page", "screen", "group", "alias")
INTERNAL_ORIGIN = "http://sandbox.cio-tui.local"
METRICS = (
    "successfully-received",
    "successful-delivery",
    "failed-delivery",
    "filtered-at-destination",
    "filtered-at-source",
    "failed-on-ingest",
)


# -- destination filters ----------------------------------------------------------------------------------------
def condition_matches(condition: str, message: dict[str, Any]) -> bool:
    """A filter's FQL ``if`` (``all`` matches everything). Raises ``FqlError`` when it does not parse."""
    if condition.strip() == "all":
        return True
    return compile_trigger(condition)(message)


def _drop_fields(payload: dict[str, Any], fields: dict[str, Any], *, keep: bool) -> None:
    for where, names in (fields or {}).items():
        target = payload if where == "" else payload.get(where)
        if not isinstance(target, dict) or not isinstance(names, list):
            continue
        for key in list(target):
            if (key in names) != keep:
                del target[key]


def apply_filters(filters: list[dict[str, Any]], payload: dict[str, Any]) -> dict[str, Any] | None:
    """The payload after the enabled filters (None when one drops it). A condition the emulator cannot read
    matches nothing."""
    out = copy.deepcopy(payload)
    for f in filters:
        if not f.get("enabled"):
            continue
        try:
            hit = condition_matches(f["if"], out)
        except FqlError:
            continue
        if not hit:
            continue
        for action in f.get("actions") or []:
            kind = action.get("type")
            if kind == "drop":
                return None
            if kind in ("drop_properties", "allow_properties"):
                _drop_fields(out, action.get("fields") or {}, keep=kind == "allow_properties")
    return out


# -- delivery ---------------------------------------------------------------------------------------------------
def _auth(settings: dict[str, Any]) -> str:
    raw = f"{settings.get('siteId') or ''}:{settings.get('apiKey') or ''}".encode()
    return "Basic " + base64.b64encode(raw).decode()


async def _send(http: httpx.AsyncClient, settings: dict[str, Any], method: str, path: str, body: object) -> bool:
    for _ in range(3):  # Segment retries 429 and 5xx answers
        resp = await http.request(method, path, json=body, headers={"Authorization": _auth(settings)})
        if resp.status_code < 300:
            return True
        if resp.status_code != 429 and resp.status_code < 500:
            return False
    return False


def _record(
    doc: dict[str, Any],
    at: str,
    metric: str,
    message: dict[str, Any],
    source_id: str,
    destination_id: str | None,
    subscription_id: str | None = None,
    reason: str | None = None,
) -> None:
    doc["deliveries"].append(
        {
            "at": at,
            "metric": metric,
            "sourceId": source_id,
            "destinationId": destination_id,
            "subscriptionId": subscription_id,
            "eventType": message.get("type"),
            "eventName": message.get("event"),
            "messageId": message.get("messageId"),
            "reason": reason,
        }
    )


async def _deliver_one(
    http: httpx.AsyncClient, doc: dict[str, Any], dest: dict[str, Any], message: dict[str, Any], at: str
) -> None:
    filters = [f for f in doc["filters"] if f["destinationId"] == dest["id"]]
    payload = apply_filters(filters, message)
    if payload is None:
        _record(doc, at, "filtered-at-destination", message, dest["sourceId"], dest["id"], reason="filter")
        return
    call: SegmentCall = call_from_message(payload)
    settings = dest.get("settings") or {}
    if dest["metadataId"] == CLASSIC_METADATA_ID:
        classic = classic_for(
            call, ClassicSettings(convert_to_unix_time=settings.get("convertToUnixTime", True) is not False)
        )
        if classic.dropped or not classic.requests:
            _record(
                doc,
                at,
                "filtered-at-destination",
                message,
                dest["sourceId"],
                dest["id"],
                reason="unsupported by the destination",
            )
            return
        sent = [await _send(http, settings, r.method, r.path, r.body) for r in classic.requests]
        _record(
            doc, at, "successful-delivery" if all(sent) else "failed-delivery", message, dest["sourceId"], dest["id"]
        )
        return
    subs = [
        {**s, "actionSlug": slug_of_action(s["actionId"]) or ""}
        for s in doc["subscriptions"]
        if s["destinationId"] == dest["id"] and s.get("enabled")
    ]
    try:
        subscriptions = load_subscriptions(subs)
    except SubscriptionsError as exc:
        _record(doc, at, "failed-delivery", message, dest["sourceId"], dest["id"], reason=str(exc))
        return
    result = actions_for(call, subscriptions=subscriptions)
    ids = {s["name"]: s["id"] for s in subs}
    for name in result.fired:
        failed = [e.message for e in result.errors if e.subscription == name]
        requests = [r for r in result.requests if r.subscription == name]
        sent = [await _send(http, settings, r.method, r.path, r.body) for r in requests] if not failed else []
        ok_ = bool(requests) and all(sent) and not failed
        _record(
            doc,
            at,
            "successful-delivery" if ok_ else "failed-delivery",
            message,
            dest["sourceId"],
            dest["id"],
            ids.get(name),
            reason=None if ok_ else "; ".join(failed) or "refused by Customer.io",
        )


def _complete(message: dict[str, Any], kind: str, at: str) -> dict[str, Any]:
    out = dict(message)
    out["type"] = out.get("type") or kind
    out.setdefault("messageId", f"sbx-{uuid.uuid4()}")
    out["receivedAt"] = at
    out.setdefault("timestamp", out.get("originalTimestamp") or at)
    out.setdefault("sentAt", at)
    return out


def _write_key(request: Request, body: dict[str, Any]) -> str:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            return base64.b64decode(auth[6:].strip()).decode().split(":", 1)[0]
        except ValueError:
            return ""
    return str(body.get("writeKey") or "")


async def track_api(request: Request) -> Response:
    kind = request.path_params["kind"]
    if kind not in (*CALL_TYPES, "batch"):
        return JSONResponse({"success": False, "message": f"unknown call type {kind}"}, status_code=404)
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return JSONResponse({"success": False, "message": "invalid JSON"}, status_code=400)
    if not isinstance(body, dict):
        return JSONResponse({"success": False, "message": "the body must be a JSON object"}, status_code=400)
    state: SegmentState = request.app.state.segment
    key = _write_key(request, body)
    messages = body.get("batch") if kind == "batch" else [body]
    if not isinstance(messages, list):
        return JSONResponse({"success": False, "message": "batch must be a list"}, status_code=400)
    at = iso(state.clock())
    # The configuration is read under the lock, the deliveries are sent without it (another request may be served
    # meanwhile: holding a thread lock across awaits would stall the event loop) and their counts written after.
    doc = {**state.read()}
    doc["deliveries"] = []
    source = next((s for s in doc["sources"] if key and key in (s.get("writeKeys") or [])), None)
    if source is None:
        return JSONResponse({"success": False, "message": "invalid write key"}, status_code=401)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=request.app), base_url=INTERNAL_ORIGIN) as http:
        for raw in messages:
            message = _complete(raw if isinstance(raw, dict) else {}, kind if kind != "batch" else "", at)
            try:
                call_from_message(message)
            except MessageError as exc:
                _record(doc, at, "failed-on-ingest", message, source["id"], None, reason=str(exc))
                continue
            _record(doc, at, "successfully-received", message, source["id"], None)
            for dest in doc["destinations"]:
                if (
                    dest["sourceId"] == source["id"]
                    and dest["enabled"]
                    and dest["metadataId"] in (CLASSIC_METADATA_ID, ACTIONS_METADATA_ID)
                ):
                    await _deliver_one(http, doc, dest, message, at)
    with state.edit() as saved:
        saved["deliveries"].extend(doc["deliveries"])
    return JSONResponse({"success": True})


# -- delivery overview ------------------------------------------------------------------------------------------
def _when(value: str | None, name: str) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ApiRefusal(400, f"{name} must be an ISO-8601 timestamp", field=name) from None


async def delivery_overview(request: Request) -> Response:
    metric = request.path_params["metric"]
    if metric not in METRICS:
        raise ApiRefusal(404, "unknown delivery overview step", "not-found")
    q = request.query_params
    source_id = q.get("sourceId") or ""
    dest_id = q.get("destinationConfigId")
    if not source_id or (
        metric not in ("successfully-received", "failed-on-ingest", "filtered-at-source") and not dest_id
    ):
        raise ApiRefusal(400, "sourceId and destinationConfigId are required", field="destinationConfigId")
    start, end = _when(q.get("startTime"), "startTime"), _when(q.get("endTime"), "endTime")
    try:
        flt = json.loads(q.get("filter") or "{}")
    except ValueError:
        raise ApiRefusal(400, "filter must be a JSON object", field="filter") from None
    subs = set(flt.get("subscriptionId") or []) if isinstance(flt, dict) else set()
    doc = request.app.state.segment.read()
    rows = [
        r
        for r in doc["deliveries"]
        if r["metric"] == metric
        and r["sourceId"] == source_id
        and (dest_id is None or r["destinationId"] == dest_id or metric == "successfully-received")
        and start <= _when(r["at"], "at") < end
        and (not subs or r["subscriptionId"] in subs)
    ]
    total = len(rows)
    series = [{"time": iso(start), "count": total}]
    return ok(
        {
            "total": total,
            "dataset": [{"total": total, "series": series}] if total else [],
            "pagination": {"current": "0", "next": None, "previous": None, "totalEntries": 1 if total else 0},
        }
    )


async def delivery_metrics(request: Request) -> Response:
    doc = request.app.state.segment.read()
    dest = find(doc["destinations"], request.path_params["id"], "destination")
    rows = [r for r in doc["deliveries"] if r["destinationId"] == dest["id"]]
    names = {"successful-delivery": "successes", "failed-delivery": "failures", "filtered-at-destination": "filtered"}
    metrics = [
        {"metricName": label, "total": sum(1 for r in rows if r["metric"] == metric), "breakdown": []}
        for metric, label in names.items()
    ]
    return ok(
        {
            "deliveryMetricsSummary": {
                "sourceId": dest["sourceId"],
                "destinationMetadataId": dest["metadataId"],
                "metrics": metrics,
            }
        }
    )


def tracking_routes() -> list[Route]:
    return [Route("/tracking/v1/{kind}", track_api, methods=["POST"])]


__all__ = ["apply_filters", "delivery_metrics", "delivery_overview", "tracking_routes"]
