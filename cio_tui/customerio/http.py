"""Transport for one Customer.io API (Track or App): auth, its rate limit, and its errors, on the shared retry loop.

The retry rules, the back-off, the client's shape and the scrubbing of messages are ``cio_tui/transport.py``'s
(shared with the Segment client). What is Customer.io's own: the Track and App rate limits (a 429 slows the whole
client down, see ``TokenBucket.slow_down``), Cloudflare's 522/524 retried too on reads (a write answered any 5xx
is uncertain, never retried), and the words and types of the errors. Redirects are never followed: a 3xx means the
account lives in the other region (``RegionError``). Error messages name the API and the operation, never keys,
paths with identifiers, or payloads.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from cio_tui.customerio.errors import (
    CustomerIOError,
    ErrorDetail,
    NetworkError,
    NotSentError,
    RateLimitedError,
    RegionError,
    ServerError,
    UncertainWriteError,
    error_for_status,
    parse_error_body,
)
from cio_tui.customerio.ratelimit import TokenBucket
from cio_tui.json_types import JSONValue
from cio_tui.transport import RETRY_STATUSES, RetryingHttp, make_client, parse_retry_after, status_phrase

log = logging.getLogger("cio_tui.customerio")

ApiName = Literal["track", "app"]
API_LABELS = {"track": "Track API", "app": "App API"}


def region_of_host(host: str) -> str | None:
    host = host.lower()
    if not host.endswith("customer.io"):
        return None
    return "eu" if "-eu." in host or host.startswith("eu.") else "us"


class ApiHttp(RetryingHttp[CustomerIOError]):
    """One API (Track or App): an ``httpx.AsyncClient``, its token bucket and the shared retry policy."""

    retry_statuses = RETRY_STATUSES | {522, 524}
    network_error = NetworkError
    uncertain_error = UncertainWriteError
    reconcile_by = "read the person"

    def __init__(
        self,
        api: ApiName,
        origin: str,
        auth: httpx.Auth,
        *,
        secrets: list[SecretStr],
        transport: httpx.AsyncBaseTransport | None = None,
        rps: float,
        timeout: float = 15.0,
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(
            origin,
            secrets=secrets,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleep=sleep,
            rng=rng,
            logger=log,
        )
        self.api = api
        self.label = self.log_name = API_LABELS[api]
        self.limiter = TokenBucket(rps, clock=clock, sleep=sleep)
        self.client = make_client(
            self.origin, auth, transport=transport, timeout=timeout, headers={"Accept": "application/json"}
        )

    @property
    def region(self) -> str | None:
        return region_of_host(httpx.URL(self.origin).host)

    # -- errors, in Customer.io's words ---------------------------------------------------------------------
    def _error(
        self,
        cls: type[CustomerIOError],
        op: str,
        message: str,
        *,
        status: int | None = None,
        body: object = None,
        hint: str | None = None,
    ) -> CustomerIOError:
        details = [
            ErrorDetail(message=self.scrub(d.message)[:300], code=d.code, field=d.field, batch_index=d.batch_index)
            for d in parse_error_body(body)
        ]
        return cls(message=f"{self.label} {op}: {message}", status=status, details=details, api=self.api, hint=hint)

    def redirected(self, op: str, resp: httpx.Response, body: JSONValue) -> RegionError:
        right: str | None = None
        location = resp.headers.get("location")
        if location:
            try:
                right = region_of_host(httpx.URL(location).host)
            except Exception:  # noqa: BLE001 - a malformed Location tells us nothing
                right = None
        text = " ".join(d.message for d in parse_error_body(body)).lower()
        here = self.region
        if right is None and "datacenter" in text and here:
            right = "eu" if here == "us" else "us"
        if right and right != here:
            msg = f"redirected (HTTP {resp.status_code}): this workspace is in the {right.upper()} region"
            hint = f"set the profile's region to '{right}' (cio-tui profile add NAME --region {right})"
        else:
            msg = f"redirected (HTTP {resp.status_code}); redirects are not followed, so the region is probably wrong"
            hint = "check the profile's region (us or eu) and any track_url/app_url override"
        err = self._error(RegionError, op, msg, status=resp.status_code, body=body, hint=hint)
        assert isinstance(err, RegionError)
        err.right_region = right
        return err

    def refused(
        self, op: str, resp: httpx.Response, body: JSONValue, *, attempts: int | None, retry_after: float | None
    ) -> CustomerIOError:
        status = resp.status_code
        err = self._error(error_for_status(status), op, f"HTTP {status} {status_phrase(status)}", status=status,
                          body=body)  # fmt: skip
        if isinstance(err, RateLimitedError):
            err.retry_after = parse_retry_after(resp.headers.get("retry-after"))
        if attempts is not None and isinstance(err, ServerError | RateLimitedError):
            err.message += f" (gave up after {attempts} attempts)"
        return err

    def rate_limited(self, path: str, resp: httpx.Response, body: JSONValue) -> float | None:
        # A 429 means the server counts more than our budget allows: the whole client slows down (its rate halved
        # at once for every caller, recovering within about a second; see TokenBucket), and this request waits out
        # the Retry-After. A full stop of the whole API, or half rate for the whole Retry-After, on every 429 cost
        # a second or half a second per stray 429 (bench_apply).
        self.limiter.slow_down()
        return parse_retry_after(resp.headers.get("retry-after"))

    # -- requests -------------------------------------------------------------------------------------------
    async def request(
        self,
        method: str,
        path: str,
        op: str,
        *,
        write: bool,
        params: dict[str, Any] | None = None,
        json: object = None,
        gate: Callable[[], Awaitable[bool]] | None = None,
    ) -> httpx.Response:
        """Send one request with the API's rate limit and the retry policy; return any 2xx response (207 included).

        ``op`` is a safe label for messages and logs (never an identifier or a payload). ``gate`` is awaited right
        before each attempt leaves (after the rate limiter's wait): it may wait (pause) or answer False (cancel),
        and then ``NotSentError`` is raised and nothing is sent.
        """
        return await self.send(
            method,
            path,
            op,
            write=write,
            acquire=self.limiter.acquire,
            params=params,
            json=json,
            gate=gate,
            not_sent=lambda: NotSentError(message=f"{self.label} {op}: not sent (stopped)", api=self.api),
        )

    async def get_json(self, path: str, op: str, *, params: dict[str, Any] | None = None) -> Any:
        resp = await self.request("GET", path, op, write=False, params=params)
        return self.json_body(resp)


__all__ = ["ApiHttp", "parse_retry_after", "region_of_host"]
