"""Shared test doubles for the client tests: a recording MockTransport, a fake clock whose sleep advances it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr

from cio_tui.customerio.client import CustomerIOClient

TRACK_KEY = "trk-5f1e9c0d2b7a4e3f"
APP_KEY = "app-9a8b7c6d5e4f3a2b"
SITE_ID = "site-123"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Recorder:
    """A MockTransport handler: answers from ``routes`` (or a callable), keeps every request."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.queue: list[httpx.Response | Exception] = []
        self.respond = respond

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.queue:
            item = self.queue.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        if self.respond:
            return self.respond(request)
        return httpx.Response(200, json={})

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        content = self.requests[index].content
        return json.loads(content) if content else None


def make_client(
    recorder: Recorder, clock: FakeClock | None = None, *, region: str = "us", **kw: Any
) -> CustomerIOClient:
    from cio_tui.regions import default_origins

    clock = clock or FakeClock()
    track, app = default_origins(region)
    return CustomerIOClient(
        track_origin=kw.pop("track_origin", track),
        app_origin=kw.pop("app_origin", app),
        site_id=SITE_ID,
        track_key=SecretStr(TRACK_KEY),
        app_key=SecretStr(APP_KEY),
        transport=httpx.MockTransport(recorder),
        sleep=clock.sleep,
        clock=clock,
        **kw,
    )
