"""Track API v1 and v2 routes (Basic auth: site id + Track key), in the documented body shapes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.responses import Response

from cio_tui.sandbox.routing import Ctx, Router, json_response
from cio_tui.sandbox.validation import (
    MAX_BATCH_BYTES,
    MAX_ENTITY_BYTES,
    Ident,
    InvalidRequest,
    one_identifier,
    parse_path,
)


def v1_error(message: str, status: int = 400) -> Response:
    """Track v1 general error shape ``{"meta": {"errors": [...]}}``."""
    return json_response({"meta": {"errors": [message]}}, status)


def merge_error(message: str) -> Response:
    """merge_customers answers ``{"meta": {"error": "..."}}``."""
    return json_response({"meta": {"error": message}}, 400)


def v2_error(exc: InvalidRequest, status: int = 400) -> Response:
    return json_response({"errors": [{"reason": exc.reason, "field": exc.field, "message": exc.message}]}, status)


def _path(ctx: Ctx) -> Ident:
    return parse_path(ctx.params["identifier"], email_is_identifier=ctx.sb.flags().email_is_identifier)


def _ok() -> Response:
    return json_response({})


# -- v1 ---------------------------------------------------------------------------------------------
async def region(ctx: Ctx) -> Response:
    return json_response({"url": ctx.origin, "region": "us", "environment_id": ctx.sb.environment_id})


async def auth_ping(ctx: Ctx) -> Response:
    return _ok()


def _v1(apply: Callable[[Ctx], Awaitable[None]]) -> Callable[[Ctx], Awaitable[Response]]:
    """A v1 customer route: ``apply`` carries the request out; a refusal answers the v1 error shape, success ``{}``."""

    async def handler(ctx: Ctx) -> Response:
        try:
            await apply(ctx)
        except InvalidRequest as exc:
            return v1_error(exc.message)
        return _ok()

    handler.__name__ = apply.__name__
    return handler


@_v1
async def identify(ctx: Ctx) -> None:
    body = await ctx.json(empty={})
    ctx.sb.semantics.identify(_path(ctx), body)


@_v1
async def delete(ctx: Ctx) -> None:
    ctx.sb.semantics.delete(_path(ctx))


@_v1
async def suppress(ctx: Ctx) -> None:
    ctx.sb.semantics.suppress(_path(ctx))


@_v1
async def unsuppress(ctx: Ctx) -> None:
    ctx.sb.semantics.unsuppress(_path(ctx))


@_v1
async def event(ctx: Ctx) -> None:
    body = await ctx.json(empty={})
    if not isinstance(body, dict):
        raise InvalidRequest("the request body must be a JSON object")
    ctx.sb.semantics.track_event(
        _path(ctx),
        body.get("name"),
        body.get("data"),
        type_="page" if body.get("type") == "page" else "event",
        ts=body.get("timestamp"),
    )


@_v1
async def add_device(ctx: Ctx) -> None:
    body = await ctx.json(empty={})
    ctx.sb.semantics.add_device(_path(ctx), (body or {}).get("device") if isinstance(body, dict) else None)


@_v1
async def delete_device(ctx: Ctx) -> None:
    ctx.sb.semantics.delete_device(_path(ctx), ctx.params["device"])


def _merge_sides(body: Any, email_ok: bool) -> tuple[Ident, Ident]:
    if not isinstance(body, dict):
        raise InvalidRequest("the request body must be a JSON object")
    return (
        one_identifier(body.get("primary"), "primary", email_is_identifier=email_ok),
        one_identifier(body.get("secondary"), "secondary", email_is_identifier=email_ok),
    )


async def merge(ctx: Ctx) -> Response:
    try:
        body = await ctx.json(empty={})
        primary, secondary = _merge_sides(body, ctx.sb.flags().email_is_identifier)
    except InvalidRequest as exc:
        return merge_error(exc.message)
    ctx.sb.semantics.merge(primary, secondary)
    return _ok()


# -- v2 ---------------------------------------------------------------------------------------------
def run_operation(ctx: Ctx, op: Any) -> None:
    """One v2 operation; raises InvalidRequest for what the API refuses."""
    sem = ctx.sb.semantics
    email_ok = ctx.sb.flags().email_is_identifier
    if not isinstance(op, dict):
        raise InvalidRequest("an operation must be a JSON object")
    if op.get("type") != "person":
        raise InvalidRequest(f"unsupported entity type '{op.get('type')}' (the sandbox emulates people)", "type")
    action = op.get("action")
    if action == "merge":
        primary, secondary = _merge_sides(op, email_ok)
        sem.merge(primary, secondary)
        return
    who = one_identifier(op.get("identifiers"), "identifiers", email_is_identifier=email_ok)
    attributes = op.get("attributes") or {}
    if action == "identify":
        if not isinstance(attributes, dict):
            raise InvalidRequest("attributes must be an object", "attributes")
        sem.identify(who, attributes)
    elif action == "delete":
        sem.delete(who)
    elif action == "suppress":
        sem.suppress(who)
    elif action == "unsuppress":
        sem.unsuppress(who)
    elif action in ("event", "screen", "page"):
        sem.track_event(who, op.get("name"), attributes, type_=action, ts=op.get("timestamp"))
    elif action == "add_device":
        sem.add_device(who, op.get("device"))
    elif action == "delete_device":
        device = op.get("device") or {}
        sem.delete_device(who, str(device.get("token") or device.get("id") or ""))
    elif action in ("add_relationships", "delete_relationships"):
        return  # accepted, not modelled (no objects in the sandbox)
    else:
        raise InvalidRequest(f"unknown action '{action}'", "action")


async def entity(ctx: Ctx) -> Response:
    raw = await ctx.body_bytes()
    try:
        if len(raw) >= MAX_ENTITY_BYTES:
            raise InvalidRequest(f"the request is larger than {MAX_ENTITY_BYTES} bytes", reason="too_large")
        run_operation(ctx, await ctx.json())
    except InvalidRequest as exc:
        return v2_error(exc)
    return _ok()


async def batch(ctx: Ctx) -> Response:
    import json

    raw = await ctx.body_bytes()
    try:
        if len(raw) >= MAX_BATCH_BYTES:
            raise InvalidRequest(f"the request is larger than {MAX_BATCH_BYTES} bytes", reason="too_large")
        body = await ctx.json()
        ops = body.get("batch") if isinstance(body, dict) else None
        if not isinstance(ops, list) or not ops:
            raise InvalidRequest("batch must be a non-empty array", "batch")
    except InvalidRequest as exc:
        return v2_error(exc)
    errors: list[dict[str, Any]] = []
    for index, op in enumerate(ops):
        try:
            if len(json.dumps(op).encode()) > MAX_ENTITY_BYTES:
                raise InvalidRequest(f"operation is larger than {MAX_ENTITY_BYTES} bytes", reason="too_large")
            run_operation(ctx, op)
        except InvalidRequest as exc:
            errors.append({"batch_index": index, "reason": exc.reason, "field": exc.field, "message": exc.message})
    if errors:
        return json_response({"errors": errors}, 207)
    return _ok()


def register(router: Router) -> None:
    c = "/api/v1/customers/{identifier}"
    router.add("GET", "/api/v1/accounts/region", region)
    router.add("GET", "/auth", auth_ping)
    router.add("POST", "/api/v1/merge_customers", merge)
    router.add("PUT", c, identify)
    router.add("DELETE", c, delete)
    router.add("POST", c + "/suppress", suppress)
    router.add("POST", c + "/unsuppress", unsuppress)
    router.add("POST", c + "/events", event)
    router.add("PUT", c + "/devices", add_device)
    router.add("DELETE", c + "/devices/{device}", delete_device)
    router.add("POST", "/api/v2/entity", entity)
    router.add("POST", "/api/v2/batch", batch)
