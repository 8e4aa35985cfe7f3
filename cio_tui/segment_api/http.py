"""Transport for Segment's Public API: Bearer auth, versioned media types, rate limits, retries, errors mapped.

Retry rules (the same as the Customer.io client's):
- reads retry 408, 429, 5xx, timeouts and connection failures, at most ``max_retries`` times;
- writes retry only when the request surely did not take effect: 429 and failures to connect; a 5xx, a read
  timeout or a dropped connection after the body was sent raise ``SegmentUncertainWriteError`` and are never resent;
- the wait is ``Retry-After`` or the body's ``data.msBeforeNext`` when given (capped), else exponential back-off
  with full jitter; a 429 also holds back the whole bucket it came from.

Redirects are never followed. Messages name the operation, never the token, paths with ids, or bodies.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any, TypedDict

import httpx
from pydantic import SecretStr

from cio_tui.json_types import JSONValue
from cio_tui.segment_api.errors import (
    SegmentApiError,
    SegmentNetworkError,
    SegmentRateLimitedError,
    SegmentServerError,
    SegmentUncertainWriteError,
    error_for_status,
    ms_before_next,
    parse_error_body,
)
from cio_tui.segment_api.ratelimit import WindowLimiter
from cio_tui.segment_api.versions import Bucket, bucket_for, media_type

log = logging.getLogger("cio_tui.segment_api")

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0
USER_AGENT = "cio-tui httpx"
# Per-minute budgets. Subscriptions: 5 a minute (Segment's documented limit for the destination subscription
# endpoints). Everything else: a conservative 100 a minute; Segment's own 429s (and their msBeforeNext) are honoured.
DEFAULT_LIMITS: dict[Bucket, int] = {"default": 100, "subscriptions": 5}


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header: integer seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time()) if when is not None else None


class _Bearer(httpx.Auth):
    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        yield request


class HttpOptions(TypedDict, total=False):
    """``SegmentHttp``'s tuning keywords, as ``SegmentClient`` and ``open_segment`` pass them on."""

    period: float
    timeout: float
    max_retries: int
    backoff_base: float
    backoff_cap: float
    sleep: Callable[[float], Awaitable[None]]
    clock: Callable[[], float]
    rng: random.Random | None


class SegmentHttp:
    def __init__(
        self,
        origin: str,
        token: SecretStr,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: dict[Bucket, int] | None = None,
        period: float = 60.0,
        timeout: float = 20.0,
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.origin = origin.rstrip("/")
        self.max_retries = max_retries
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._secret = token.get_secret_value()
        budget = {**DEFAULT_LIMITS, **(limits or {})}
        self.limiters: dict[Bucket, WindowLimiter] = {
            name: WindowLimiter(n, period, clock=clock, sleep=sleep) for name, n in budget.items()
        }
        self.client = httpx.AsyncClient(
            base_url=self.origin,
            auth=_Bearer(token),
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "********") if self._secret else text

    def _error(
        self,
        cls: type[SegmentApiError],
        op: str,
        message: str,
        *,
        status: int | None = None,
        body: object = None,
        hint: str | None = None,
    ) -> SegmentApiError:
        details = [
            type(d)(message=self._scrub(d.message)[:300], type=d.type, field=d.field) for d in parse_error_body(body)
        ]
        return cls(message=f"Segment Public API {op}: {message}", status=status, details=details, hint=hint)

    @staticmethod
    def json_body(resp: httpx.Response) -> JSONValue:
        if not resp.content:
            return None
        try:
            body: JSONValue = resp.json()
            return body
        except ValueError:
            return None

    def backoff(self, attempt: int) -> float:
        return self._rng.uniform(0.0, min(self.backoff_cap, self.backoff_base * (2**attempt)))

    async def request(
        self,
        method: str,
        path: str,
        op: str,
        *,
        params: dict[str, Any] | None = None,
        json: object = None,
    ) -> JSONValue:
        """Send one request; return the parsed JSON of a 2xx answer (None when empty)."""
        write = method != "GET"
        limiter = self.limiters[bucket_for(path)]
        mtype = media_type(path)
        headers = {"Accept": mtype}
        if json is not None:
            headers["Content-Type"] = mtype
        params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            await limiter.acquire()
            try:
                request = self.client.build_request(method, path, params=params or None, json=json, headers=headers)
                resp = await self.client.send(request)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, None, op, type(exc).__name__)
                    continue
                raise self._error(
                    SegmentNetworkError,
                    op,
                    f"cannot connect to {self.origin} ({type(exc).__name__})",
                    hint="check the network and the Segment API URL",
                ) from None
            except httpx.TransportError as exc:
                if write:
                    raise self._error(
                        SegmentUncertainWriteError,
                        op,
                        f"no complete answer after the request was sent ({type(exc).__name__}); it may or may not "
                        "have taken effect",
                        hint="read the destination to reconcile; do not resend blindly",
                    ) from None
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, None, op, type(exc).__name__)
                    continue
                raise self._error(
                    SegmentNetworkError,
                    op,
                    f"network failure ({type(exc).__name__})",
                    hint="check the network and retry",
                ) from None
            status = resp.status_code
            log.debug("Segment %s -> %s (attempt %d)", op, status, attempt + 1)
            if 200 <= status < 300:
                return self.json_body(resp)
            body = self.json_body(resp)
            if 300 <= status < 400:
                raise self._error(
                    SegmentApiError,
                    op,
                    f"redirected (HTTP {status}); redirects are not followed",
                    status=status,
                    body=body,
                    hint="check the workspace's Segment region (us or eu) and CIO_TUI_SEGMENT_URL",
                )
            if status in RETRY_STATUSES:
                wait = parse_retry_after(resp.headers.get("retry-after"))
                if status == 429:
                    wait = wait if wait is not None else ms_before_next(body)
                    limiter.pause(min(wait if wait is not None else 1.0, MAX_RETRY_AFTER))
                if write and status != 429:
                    raise self._error(
                        SegmentUncertainWriteError,
                        op,
                        f"HTTP {status} after the request was sent; it may or may not have taken effect",
                        status=status,
                        body=body,
                        hint="read the destination to reconcile; do not resend blindly",
                    )
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, wait, op, f"HTTP {status}")
                    continue
                err = self._error(error_for_status(status), op, f"HTTP {status}", status=status, body=body)
                if isinstance(err, SegmentRateLimitedError):
                    err.retry_after = wait
                if isinstance(err, SegmentServerError | SegmentRateLimitedError):
                    err.message += f" (gave up after {attempt + 1} attempts)"
                raise err
            raise self._error(error_for_status(status), op, f"HTTP {status}", status=status, body=body)

    async def _wait(self, attempt: int, retry_after: float | None, op: str, why: str) -> int:
        delay = min(retry_after, MAX_RETRY_AFTER) if retry_after is not None else self.backoff(attempt)
        log.info("Segment %s: %s, retrying in %.2f s (retry %d of %d)", op, why, delay, attempt + 1, self.max_retries)
        await self._sleep(delay)
        return attempt + 1


__all__ = ["DEFAULT_LIMITS", "SegmentHttp"]
