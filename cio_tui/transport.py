"""The HTTP plumbing every API client of cio-tui shares: one httpx client shape, one retry policy, one request loop.

Both the Customer.io client (``customerio/http.py``) and the Segment Public API client (``segment_api/http.py``)
subclass :class:`RetryingHttp`; each supplies only what is its own (auth, rate limiters, its error types, its
redirect and refusal errors). The rules that live here, once:

- the client: a timeout with a shorter connect timeout, redirects never followed (a 3xx is the caller's error to
  word: for Customer.io it means the other region), the same User-Agent;
- retries: reads retry 408, 429, 5xx, timeouts and connection failures, at most ``max_retries`` times; writes retry
  only when the request surely did not take effect: 429, and failures to connect (nothing was sent). Any 5xx (on the
  retry list or not), a 408, a read timeout or a dropped connection after the body was sent is an uncertain write,
  never resent; every other 4xx is a refusal (nothing took effect);
- the wait: the server's ``Retry-After`` (or another hint the subclass reads from a 429) capped at
  ``MAX_RETRY_AFTER``, else exponential back-off with full jitter;
- the words of a failure to connect, a lost answer and an uncertain write (each API names itself, the URL to check
  and what to read back);
- messages never hold a key: every text taken from an answer goes through :meth:`RetryingHttp.scrub` (every
  registered secret, in every encoding, plus the client's own keys).

A leaf apart from the redaction leaf, so the API layers (``customerio``, ``segment_api``) can both import it.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

import httpx
from pydantic import SecretStr

from cio_tui import __version__
from cio_tui.http_pool import KEEPALIVE_EXPIRY, PooledTransport
from cio_tui.json_types import JSONValue
from cio_tui.redaction import redact

USER_AGENT = f"cio-tui/{__version__} httpx"
CONNECT_TIMEOUT = 10.0
MAX_RETRY_AFTER = 120.0
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures before anything reached the server: safe to retry, a write included."""
PROXY_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=64, keepalive_expiry=KEEPALIVE_EXPIRY)
"""httpx's pool, used when a proxy is configured, held to the lean pool's limits (``http_pool.PooledTransport``)."""


def is_uncertain_status(status: int) -> bool:
    """Whether an answer to a write leaves its outcome unknown: any 5xx (whether or not it is one the client
    retries for reads) and 408. Every other 4xx (429 included) proves the write did not take effect."""
    return status >= 500 or status == 408


E = TypeVar("E", bound=Exception)
"""The base error type of one API (``CustomerIOError``, ``SegmentApiError``)."""
Sleep = Callable[[float], Awaitable[None]]
Gate = Callable[[], Awaitable[bool]]


def make_client(
    origin: str,
    auth: httpx.Auth,
    *,
    transport: httpx.AsyncBaseTransport | None,
    timeout: float,
    headers: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """The one shape of an API client: base URL, auth, timeouts, no redirects, the User-Agent; over the network,
    the lean keep-alive pool (``http_pool.py``: constant work per request) unless a proxy is configured."""
    return httpx.AsyncClient(
        base_url=origin,
        auth=auth,
        transport=transport if transport is not None else network_transport(),
        # Used only by httpx's own pool (behind a proxy; ignored when a transport is given): the lean pool's limits
        # and 4 s keep-alive, so an idle connection is dropped before a 5 s idle timeout can close it under a request.
        limits=PROXY_LIMITS,
        timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, **(headers or {})},
    )


def network_transport() -> httpx.AsyncBaseTransport | None:
    """The lean pool; or, when the environment names a proxy (``HTTPS_PROXY``, ``ALL_PROXY``...), None: httpx's
    own transport, which honours it and ``NO_PROXY`` (httpx reads the environment's proxies only for a client built
    without a transport of its own)."""
    from urllib.request import getproxies  # what httpx itself reads them with

    if any(scheme != "no" for scheme in getproxies()):
        return None
    return PooledTransport()


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


def json_body(resp: httpx.Response) -> JSONValue:
    """The answer's JSON, None when it is empty or not JSON (an error page, a proxy's HTML)."""
    if not resp.content:
        return None
    try:
        body: JSONValue = resp.json()
        return body
    except ValueError:
        return None


def status_phrase(status: int) -> str:
    """``"not found"`` for 404; ``"unexpected status"`` for a code HTTP does not name."""
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase.lower()
    except ValueError:
        return "unexpected status"


class RetryingHttp(ABC, Generic[E]):
    """One API over one ``httpx.AsyncClient``: the retry loop, the back-off, the scrubbing of messages, and the
    words of the errors every API shares (not connected, connection lost, outcome uncertain).

    A subclass builds ``self.client`` (with :func:`make_client`) and answers the hooks below: its error types and
    how it builds one (``_error``: its prefix, its error details), the errors that are its own (a redirect, a
    refusal), and what a 429 does to its rate limiter.
    """

    log_name: str = "API"
    """How the log lines name this API (``"Track API"``, ``"Segment"``)."""
    retry_statuses: frozenset[int] = RETRY_STATUSES
    network_error: type[E]
    """Raised when nothing reached the server, or a read got no complete answer."""
    uncertain_error: type[E]
    """Raised when a write was sent and its outcome is unknown."""
    url_name: str = "the API URL"
    """How the hint after a failure to connect names the URL to check."""
    reconcile_by: str = "read it back"
    """What the operator reads to reconcile an uncertain write (``"read the person"``)."""

    def __init__(
        self,
        origin: str,
        *,
        secrets: list[SecretStr],
        max_retries: int = 4,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        logger: logging.Logger,
    ) -> None:
        self.origin = origin.rstrip("/")
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._secrets: list[str | SecretStr | None] = [s for s in secrets if s.get_secret_value()]
        self._log = logger
        self.client: httpx.AsyncClient

    async def aclose(self) -> None:
        await self.client.aclose()

    json_body = staticmethod(json_body)

    def scrub(self, text: str) -> str:
        """``text`` with every registered secret (raw, URL-encoded, Basic base64) and this client's keys masked."""
        return redact(text, extra=self._secrets)

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return self._rng.uniform(0.0, min(self.backoff_cap, self.backoff_base * (2**attempt)))

    # -- the errors every API words alike --------------------------------------------------------------------
    def not_connected(self, op: str, exc: httpx.TransportError) -> E:
        """Nothing reached the server (after the last retry)."""
        what = f"cannot connect to {self.origin} ({type(exc).__name__})"
        return self._error(self.network_error, op, what, hint=f"check the network and {self.url_name}")

    def lost(self, op: str, exc: httpx.TransportError) -> E:
        """A read got no complete answer (after the last retry)."""
        what = f"network failure ({type(exc).__name__})"
        return self._error(self.network_error, op, what, hint="check the network and retry")

    def uncertain(self, op: str, *, exc: httpx.TransportError | None = None, resp: httpx.Response | None = None,
                  body: JSONValue = None) -> E:  # fmt: skip
        """A write was sent and its outcome is unknown: ``exc`` (no complete answer) or ``resp`` (a 5xx or 408)."""
        hint = f"{self.reconcile_by} to reconcile; do not resend blindly"
        status = resp.status_code if resp is not None else None
        if status is None:
            what = f"no complete answer after the request was sent ({type(exc).__name__})"
        else:
            what = f"HTTP {status} {status_phrase(status)} after the request was sent"
        return self._error(self.uncertain_error, op, f"{what}; it may or may not have taken effect", status=status,
                           body=body, hint=hint)  # fmt: skip

    # -- hooks: what is the subclass's own -----------------------------------------------------------------
    @abstractmethod
    def _error(self, cls: type[E], op: str, message: str, *, status: int | None = None, body: object = None,
               hint: str | None = None) -> E:  # fmt: skip
        """An error of type ``cls``: ``message`` after the API's name and ``op``, the details of ``body`` scrubbed."""

    @abstractmethod
    def redirected(self, op: str, resp: httpx.Response, body: JSONValue) -> E:
        """A 3xx (redirects are never followed)."""

    @abstractmethod
    def refused(self, op: str, resp: httpx.Response, body: JSONValue, *, attempts: int | None,
                retry_after: float | None) -> E:  # fmt: skip
        """Any other non-2xx answer; ``attempts`` is set when a retryable status was given up on after that many."""

    def rate_limited(self, path: str, resp: httpx.Response, body: JSONValue) -> float | None:
        """A 429 came for ``path``: slow the client down as the API asks; return the wait the server asked for."""
        return parse_retry_after(resp.headers.get("retry-after"))

    # -- the one request loop -------------------------------------------------------------------------------
    async def send(
        self,
        method: str,
        path: str,
        op: str,
        *,
        write: bool,
        acquire: Callable[[], Awaitable[object]],
        params: dict[str, Any] | None = None,
        json: object = None,
        headers: dict[str, str] | None = None,
        gate: Gate | None = None,
        not_sent: Callable[[], Exception] | None = None,
    ) -> httpx.Response:
        """Send one request under the retry policy; return any 2xx response (207 included).

        ``op`` is a safe label for messages and logs (never an identifier or a payload). ``acquire`` waits for the
        rate limiter before each attempt; ``gate`` is awaited right after it and may wait (pause) or answer False
        (cancel): then ``not_sent()`` is raised and nothing is sent.
        """
        params = {k: v for k, v in (params or {}).items() if v is not None}
        attempt = 0
        while True:
            await acquire()
            if gate is not None and not await gate():
                assert not_sent is not None, "a gate needs the error to raise when it stops the request"
                raise not_sent()
            started = time.monotonic()
            try:
                request = self.client.build_request(method, path, params=params or None, json=json, headers=headers)
                resp = await self.client.send(request)
            except NOT_SENT_ERRORS as exc:
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, None, op, f"cannot connect ({type(exc).__name__})")
                    continue
                raise self.not_connected(op, exc) from None
            except httpx.TransportError as exc:
                if write:
                    raise self.uncertain(op, exc=exc) from None
                if attempt < self.max_retries:
                    attempt = await self._wait(attempt, None, op, type(exc).__name__)
                    continue
                raise self.lost(op, exc) from None

            status = resp.status_code
            self._log.debug(
                "%s %s -> %s in %.0f ms (attempt %d)",
                self.log_name,
                op,
                status,
                (time.monotonic() - started) * 1000,
                attempt + 1,
            )
            if 200 <= status < 300:
                return resp
            body = json_body(resp)
            if 300 <= status < 400:
                raise self.redirected(op, resp, body)
            if write and is_uncertain_status(status):
                # Before the retry list: whatever 5xx it is (520 from Cloudflare, 501, 599...), the body reached
                # something that may have acted on it. Only a 429 or a 4xx proves nothing happened.
                raise self.uncertain(op, resp=resp, body=body)
            if status not in self.retry_statuses:
                raise self.refused(op, resp, body, attempts=None, retry_after=None)
            retry_after = (
                self.rate_limited(path, resp, body)
                if status == 429
                else parse_retry_after(resp.headers.get("retry-after"))
            )
            if attempt < self.max_retries:
                attempt = await self._wait(attempt, retry_after, op, f"HTTP {status}")
                continue
            raise self.refused(op, resp, body, attempts=attempt + 1, retry_after=retry_after)

    async def _wait(self, attempt: int, retry_after: float | None, op: str, why: str) -> int:
        delay = min(retry_after, MAX_RETRY_AFTER) if retry_after is not None else self.backoff(attempt)
        self._log.info(
            "%s %s: %s, retrying in %.2f s (retry %d of %d)",
            self.log_name,
            op,
            why,
            delay,
            attempt + 1,
            self.max_retries,
        )
        await self._sleep(delay)
        return attempt + 1


__all__ = [
    "MAX_RETRY_AFTER",
    "NOT_SENT_ERRORS",
    "PROXY_LIMITS",
    "RETRY_STATUSES",
    "USER_AGENT",
    "RetryingHttp",
    "is_uncertain_status",
    "json_body",
    "make_client",
    "parse_retry_after",
    "status_phrase",
]
