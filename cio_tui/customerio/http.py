"""Transport for one Customer.io API: auth, rate limit, retries, redirects refused, errors mapped.

Retry rules:
- reads (``write=False``) retry 408, 429, 5xx, timeouts and connection failures, at most ``max_retries`` times;
- writes retry only when the request surely did not take effect: 429, and failures to connect (nothing sent);
  a 5xx, a 408, a read timeout or a dropped connection after the body was sent raise ``UncertainWriteError``
  and are never resent;
- the wait is ``Retry-After`` when the server gives it (capped), else exponential back-off with full jitter.

Redirects are never followed: a 3xx means the account lives in the other region (``RegionError``).
Error messages name the API and the operation, never keys, paths with identifiers, or payloads.
"""

from __future__ import annotations

import asyncio
import email.utils
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

log = logging.getLogger("cio_tui.customerio")

ApiName = Literal["track", "app"]
API_LABELS = {"track": "Track API", "app": "App API"}
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
MAX_RETRY_AFTER = 120.0
USER_AGENT = "cio-tui (+https://github.com/) httpx"


def _status_phrase(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "unexpected status"


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (integer seconds or an HTTP date); None when absent/bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def region_of_host(host: str) -> str | None:
    host = host.lower()
    if not host.endswith("customer.io"):
        return None
    return "eu" if "-eu." in host or host.startswith("eu.") else "us"


class ApiHttp:
    """One API (Track or App): an ``httpx.AsyncClient``, its token bucket and the retry policy."""

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
        self.api = api
        self.label = API_LABELS[api]
        self.origin = origin.rstrip("/")
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._secrets = [s.get_secret_value() for s in secrets if s.get_secret_value()]
        self.limiter = TokenBucket(rps, clock=clock, sleep=sleep)
        self.client = httpx.AsyncClient(
            base_url=self.origin,
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    @property
    def region(self) -> str | None:
        return region_of_host(httpx.URL(self.origin).host)

    # -- helpers -----------------------------------------------------------------------------------------
    def _scrub(self, text: str) -> str:
        from cio_tui.redaction import redact

        text = redact(text)  # every registered key, in every encoding (raw, URL-encoded, Basic base64)
        for value in self._secrets:
            text = text.replace(value, "********")
        return text

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return self._rng.uniform(0.0, min(self.backoff_cap, self.backoff_base * (2**attempt)))

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
            ErrorDetail(message=self._scrub(d.message)[:300], code=d.code, field=d.field, batch_index=d.batch_index)
            for d in parse_error_body(body)
        ]
        return cls(message=f"{self.label} {op}: {message}", status=status, details=details, api=self.api, hint=hint)

    def _region_error(self, op: str, resp: httpx.Response, body: object) -> RegionError:
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

    @staticmethod
    def json_body(resp: httpx.Response) -> JSONValue:
        if not resp.content:
            return None
        try:
            body: JSONValue = resp.json()
            return body
        except ValueError:
            return None

    def _status_error(self, op: str, resp: httpx.Response, body: object) -> CustomerIOError:
        status = resp.status_code
        cls = error_for_status(status)
        err = self._error(cls, op, f"HTTP {status} {_status_phrase(status)}", status=status, body=body)
        if isinstance(err, RateLimitedError):
            err.retry_after = parse_retry_after(resp.headers.get("retry-after"))
        return err

    # -- the one request loop -----------------------------------------------------------------------------
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
        """Send one request with the API's rate limit and retry policy; return any 2xx response (207 included).

        ``op`` is a safe label for messages and logs (never an identifier or a payload). ``gate`` is awaited right
        before each attempt leaves (after the rate limiter's wait): it may wait (pause) or answer False (cancel),
        and then ``NotSentError`` is raised and nothing is sent.
        """
        params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            await self.limiter.acquire()
            if gate is not None and not await gate():
                raise NotSentError(message=f"{self.label} {op}: not sent (stopped)", api=self.api)
            started = time.monotonic()
            try:
                request = self.client.build_request(method, path, params=params or None, json=json)
                resp = await self.client.send(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached the server: safe to retry reads and writes alike.
                err = self._error(
                    NetworkError,
                    op,
                    f"cannot connect to {self.origin} ({type(exc).__name__})",
                    hint="check the network and the API URL",
                )
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, None, op, "connect failure")
                    continue
                raise err from None
            except httpx.TransportError as exc:
                if write:
                    raise self._error(
                        UncertainWriteError,
                        op,
                        f"no complete answer after the request was sent ({type(exc).__name__}); it may or may not "
                        "have taken effect",
                        hint="read the person to reconcile; do not resend blindly",
                    ) from None
                err = self._error(
                    NetworkError, op, f"network failure ({type(exc).__name__})", hint="check the network and retry"
                )
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, None, op, type(exc).__name__)
                    continue
                raise err from None

            status = resp.status_code
            log.debug(
                "%s %s -> %s in %.0f ms (attempt %d)",
                self.label,
                op,
                status,
                (time.monotonic() - started) * 1000,
                attempt + 1,
            )
            if 200 <= status < 300:
                return resp
            body = self.json_body(resp)
            if 300 <= status < 400:
                raise self._region_error(op, resp, body)
            if status in RETRY_STATUSES:
                # A 429 means the server counts more than our budget allows: the whole client slows down (its
                # rate halved at once for every caller, recovering within about a second; see TokenBucket), and
                # this request waits out the Retry-After. A full stop of the whole API, or half rate for the
                # whole Retry-After, on every 429 cost a second or half a second per stray 429 (bench_apply).
                retry_after = parse_retry_after(resp.headers.get("retry-after"))
                if status == 429:
                    self.limiter.slow_down()
                if write and status != 429:
                    raise self._error(
                        UncertainWriteError,
                        op,
                        f"HTTP {status} {_status_phrase(status)} after the request was sent; it may or may not "
                        "have taken effect",
                        status=status,
                        body=body,
                        hint="read the person to reconcile; do not resend blindly",
                    )
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, retry_after, op, f"HTTP {status}")
                    continue
                err = self._status_error(op, resp, body)
                if isinstance(err, ServerError | RateLimitedError):
                    err.message += f" (gave up after {attempt + 1} attempts)"
                raise err
            raise self._status_error(op, resp, body)

    async def _wait(self, attempt: int, retry_after: float | None, op: str, why: str) -> int:
        delay = min(retry_after, MAX_RETRY_AFTER) if retry_after is not None else self.backoff(attempt)
        log.info(
            "%s %s: %s, retrying in %.2f s (retry %d of %d)", self.label, op, why, delay, attempt + 1, self.max_retries
        )
        await self._sleep(delay)
        return attempt + 1

    async def get_json(self, path: str, op: str, *, params: dict[str, Any] | None = None) -> Any:
        resp = await self.request("GET", path, op, write=False, params=params)
        return self.json_body(resp)


__all__ = ["ApiHttp", "parse_retry_after", "region_of_host"]
