"""Sandbox fixtures: a real loopback server (``sandbox_server``) and an in-process client (``sandbox_client``).

``sandbox_server`` takes settings by indirect parametrisation::

    @pytest.mark.parametrize("sandbox_server", [{"mode": "id_only", "people": 20}], indirect=True)

Keys: ``people`` and ``seed`` (generator, default 30 and 7), anything else is a ``SandboxSettings`` field (limits
are OFF unless given; the clock is a ``ManualClock`` at the generator's base time, see ``sandbox_clock``).
``sandbox_server_factory(**same keys)`` starts more servers (e.g. two for a reproducibility check, or a restart on
the same ``db=`` path).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from cio_tui.sandbox import embedded
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.sandbox.generator import BASE_TIME
from cio_tui.sandbox.server import ServerThread
from cio_tui.sandbox.settings import ManualClock, SandboxSettings

TRACK_AUTH = httpx.BasicAuth(SANDBOX_SITE_ID, SANDBOX_TRACK_KEY)
APP_HEADERS = {"Authorization": f"Bearer {SANDBOX_APP_KEY}"}


@pytest.fixture
def sandbox_clock() -> ManualClock:
    return ManualClock(BASE_TIME)


@pytest.fixture
def sandbox_server_factory(tmp_path: Path, sandbox_clock: ManualClock) -> Iterator[Callable[..., str]]:
    started: list[ServerThread] = []

    def start(*, db: str | Path | None = None, people: int = 30, seed: int = 7, **settings: Any) -> str:
        path = Path(db) if db else tmp_path / f"sandbox-{len(started)}.db"
        embedded.ensure_seeded(path, people=people, seed=seed, mode=settings.get("mode") or "email_or_id")
        settings.setdefault("track_rps", 0)
        settings.setdefault("app_rps", 0)
        settings.setdefault("clock", sandbox_clock)
        server = ServerThread(path, SandboxSettings(**settings))
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sandbox_server(request: pytest.FixtureRequest, sandbox_server_factory: Callable[..., str]) -> str:
    """Base URL of a sandbox on a free loopback port (Track and App on the same origin)."""
    params = dict(getattr(request, "param", None) or {})
    return sandbox_server_factory(**params)


@pytest.fixture
def http(sandbox_server: str) -> Iterator[httpx.Client]:
    """Raw synchronous httpx client on the loopback sandbox (no auth: pass ``auth=TRACK_AUTH``/``APP_HEADERS``)."""
    with httpx.Client(base_url=sandbox_server, timeout=10) as client:
        yield client


@pytest.fixture
async def sandbox_client(tmp_path: Path, sandbox_clock: ManualClock) -> AsyncIterator[httpx.AsyncClient]:
    """In-process AsyncClient over the embedded transport (seeded with 30 people, limits off)."""
    transport = embedded_transport(tmp_path / "embedded.db", people=30, seed=7, clock=sandbox_clock)
    async with httpx.AsyncClient(transport=transport, base_url=SANDBOX_ORIGIN) as client:
        yield client


class SandboxApi:
    """Thin raw-HTTP helpers for scenario tests (paths percent-encoded, the right auth per API)."""

    def __init__(self, client: httpx.Client) -> None:
        self.c = client

    def identify(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.c.put(f"/api/v1/customers/{quote(path, safe='')}", json=body or {}, auth=TRACK_AUTH)

    def track(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.c.request(method, path, auth=TRACK_AUTH, **kw)

    def app(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return self.c.request(method, path, headers=APP_HEADERS, **kw)

    def person(self, value: str, id_type: str = "id") -> dict[str, Any] | None:
        r = self.app("GET", f"/v1/customers/{quote(value, safe='')}/attributes", params={"id_type": id_type})
        if r.status_code == 404:
            return None
        assert r.status_code == 200, r.text
        return r.json()["customer"]

    def by_email(self, email: str) -> list[dict[str, Any]]:
        r = self.app("GET", "/v1/customers", params={"email": email})
        assert r.status_code == 200, r.text
        return r.json()["results"]

    def activities(self, value: str, type_: str | None = None, id_type: str = "id") -> list[dict[str, Any]]:
        params = {"id_type": id_type, **({"type": type_} if type_ else {})}
        r = self.app("GET", f"/v1/customers/{quote(value, safe='')}/activities", params=params)
        assert r.status_code == 200, r.text
        return r.json()["activities"]

    def merge(self, primary: dict[str, str], secondary: dict[str, str]) -> httpx.Response:
        return self.track("POST", "/api/v1/merge_customers", json={"primary": primary, "secondary": secondary})


@pytest.fixture
def api(http: httpx.Client) -> SandboxApi:
    return SandboxApi(http)
