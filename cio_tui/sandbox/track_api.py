"""Track API v1 and v2 routes (Basic auth: site id + Track key): the engine (``cio_tui.model.Engine``) behind HTTP.

The region check and the auth ping are the server's own; every other Track request is handed to the engine as
(method, raw path, body bytes) and its answer is sent back as it is.
"""

from __future__ import annotations

from starlette.responses import Response

from cio_tui.sandbox.routing import Ctx, Router, json_response


async def region(ctx: Ctx) -> Response:
    return json_response({"url": ctx.origin, "region": "us", "environment_id": ctx.sb.environment_id})


async def auth_ping(ctx: Ctx) -> Response:
    return json_response({})


async def engine_route(ctx: Ctx) -> Response:
    """Any Track write: the engine answers what Customer.io answers (status and body)."""
    raw_path = ctx.request.scope.get("raw_path") or ctx.request.scope["path"].encode()
    path = raw_path.split(b"?", 1)[0].decode("latin-1")
    body = await ctx.body_bytes()
    with ctx.sb.store.lock:
        result = ctx.sb.visibility.execute(ctx.request.method, path, body)  # applied now, or after the lag
    ctx.sb.after_write()
    return json_response(result.body, result.status)


def register(router: Router) -> None:
    c = "/api/v1/customers/{identifier}"
    router.add("GET", "/api/v1/accounts/region", region)
    router.add("GET", "/auth", auth_ping)
    for method, pattern in (
        ("POST", "/api/v1/merge_customers"),
        ("POST", "/api/v1/events"),
        ("POST", "/api/v1/metrics"),
        ("PUT", c),
        ("DELETE", c),
        ("POST", c + "/suppress"),
        ("POST", c + "/unsuppress"),
        ("POST", c + "/events"),
        ("PUT", c + "/devices"),
        ("DELETE", c + "/devices/{device}"),
        ("POST", "/api/v2/entity"),
        ("POST", "/api/v2/batch"),
    ):
        router.add(method, pattern, engine_route)
