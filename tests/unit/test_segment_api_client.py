"""The Segment Public API client over httpx.MockTransport: media types, pagination, rate limits, errors, retries."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from cio_tui.segment_api import errors as e
from cio_tui.segment_api.client import SegmentClient
from cio_tui.segment_api.ratelimit import WindowLimiter
from cio_tui.segment_api.versions import EU_HOST, US_HOST, default_host, media_type

TOKEN = "sgp_secret_token_1234567890"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def client(handler: Any, clock: Clock | None = None, **kw: Any) -> SegmentClient:
    clock = clock or Clock()
    return SegmentClient(
        US_HOST, SecretStr(TOKEN), transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep, **kw
    )


def test_hosts_and_media_types():
    assert default_host("us") == "https://api.segmentapis.com" and default_host("eu") == EU_HOST
    assert EU_HOST == "https://eu1.api.segmentapis.com"
    assert media_type("/destinations") == "application/vnd.segment.v1+json"
    assert media_type("/destinations/d1/subscriptions") == "application/vnd.segment.v1alpha+json"
    assert media_type("/destinations/d1/subscriptions/s1") == "application/vnd.segment.v1alpha+json"
    assert media_type("/delivery-overview/successful-delivery") == "application/vnd.segment.v1beta+json"
    assert media_type("/destination/d1/filters") == "application/vnd.segment.v1+json"


async def test_requests_carry_bearer_and_the_endpoints_version():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200,
            json={
                "data": {
                    "destinationSubscription": {
                        "id": "s1",
                        "name": "n",
                        "actionId": "a1",
                        "actionSlug": "trackEvent",
                        "destinationId": "d1",
                        "enabled": True,
                        "trigger": 'type = "track"',
                        "settings": {},
                    }
                }
            },
        )

    c = client(handler)
    sub = await c.create_subscription("d 1", {"name": "n", "actionId": "a1", "trigger": "x", "enabled": True})
    assert sub.action_slug == "trackEvent"
    [req] = seen
    assert req.url.raw_path == b"/destinations/d%201/subscriptions"
    assert req.headers["authorization"] == f"Bearer {TOKEN}"
    assert req.headers["accept"] == req.headers["content-type"] == "application/vnd.segment.v1alpha+json"
    assert json.loads(req.content)["actionId"] == "a1"


async def test_lists_follow_every_cursor():
    pages = {None: ("c2", ["a", "b"]), "c2": ("c3", ["c"]), "c3": (None, ["d"])}
    asked: list[tuple[str | None, str | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        cursor = request.url.params.get("pagination.cursor")
        asked.append((request.url.params.get("pagination.count"), cursor))
        nxt, ids = pages[cursor]
        return httpx.Response(
            200,
            json={
                "data": {
                    "sources": [{"id": i, "slug": i} for i in ids],
                    "pagination": {"current": cursor or "0", "next": nxt},
                }
            },
        )

    sources = await client(handler).list_sources()
    assert [s.id for s in sources] == ["a", "b", "c", "d"]
    assert asked == [("200", None), ("200", "c2"), ("200", "c3")]


async def test_subscriptions_keep_to_five_requests_a_minute():
    clock = Clock()
    times: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        times.append(clock.now)
        return httpx.Response(200, json={"data": {"subscriptions": [], "pagination": {"current": "0"}}})

    c = client(handler, clock)
    for _ in range(7):
        await c.list_subscriptions("d1")
    assert times[:5] == [0.0] * 5 and times[5] == pytest.approx(60.0) and times[6] == pytest.approx(60.0)


async def test_429_waits_ms_before_next_and_holds_the_bucket():
    clock = Clock()
    answers = [
        httpx.Response(
            429,
            json={"errors": [{"type": "RequestError", "message": "Too many requests", "data": {"msBeforeNext": 3500}}]},
        ),
        httpx.Response(
            200,
            json={
                "data": {
                    "destination": {
                        "id": "d1",
                        "enabled": True,
                        "metadata": {"id": "m"},
                        "sourceId": "s",
                        "settings": {},
                    }
                }
            },
        ),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    d = await client(handler, clock).get_destination("d1")
    assert d.id == "d1" and clock.slept == [pytest.approx(3.5)]  # the wait Segment asked for, once


@pytest.mark.parametrize(
    ("status", "cls", "code"),
    [
        (401, e.SegmentAuthError, 3),
        (403, e.SegmentPermissionError, 3),
        (404, e.SegmentNotFoundError, 1),
        (400, e.SegmentInvalidError, 1),
    ],
)
async def test_errors_are_typed_and_never_carry_the_token(status, cls, code):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"errors": [{"type": "x", "message": f"bad {TOKEN}", "field": "name"}]})

    with pytest.raises(cls) as err:
        await client(handler).get_source("s1")
    assert TOKEN not in str(err.value) and "bad ********" in str(err.value)
    assert err.value.exit_code == code and err.value.details[0].field == "name"


async def test_a_write_without_an_answer_is_uncertain_and_not_resent():
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        if request.method == "POST":
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(503)

    c = client(handler, max_retries=2)
    with pytest.raises(e.SegmentUncertainWriteError):
        await c.create_destination({"sourceId": "s"})
    assert sent == ["POST"]
    with pytest.raises(e.SegmentServerError):
        await c.get_destination("d1")  # reads retry, then give up
    assert sent == ["POST", "GET", "GET", "GET"]


async def test_window_limiter_counts_per_window():
    clock = Clock()
    lim = WindowLimiter(2, 10.0, clock=clock, sleep=clock.sleep)
    for _ in range(5):
        await lim.acquire()
    assert clock.now == pytest.approx(20.0)
