"""Async client for the Customer.io Track (v1, v2) and App APIs.

CONTRACT (other layers code against these signatures; keep them stable, extend freely). The operations live in
``track.py`` (Track v1/v2) and ``app.py`` (App API); transport, retries and errors in ``http.py``; rate limits in
``ratelimit.py``; response parsing in ``parse.py``.
- ``CustomerIOClient(endpoints, site_id, track_key, app_key, *, transport=None, track_rps=100, app_rps=10, ...)``
  One ``httpx.AsyncClient`` per API, created once, closed by ``aclose()`` (or ``async with``).
- Writes raise ``UncertainWriteError`` when the outcome is unknown (never resent blindly).
- Reads retry 408/429/5xx/timeouts (bounded), honouring ``Retry-After``.
- 3xx -> ``RegionError`` naming the right region. Errors never contain keys or payloads.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any, TypedDict

import httpx
from pydantic import SecretStr

from cio_tui.customerio.app import AppMixin
from cio_tui.customerio.contract import WireRequest
from cio_tui.customerio.errors import InvalidInputError
from cio_tui.customerio.http import ApiHttp
from cio_tui.customerio.identifiers import Identifier, IdKind
from cio_tui.customerio.ratelimit import TokenBucket
from cio_tui.customerio.track import TrackMixin
from cio_tui.redaction import register_secret
from cio_tui.regions import default_origins


class ClientOptions(TypedDict, total=False):
    """``CustomerIOClient``'s injectable timing keywords, as ``build_client`` / ``open_workspace`` pass them on."""

    sleep: Callable[[float], Awaitable[None]]
    clock: Callable[[], float]
    rng: random.Random | None


class CustomerIOClient(TrackMixin, AppMixin):
    """Both APIs of one workspace. Build once, share, ``await aclose()`` (or ``async with``) at the end.

    ``transport`` (e.g. ``httpx.MockTransport`` or the sandbox's ``ASGITransport``) is used by both APIs.
    ``sleep``/``clock``/``rng`` are for tests (rate limiter and back-off without real waiting).
    """

    def __init__(
        self,
        *,
        track_origin: str,
        app_origin: str,
        site_id: str,
        track_key: SecretStr,
        app_key: SecretStr,
        transport: httpx.AsyncBaseTransport | None = None,
        track_rps: float = 100.0,
        app_rps: float = 10.0,
        timeout: float = 15.0,
        max_retries: int = 4,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        for key in (track_key, app_key):
            if not isinstance(key, SecretStr):
                raise TypeError("API keys are passed as SecretStr")
            register_secret(key)
        register_secret(track_key, basic_user=site_id)  # the Basic header's base64 of site_id:key, too
        self.site_id = site_id
        self.track_origin = track_origin.rstrip("/")
        self.app_origin = app_origin.rstrip("/")
        self._transport = transport
        common: dict[str, Any] = {
            "secrets": [track_key, app_key],
            "transport": transport,
            "timeout": timeout,
            "max_retries": max_retries,
            "sleep": sleep,
            "clock": clock,
            "rng": rng,
        }
        self._track = ApiHttp(
            "track",
            self.track_origin,
            httpx.BasicAuth(site_id, track_key.get_secret_value()),
            rps=track_rps,
            **common,
        )
        self._app = ApiHttp("app", self.app_origin, _BearerAuth(app_key), rps=app_rps, **common)

    async def send_planned(
        self,
        request: WireRequest,
        *,
        label: str = "planned write",
        gate: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        """Send exactly ``request`` (a write: never resent when its outcome is unknown). The apply engine's one call:
        what the review showed and the journal recorded is what goes on the wire, byte for byte."""
        http = {"track": self._track, "app": self._app}.get(request.api)
        if http is None:
            raise InvalidInputError(message=f"{label}: unknown API {request.api!r} in the plan", api="track")
        if not request.path.startswith("/api/") or "//" in request.path or "\\" in request.path:
            raise InvalidInputError(message=f"{label}: the planned path is not a Customer.io API path", api=http.api)
        await http.request(request.method, request.path, label, write=True, json=request.body, gate=gate)

    @property
    def app_limiter(self) -> TokenBucket:
        return self._app.limiter

    async def aclose(self) -> None:
        await self._track.aclose()
        await self._app.aclose()

    async def __aenter__(self) -> CustomerIOClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"CustomerIOClient(track={self.track_origin!r}, app={self.app_origin!r})"


class _BearerAuth(httpx.Auth):
    """``Authorization: Bearer <App key>``; the key stays a SecretStr until the header is built."""

    def __init__(self, key: SecretStr) -> None:
        self._key = key

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._key.get_secret_value()}"
        yield request

    def __repr__(self) -> str:
        return "_BearerAuth(********)"


if TYPE_CHECKING:  # the concrete client satisfies the contract the other layers code against
    from cio_tui.customerio.contract import CioClient

    _satisfies: type[CioClient] = CustomerIOClient

__all__ = ["CustomerIOClient", "WireRequest", "default_origins", "IdKind", "Identifier"]
