"""Transport for Segment's Public API: Bearer auth, versioned media types, its rate limits and errors, on the shared
retry loop.

The retry rules, the back-off, the client's shape and the scrubbing of messages are ``cio_tui/transport.py``'s
(shared with the Customer.io client). What is Segment's own: the per-minute budgets (a 429 holds back the whole
bucket it came from, for its ``Retry-After`` or the body's ``data.msBeforeNext``), the media type of each endpoint,
and the words and types of the errors. Messages name the operation, never the token, paths with ids, or bodies.
"""

from __future__ import annotations

import asyncio
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
from cio_tui.transport import MAX_RETRY_AFTER, RetryingHttp, make_client, parse_retry_after

log = logging.getLogger("cio_tui.segment_api")

# Per-minute budgets. Subscriptions: 5 a minute (Segment's documented limit for the destination subscription
# endpoints). Everything else: a conservative 100 a minute; Segment's own 429s (and their msBeforeNext) are honoured.
DEFAULT_LIMITS: dict[Bucket, int] = {"default": 100, "subscriptions": 5}


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


class SegmentHttp(RetryingHttp[SegmentApiError]):
    log_name = "Segment"
    network_error = SegmentNetworkError
    uncertain_error = SegmentUncertainWriteError
    url_name = "the Segment API URL"
    reconcile_by = "read the destination"

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
        super().__init__(
            origin,
            secrets=[token],
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleep=sleep,
            rng=rng,
            logger=log,
        )
        budget = {**DEFAULT_LIMITS, **(limits or {})}
        self.limiters: dict[Bucket, WindowLimiter] = {
            name: WindowLimiter(n, period, clock=clock, sleep=sleep) for name, n in budget.items()
        }
        self.client = make_client(self.origin, _Bearer(token), transport=transport, timeout=timeout)

    # -- errors, in Segment's words -------------------------------------------------------------------------
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
            type(d)(message=self.scrub(d.message)[:300], type=d.type, field=d.field) for d in parse_error_body(body)
        ]
        return cls(message=f"Segment Public API {op}: {message}", status=status, details=details, hint=hint)

    def redirected(self, op: str, resp: httpx.Response, body: JSONValue) -> SegmentApiError:
        return self._error(
            SegmentApiError,
            op,
            f"redirected (HTTP {resp.status_code}); redirects are not followed",
            status=resp.status_code,
            body=body,
            hint="check the workspace's Segment region (us or eu) and CIO_TUI_SEGMENT_URL",
        )

    def refused(
        self, op: str, resp: httpx.Response, body: JSONValue, *, attempts: int | None, retry_after: float | None
    ) -> SegmentApiError:
        status = resp.status_code
        err = self._error(error_for_status(status), op, f"HTTP {status}", status=status, body=body)
        if attempts is not None:
            if isinstance(err, SegmentRateLimitedError):
                err.retry_after = retry_after
            if isinstance(err, SegmentServerError | SegmentRateLimitedError):
                err.message += f" (gave up after {attempts} attempts)"
        return err

    def rate_limited(self, path: str, resp: httpx.Response, body: JSONValue) -> float | None:
        """A 429 holds back the whole bucket it came from, for as long as Segment says (1 s when it does not)."""
        wait = parse_retry_after(resp.headers.get("retry-after"))
        wait = wait if wait is not None else ms_before_next(body)
        self.limiters[bucket_for(path)].pause(min(wait if wait is not None else 1.0, MAX_RETRY_AFTER))
        return wait

    # -- requests -------------------------------------------------------------------------------------------
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
        mtype = media_type(path)
        headers = {"Accept": mtype}
        if json is not None:
            headers["Content-Type"] = mtype
        resp = await self.send(
            method,
            path,
            op,
            write=method != "GET",
            acquire=self.limiters[bucket_for(path)].acquire,
            params=params,
            json=json,
            headers=headers,
        )
        return self.json_body(resp)


__all__ = ["DEFAULT_LIMITS", "SegmentHttp"]
