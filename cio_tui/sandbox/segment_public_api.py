"""The emulated Segment Public API, mounted at ``/segment`` on the sandbox origin.

Answers have Segment's shapes (``{"data": {...}}``, cursor pagination, ``{"errors": [{"type", "message"}]}``) and
check the media-type version an endpoint exists at. Behaviour and its sources: docs/sandbox-segment-fidelity.md.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cio_tui.sandbox.segment_catalog import CATALOG, slug_of_action
from cio_tui.sandbox.segment_state import TOKEN, TOKEN_NO_PUBLIC_API, TOKEN_NO_SUBSCRIPTIONS, SegmentState, iso
from cio_tui.segment_api.models import ACTIONS_METADATA_ID, EU_REGION, US_REGION
from cio_tui.segment_api.versions import version_for

FILTER_ACTIONS = {"drop", "drop_properties", "allow_properties", "sample"}


class ApiRefusal(Exception):  # an answer of the emulated API, not an error of cio-tui
    def __init__(self, status: int, message: str, type_: str = "validation", field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.field = status, message, type_, field

    def response(self) -> Response:
        err: dict[str, Any] = {"type": self.type, "message": self.message, "status": self.status}
        if self.field:
            err["field"] = self.field
        return JSONResponse({"errors": [err]}, status_code=self.status)


def _state(request: Request) -> SegmentState:
    return cast("SegmentState", request.app.state.segment)


def ok(data: dict[str, Any], status: int = 200) -> Response:
    return JSONResponse({"data": data}, status_code=status)


def _check_access(request: Request, path: str) -> None:
    auth = request.headers.get("authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    if token not in (TOKEN, TOKEN_NO_PUBLIC_API, TOKEN_NO_SUBSCRIPTIONS):
        raise ApiRefusal(401, "Unauthorized: the token is invalid or was revoked", "unauthorized")
    if token == TOKEN_NO_PUBLIC_API:
        raise ApiRefusal(403, "Forbidden: the Public API is not available on this workspace's plan", "forbidden")
    if token == TOKEN_NO_SUBSCRIPTIONS and "/subscriptions" in path:
        raise ApiRefusal(403, "Forbidden: destination subscriptions are not enabled for this workspace", "forbidden")
    wanted = version_for(path)
    accept = request.headers.get("accept", "")
    if "vnd.segment." in accept and f"vnd.segment.{wanted}+json" not in accept:
        raise ApiRefusal(415, f"this endpoint is available as application/vnd.segment.{wanted}+json", "unsupported")


def _page(request: Request, items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    try:
        count = int(request.query_params.get("pagination.count") or 200)
        start = int(request.query_params.get("pagination.cursor") or 0)
    except ValueError:
        raise ApiRefusal(
            400, "pagination.count must be a number and pagination.cursor one this API returned", field="pagination"
        ) from None
    if not 1 <= count <= 1000:
        raise ApiRefusal(400, "pagination.count must be between 1 and 1000", field="pagination.count")
    chunk = items[start : start + count]
    nxt = start + count if start + count < len(items) else None
    return {
        key: chunk,
        "pagination": {
            "current": str(start),
            "next": None if nxt is None else str(nxt),
            "previous": str(max(0, start - count)) if start else None,
            "totalEntries": len(items),
        },
    }


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise ApiRefusal(400, "the request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiRefusal(400, "the request body must be a JSON object")
    return body


def destination_view(doc: dict[str, Any], d: dict[str, Any]) -> dict[str, Any]:
    meta = CATALOG[d["metadataId"]]()
    return {
        "id": d["id"],
        "name": d.get("name"),
        "enabled": d["enabled"],
        "sourceId": d["sourceId"],
        "settings": d.get("settings") or {},
        "metadata": {k: meta[k] for k in ("id", "name", "slug", "description")},
    }


def find(items: list[dict[str, Any]], id_: str, what: str) -> dict[str, Any]:
    for item in items:
        if item["id"] == id_:
            return item
    raise ApiRefusal(404, f"{what} not found", "not-found")


def _check_settings(metadata_id: str, settings: object) -> None:
    if not isinstance(settings, dict):
        raise ApiRefusal(400, "settings must be an object", field="settings")
    if metadata_id == ACTIONS_METADATA_ID:
        for key in ("siteId", "apiKey"):
            if key in settings and not (isinstance(settings[key], str) and settings[key]):
                raise ApiRefusal(400, f"setting {key} is required", field=f"settings.{key}")
        region = settings.get("accountRegion")
        if region is not None and region not in (US_REGION, EU_REGION):
            raise ApiRefusal(
                400, f"accountRegion must be one of {US_REGION!r}, {EU_REGION!r}", field="settings.accountRegion"
            )


def _check_fql(text: object, field: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ApiRefusal(400, f"{field} must be an FQL statement", field=field)
    from cio_tui.segment.fql import FqlError, compile_trigger

    try:
        if text.strip() != "all":
            compile_trigger(text)
    except FqlError as exc:
        raise ApiRefusal(400, f"{field} is not valid FQL: {exc}", field=field) from None
    return text


def _check_filter_actions(actions: object) -> list[dict[str, Any]]:
    if not isinstance(actions, list) or not actions:
        raise ApiRefusal(400, "actions must be a non-empty list", field="actions")
    for a in actions:
        if not isinstance(a, dict) or a.get("type") not in FILTER_ACTIONS:
            raise ApiRefusal(400, "each action's type is one of " + ", ".join(sorted(FILTER_ACTIONS)), field="actions")
    return actions


# -- handlers ---------------------------------------------------------------------------------------------------
async def list_sources(request: Request) -> Response:
    return ok(_page(request, _state(request).read()["sources"], "sources"))


async def get_source(request: Request) -> Response:
    doc = _state(request).read()
    return ok({"source": find(doc["sources"], request.path_params["id"], "source"), "trackingPlanId": None})


async def connected_destinations(request: Request) -> Response:
    doc = _state(request).read()
    find(doc["sources"], request.path_params["id"], "source")
    items = [destination_view(doc, d) for d in doc["destinations"] if d["sourceId"] == request.path_params["id"]]
    return ok(_page(request, items, "destinations"))


async def list_destinations(request: Request) -> Response:
    doc = _state(request).read()
    return ok(_page(request, [destination_view(doc, d) for d in doc["destinations"]], "destinations"))


async def get_destination(request: Request) -> Response:
    doc = _state(request).read()
    d = find(doc["destinations"], request.path_params["id"], "destination")
    return ok({"destination": destination_view(doc, d)})


async def create_destination(request: Request) -> Response:
    body = await _body(request)
    with _state(request).edit() as doc:
        find(doc["sources"], str(body.get("sourceId") or ""), "source")
        metadata_id = str(body.get("metadataId") or "")
        if metadata_id not in CATALOG:
            raise ApiRefusal(400, "metadataId is not a destination in the catalog", field="metadataId")
        _check_settings(metadata_id, body.get("settings"))
        d = {
            "id": SegmentState.new_id(doc, "dst"),
            "name": body.get("name"),
            "enabled": bool(body.get("enabled")),
            "sourceId": body["sourceId"],
            "metadataId": metadata_id,
            "settings": body["settings"],
        }
        doc["destinations"].append(d)
        return ok({"destination": destination_view(doc, d)})


async def update_destination(request: Request) -> Response:
    body = await _body(request)
    with _state(request).edit() as doc:
        d = find(doc["destinations"], request.path_params["id"], "destination")
        if "settings" in body:
            _check_settings(d["metadataId"], body["settings"])
            d["settings"] = {**(d.get("settings") or {}), **body["settings"]}
        if "enabled" in body:
            if not isinstance(body["enabled"], bool):
                raise ApiRefusal(400, "enabled must be true or false", field="enabled")
            d["enabled"] = body["enabled"]
        if "name" in body:
            d["name"] = body["name"]
        return ok({"destination": destination_view(doc, d)})


def _actions_destination(doc: dict[str, Any], id_: str) -> dict[str, Any]:
    d = find(doc["destinations"], id_, "destination")
    if d["metadataId"] != ACTIONS_METADATA_ID:
        raise ApiRefusal(400, "this destination is not an Actions destination: it has no subscriptions")
    return d


def _subscription_view(s: dict[str, Any]) -> dict[str, Any]:
    return {**s, "actionSlug": slug_of_action(s["actionId"]) or ""}


async def list_subscriptions(request: Request) -> Response:
    doc = _state(request).read()
    d = _actions_destination(doc, request.path_params["id"])
    items = [_subscription_view(s) for s in doc["subscriptions"] if s["destinationId"] == d["id"]]
    return ok(_page(request, items, "subscriptions"))


async def create_subscription(request: Request) -> Response:
    body = await _body(request)
    with _state(request).edit() as doc:
        d = _actions_destination(doc, request.path_params["id"])
        if slug_of_action(str(body.get("actionId") or "")) is None:
            raise ApiRefusal(400, "actionId is not an action of this destination", field="actionId")
        if not isinstance(body.get("name"), str) or not body["name"]:
            raise ApiRefusal(400, "name is required", field="name")
        s = {
            "id": SegmentState.new_id(doc, "sub"),
            "name": body["name"],
            "actionId": body["actionId"],
            "destinationId": d["id"],
            "enabled": bool(body.get("enabled")),
            "trigger": _check_fql(body.get("trigger"), "trigger"),
            "settings": body.get("settings") or {},
        }
        doc["subscriptions"].append(s)
        return ok({"destinationSubscription": _subscription_view(s)})


async def update_subscription(request: Request) -> Response:
    body = (await _body(request)).get("input")
    if not isinstance(body, dict):
        raise ApiRefusal(400, 'the body is {"input": {...}}', field="input")
    with _state(request).edit() as doc:
        _actions_destination(doc, request.path_params["id"])
        s = find(doc["subscriptions"], request.path_params["sub"], "subscription")
        for key in ("name", "enabled", "settings"):
            if key in body:
                s[key] = body[key]
        if "trigger" in body:
            s["trigger"] = _check_fql(body["trigger"], "trigger")
        return ok({"subscription": _subscription_view(s)})


async def list_filters(request: Request) -> Response:
    doc = _state(request).read()
    d = find(doc["destinations"], request.path_params["id"], "destination")
    return ok(_page(request, [f for f in doc["filters"] if f["destinationId"] == d["id"]], "filters"))


async def create_filter(request: Request) -> Response:
    body = await _body(request)
    with _state(request).edit() as doc:
        d = find(doc["destinations"], request.path_params["id"], "destination")
        if body.get("sourceId") != d["sourceId"]:
            raise ApiRefusal(400, "sourceId must be the destination's source", field="sourceId")
        at = iso(_state(request).clock())
        f = {
            "id": SegmentState.new_id(doc, "flt"),
            "sourceId": d["sourceId"],
            "destinationId": d["id"],
            "if": _check_fql(body.get("if"), "if"),
            "actions": _check_filter_actions(body.get("actions")),
            "title": str(body.get("title") or ""),
            "description": body.get("description"),
            "enabled": bool(body.get("enabled")),
            "createdAt": at,
            "updatedAt": at,
        }
        if not f["title"]:
            raise ApiRefusal(400, "title is required", field="title")
        doc["filters"].append(f)
        return ok({"filter": f})


async def update_filter(request: Request) -> Response:
    body = await _body(request)
    with _state(request).edit() as doc:
        f = find(
            [x for x in doc["filters"] if x["destinationId"] == request.path_params["id"]],
            request.path_params["flt"],
            "filter",
        )
        if "if" in body:
            f["if"] = _check_fql(body["if"], "if")
        if "actions" in body:
            f["actions"] = _check_filter_actions(body["actions"])
        for key in ("title", "description", "enabled"):
            if key in body:
                f[key] = body[key]
        f["updatedAt"] = iso(_state(request).clock())
        return ok({"filter": f})


async def remove_filter(request: Request) -> Response:
    with _state(request).edit() as doc:
        f = find(
            [x for x in doc["filters"] if x["destinationId"] == request.path_params["id"]],
            request.path_params["flt"],
            "filter",
        )
        doc["filters"].remove(f)
        return ok({"status": "SUCCESS"})


async def preview_filter(request: Request) -> Response:
    from cio_tui.sandbox.segment_delivery import apply_filters

    body = await _body(request)
    flt, payload = body.get("filter"), body.get("payload")
    if not isinstance(flt, dict) or not isinstance(payload, dict):
        raise ApiRefusal(400, 'the body is {"filter": {"if", "actions"}, "payload": {...}}')
    _check_fql(flt.get("if"), "filter.if")
    actions = _check_filter_actions(flt.get("actions"))
    result = apply_filters([{"if": flt["if"], "actions": actions, "enabled": True}], payload)
    return ok({"inputPayload": payload, "result": result})


async def destination_metadata(request: Request) -> Response:
    make = CATALOG.get(request.path_params["id"])
    if make is None:
        raise ApiRefusal(404, "destination metadata not found", "not-found")
    return ok({"destinationMetadata": make()})


Handler = Callable[[Request], Awaitable[Response]]


def _wrap(handler: Handler) -> Handler:
    async def run(request: Request) -> Response:
        try:
            _check_access(request, request.url.path.removeprefix("/segment"))
            return await handler(request)
        except ApiRefusal as exc:
            return exc.response()

    return run


def routes() -> list[Route]:
    from cio_tui.sandbox.segment_delivery import delivery_metrics, delivery_overview

    table: list[tuple[str, str, Handler]] = [
        ("/sources", "GET", list_sources),
        ("/sources/{id}", "GET", get_source),
        ("/sources/{id}/connected-destinations", "GET", connected_destinations),
        ("/destinations", "GET", list_destinations),
        ("/destinations", "POST", create_destination),
        ("/destinations/{id}", "GET", get_destination),
        ("/destinations/{id}", "PATCH", update_destination),
        ("/destinations/{id}/subscriptions", "GET", list_subscriptions),
        ("/destinations/{id}/subscriptions", "POST", create_subscription),
        ("/destinations/{id}/subscriptions/{sub}", "PATCH", update_subscription),
        ("/destinations/{id}/delivery-metrics", "GET", delivery_metrics),
        ("/destination/filters/preview", "POST", preview_filter),
        ("/destination/{id}/filters", "GET", list_filters),
        ("/destination/{id}/filters", "POST", create_filter),
        ("/destination/{id}/filters/{flt}", "PATCH", update_filter),
        ("/destination/{id}/filters/{flt}", "DELETE", remove_filter),
        ("/catalog/destinations/{id}", "GET", destination_metadata),
        ("/delivery-overview/{metric}", "GET", delivery_overview),
    ]
    return [Route(path, _wrap(handler), methods=[method]) for path, method, handler in table]


__all__ = ["ApiRefusal", "destination_view", "find", "ok", "routes"]
