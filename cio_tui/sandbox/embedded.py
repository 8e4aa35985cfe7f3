"""The sandbox in-process: an ``httpx`` transport over the same ASGI app the loopback server runs.

    transport = embedded_transport(path)            # seeds the db on first use (2,000 people, seed 7)
    client = CustomerIOClient(track_origin=SANDBOX_ORIGIN, app_origin=SANDBOX_ORIGIN, site_id=SANDBOX_SITE_ID,
                              track_key=SecretStr(SANDBOX_TRACK_KEY), app_key=SecretStr(SANDBOX_APP_KEY),
                              transport=transport)

Rate limits are OFF in-process unless passed (``app_rps=10``...): the embedded sandbox serves demos and fast
tests, and the client limits itself anyway. Every other keyword is a ``SandboxSettings`` field.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

import httpx

from cio_tui.sandbox.credentials import APP_KEY, ORIGIN, SITE_ID, TRACK_KEY
from cio_tui.sandbox.faults import DroppedConnection
from cio_tui.sandbox.seeding import DEFAULT_PEOPLE, DEFAULT_SEED, default_db_path, ensure_seeded

if TYPE_CHECKING:  # the ASGI app and the behaviour model load with the first transport built (see LazyTransport)
    from cio_tui.sandbox.app import Sandbox
    from cio_tui.sandbox.settings import SandboxOptions

SANDBOX_SITE_ID = SITE_ID
SANDBOX_TRACK_KEY = TRACK_KEY
SANDBOX_APP_KEY = APP_KEY
SANDBOX_ORIGIN = ORIGIN


class SandboxTransport(httpx.ASGITransport):
    """ASGI transport whose injected dropped connections surface as ``httpx.RemoteProtocolError``, as on a socket."""

    @property
    def sandbox(self) -> Sandbox:
        from cio_tui.sandbox.app import sandbox_of

        return sandbox_of(self.app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except DroppedConnection as exc:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response.", request=request
            ) from exc


def embedded_transport(
    db_path: str | Path, *, people: int = DEFAULT_PEOPLE, seed: int = DEFAULT_SEED, **settings: Unpack[SandboxOptions]
) -> SandboxTransport:
    from cio_tui.sandbox.app import create_app
    from cio_tui.sandbox.settings import SandboxSettings

    ensure_seeded(db_path, people=people, seed=seed, mode=settings.get("mode") or "email_or_id")
    settings.setdefault("track_rps", 0)
    settings.setdefault("app_rps", 0)
    return SandboxTransport(app=create_app(db_path, SandboxSettings(**settings)))


class LazyTransport(httpx.AsyncBaseTransport):
    """A transport built on its first request (or ``build()``): opening the sandbox workspace then costs no import
    of the sandbox's ASGI app and behaviour model, so the TUI draws its first area sooner; ``build()`` from a
    thread prepares it ahead of the first request."""

    def __init__(self, make: Callable[[], httpx.AsyncBaseTransport]) -> None:
        self._make = make
        self._built: httpx.AsyncBaseTransport | None = None
        self._lock = threading.Lock()

    def build(self) -> httpx.AsyncBaseTransport:
        with self._lock:  # a warm-up thread and a first request may race: one transport
            if self._built is None:
                self._built = self._make()
            return self._built

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        built = self._built or self.build()
        return await built.handle_async_request(request)

    async def aclose(self) -> None:
        if self._built is not None:
            await self._built.aclose()


def lazy_embedded_transport(db_path: str | Path) -> LazyTransport:
    """``embedded_transport(db_path)``, built on first use."""
    return LazyTransport(lambda: embedded_transport(db_path))


__all__ = [
    "SANDBOX_APP_KEY",
    "SANDBOX_ORIGIN",
    "SANDBOX_SITE_ID",
    "SANDBOX_TRACK_KEY",
    "DEFAULT_PEOPLE",
    "DEFAULT_SEED",
    "LazyTransport",
    "SandboxTransport",
    "default_db_path",
    "embedded_transport",
    "ensure_seeded",
    "lazy_embedded_transport",
]
