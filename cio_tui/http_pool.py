"""A lean keep-alive connection pool for httpx: constant work per request, whatever the number of connections.

httpx's default transport (httpcore's ``AsyncConnectionPool``) re-examines every connection of the pool on each
request and on each response close (and asks each idle one's socket whether it is readable), so its cost per
request grows with the connections open. An apply keeps a few dozen requests in flight at up to 1,000 req/s
(Customer.io's Track limit), and that scan was about a quarter of the client's CPU time per operation (measured
with ``bench/bench_apply.py --only fast``). This pool keeps idle connections per origin on a stack: a request takes
the most recently used one (checking only that one: expired, or closed by the server, and it is dropped) or opens a
new one, and gives it back when its response is closed.

Everything else is httpcore's (HTTP/1.1, TLS, timeouts from the request's extensions) and httpx's (the client,
its proxies from the environment, which httpx mounts beside this transport). Errors are httpx's own exceptions, as
with httpx's default transport, so callers tell "nothing was sent" from "no complete answer" the same way.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

import httpcore
import httpx

# httpcore's exceptions as httpx's (most specific first: the first match wins)
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)
# seconds an idle connection is kept: under the 5 s after which common servers (uvicorn, hence the served sandbox)
# close one, so that a request never goes out on a connection the server is closing at that moment (its write
# would then be uncertain)
KEEPALIVE_EXPIRY = 4.0
# a connection taken from the stack may turn out unusable (closed meanwhile): try a fresh one, at most this often
_UNAVAILABLE_RETRIES = 3


def _mapped(exc: Exception) -> Exception:
    for theirs, ours in _ERRORS:
        if isinstance(exc, theirs):
            return ours(str(exc))
    return exc


async def _quietly_close(conn: httpcore.AsyncHTTPConnection) -> None:
    try:
        await conn.aclose()
    except Exception:  # noqa: BLE001 - closing a connection that already failed: nothing more to report
        pass


class PooledTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 keep-alive pool. ``max_connections`` bounds the connections in use at once (a request beyond it
    waits up to the pool timeout, then ``httpx.PoolTimeout``); up to ``max_keepalive`` idle ones are kept per origin,
    each for at most ``keepalive_expiry`` seconds."""

    def __init__(
        self,
        *,
        max_connections: int = 100,
        max_keepalive: int = 64,
        keepalive_expiry: float = KEEPALIVE_EXPIRY,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._max_keepalive = max_keepalive
        self._expiry = keepalive_expiry
        self._ssl = ssl_context
        self._idle: dict[tuple[bytes, bytes, int], list[httpcore.AsyncHTTPConnection]] = {}
        self._busy: set[httpcore.AsyncHTTPConnection] = set()
        self._slots = asyncio.Semaphore(max_connections)
        self._closed = False

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:  # built on the first https request (loading the CA bundle takes a while)
            self._ssl = httpx.create_ssl_context()
        return self._ssl

    async def _take(self, origin: httpcore.Origin) -> httpcore.AsyncHTTPConnection:
        stack = self._idle.get((origin.scheme, origin.host, origin.port))
        while stack:
            conn = stack.pop()
            if conn.is_available() and not conn.has_expired():
                return conn
            await _quietly_close(conn)  # a cancellation here is the caller's to handle: it holds a slot
        ssl_context = self._ssl_context() if origin.scheme == b"https" else None
        return httpcore.AsyncHTTPConnection(origin, ssl_context=ssl_context, keepalive_expiry=self._expiry)

    async def _give_back(self, origin: httpcore.Origin, conn: httpcore.AsyncHTTPConnection) -> None:
        self._busy.discard(conn)
        self._slots.release()
        if self._closed or not conn.is_idle():
            await conn.aclose()
            return
        stack = self._idle.setdefault((origin.scheme, origin.host, origin.port), [])
        stack.append(conn)
        if len(stack) > self._max_keepalive or stack[0].has_expired():
            # one look at the oldest per request keeps stale connections from piling up
            await stack.pop(0).aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        url = request.url
        origin = httpcore.Origin(url.raw_scheme, url.raw_host, url.port or (443 if url.scheme == "https" else 80))
        req = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        timeouts = request.extensions.get("timeout", {})
        try:
            await asyncio.wait_for(self._slots.acquire(), timeouts.get("pool"))
        except TimeoutError:
            raise httpx.PoolTimeout("no connection free within the pool timeout") from None
        # From here until the body is handed over, every way out (an error, a cancellation: a replaced lookup, a
        # paused apply, even while a stale connection is being closed) gives the slot back; once handed over, the
        # body's close does. A slot lost here would be lost for the session: every later request a PoolTimeout.
        conn: httpcore.AsyncHTTPConnection | None = None
        try:
            for attempt in range(_UNAVAILABLE_RETRIES + 1):
                conn = await self._take(origin)
                self._busy.add(conn)
                try:
                    resp = await conn.handle_async_request(req)
                    break
                except httpcore.ConnectionNotAvailable:
                    self._busy.discard(conn)
                    unusable, conn = conn, None
                    await _quietly_close(unusable)
                    if attempt == _UNAVAILABLE_RETRIES:
                        raise httpx.ConnectError("no usable connection") from None
            taken = conn
            assert taken is not None  # the loop ends only by its break (its last attempt raises otherwise)
            return httpx.Response(
                status_code=resp.status,
                headers=resp.headers,
                stream=_Body(resp, lambda: self._give_back(origin, taken)),
                extensions=resp.extensions,
            )
        except BaseException as exc:  # a cancelled request too: its connection is in an unknown state
            self._slots.release()
            if conn is not None:
                self._busy.discard(conn)
                await _quietly_close(conn)
            mapped = _mapped(exc) if isinstance(exc, Exception) else exc
            if mapped is not exc:
                raise mapped from exc
            raise

    async def aclose(self) -> None:
        self._closed = True
        conns = [c for stack in self._idle.values() for c in stack] + list(self._busy)
        self._idle.clear()
        self._busy.clear()
        for conn in conns:
            await conn.aclose()


class _Body(httpx.AsyncByteStream):
    """A response body read from its connection; closing it gives the connection back (once)."""

    def __init__(self, resp: httpcore.Response, done: Callable[[], Awaitable[None]]) -> None:
        self._resp = resp
        self._done = done
        self._open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._resp.aiter_stream():
                yield part
        except Exception as exc:
            raise _mapped(exc) from exc

    async def aclose(self) -> None:
        if not self._open:
            return
        self._open = False
        try:
            await self._resp.aclose()
        finally:
            await self._done()


__all__ = ["PooledTransport"]
