"""The sandbox ASGI app: Track v1, Track v2 and App API on one origin, over one SQLite workspace.

``create_app(db_path, settings)`` builds it; the same app serves in-process (``embedded.py``) and on a loopback
port (``server.py``). Order of checks per request: latency, rate limit (429), auth (401), fault injection, route.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import cast

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cio_tui.model import Engine
from cio_tui.sandbox import app_api, track_api
from cio_tui.sandbox.credentials import APP_KEY, SITE_ID, TRACK_KEY
from cio_tui.sandbox.faults import DroppedConnection, Fault, FaultInjector
from cio_tui.sandbox.limits import RateLimits, retry_after_header
from cio_tui.sandbox.routing import Ctx, Router, json_response, raw_segments
from cio_tui.sandbox.segment_app import segment_mount
from cio_tui.sandbox.settings import SandboxSettings, WorkspaceFlags
from cio_tui.sandbox.store import Store
from cio_tui.sandbox.visibility import VisibilityLag

ENVIRONMENT_ID = 90210
FLAG_KEYS = ("mode", "auto_merge", "email_update_by_id", "phone_identifiers", "anonymous_merge", "ignore_older_updates")


class Sandbox:
    """Runtime state of one served workspace: store, engine, limits and faults."""

    def __init__(self, db_path: str | Path, settings: SandboxSettings) -> None:
        self.settings = settings
        self.store = Store(db_path)
        self.clock = settings.clock
        with self.store.tx():
            for key in FLAG_KEYS:
                value = getattr(settings, key)
                if value is not None:
                    self.store.set_meta(key, int(value) if isinstance(value, bool) else value)
        self._flags = self._read_flags()
        self.engine = Engine(self.store, self.flags, self.clock)
        self.limits = RateLimits(settings.track_rps, settings.app_rps)
        self.faults = FaultInjector(settings.fault_rate, settings.fault_seed)
        self.visibility = VisibilityLag(self.store, self.engine, settings.visibility_lag)
        self.environment_id = int(self.store.get_meta("environment_id", str(ENVIRONMENT_ID)) or ENVIRONMENT_ID)
        self.workspace_name = self.store.get_meta("workspace_name") or settings.workspace_name
        self.router = Router()
        track_api.register(self.router)
        app_api.register(self.router)

    def _read_flags(self) -> WorkspaceFlags:
        get = self.store.get_meta
        defaults = WorkspaceFlags()
        on = {k: get(k, "1" if getattr(defaults, k) else "0") == "1" for k in FLAG_KEYS if k != "mode"}
        return WorkspaceFlags(mode="id_only" if get("mode") == "id_only" else "email_or_id", **on)

    def after_write(self) -> None:
        """A hook run after every Track write (a fault such as a visibility lag can attach here)."""

    def flags(self) -> WorkspaceFlags:
        return self._flags

    def reload_flags(self) -> None:
        self._flags = self._read_flags()


def api_of(path: str) -> str | None:
    if path.startswith("/api/") or path == "/auth":
        return "track"
    if path.startswith("/v1/"):
        return "app"
    return None


def _too_many(api: str, wait: float, rps: float) -> Response:
    headers = {"Retry-After": retry_after_header(wait)}
    if api == "app":
        detail = f"rate limited to {rps:g} requests per 1s"
        return json_response({"errors": [{"detail": detail, "status": "429"}]}, 429, headers)
    return json_response({"meta": {"error": "rate limited"}}, 429, headers)


def _unauthorized(api: str) -> Response:
    if api == "app":
        return json_response({"errors": [{"detail": "unauthorized", "status": "401"}]}, 401)
    return json_response({"meta": {"error": "Unauthorized request"}}, 401)


def authorized(api: str, header: str | None) -> bool:
    if not header:
        return False
    if api == "app":
        return header == f"Bearer {APP_KEY}"
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        site, _, key = base64.b64decode(token.strip() + "==", altchars=b"-_").decode().partition(":")
    except ValueError:
        return False
    return site == SITE_ID and key == TRACK_KEY


def _fault_response(api: str, fault: Fault) -> Response:
    if fault.kind == "429":
        return _too_many(api, 1.0, 0)
    if api == "app":
        body = {"errors": [{"detail": "internal server error", "status": fault.kind}]}
        return json_response(body, fault.status or 500)
    return json_response({"meta": {"error": "internal server error"}}, fault.status or 500)


class Gate:
    """ASGI middleware: latency, rate limits, auth and fault injection in front of the routes."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox) -> None:
        self.app = app
        self.sb = sandbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = api_of(scope["path"])
        settings = self.sb.settings
        self.sb.visibility.flush_due()  # writes whose lag is over are visible to this request
        if api is not None and settings.latency_ms > 0:
            await asyncio.sleep(settings.latency_ms / 1000)
        if api is not None:
            wait = self.sb.limits.check(api)
            if wait > 0:
                rps = settings.app_rps if api == "app" else settings.track_rps
                await _too_many(api, wait, rps)(scope, receive, send)
                return
            headers = dict(scope.get("headers") or [])
            auth = headers.get(b"authorization")
            if not authorized(api, auth.decode("latin-1") if auth else None):
                await _unauthorized(api)(scope, receive, send)
                return
            fault = self.sb.faults.draw(is_write=scope["method"] != "GET") if self.sb.faults.enabled else None
            if fault is not None:
                await self._fail(scope, receive, send, api, fault)
                return
        await self.app(scope, receive, send)

    async def _fail(self, scope: Scope, receive: Receive, send: Send, api: str, fault: Fault) -> None:
        if fault.applied:

            async def swallow(message: Message) -> None:
                return None

            await self.app(scope, receive, swallow)
        else:  # read the request first: closing on unread data would reset the connection instead of ending it
            while (await receive()).get("more_body"):
                pass
        if fault.kind == "drop":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"64")],
                }
            )
            raise DroppedConnection(f"sandbox fault #{fault.number}: connection dropped")
        await _fault_response(api, fault)(scope, receive, send)


def create_app(db_path: str | Path, settings: SandboxSettings | None = None) -> Starlette:
    sandbox = Sandbox(db_path, settings or SandboxSettings())

    async def dispatch(request: Request) -> Response:
        segments = raw_segments(request)
        api = api_of(request.scope["path"])
        found = sandbox.router.match(request.method, segments)
        if not isinstance(found, tuple):
            status = 405 if found is False else 404
            detail = "method not allowed" if status == 405 else "resource not found"
            if api == "track":
                return json_response({"meta": {"error": detail}}, status)
            return json_response({"errors": [{"detail": detail, "status": str(status)}]}, status)
        handler, params = found
        try:
            return await handler(Ctx(request, sandbox, params))
        except ClientDisconnect:  # the client went away mid-request (killed, timed out): nothing to answer
            return Response(status_code=499)

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]
    app = Starlette(
        # Segment: its own module, under /segment
        routes=[segment_mount(db_path, sandbox.clock), Route("/{path:path}", dispatch, methods=methods)],
        middleware=[Middleware(Gate, sandbox=sandbox)],
    )
    app.state.sandbox = sandbox  # app.state.segment is made with the Segment routes, on their first request
    return app


def sandbox_of(app: object) -> Sandbox:
    """The ``Sandbox`` behind an app ``create_app`` made (servers and transports hold it as a plain ASGI app)."""
    if not isinstance(app, Starlette):
        raise TypeError(f"not a sandbox app: {type(app).__name__}")
    return cast("Sandbox", app.state.sandbox)
