"""The lean keep-alive pool (cio_tui/http_pool.py) against a tiny loopback HTTP/1.1 server the test controls:
connections reused, stale ones never used for a request, httpx's own errors, bounded connections, clean close."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpcore
import httpx
import pytest

from cio_tui.http_pool import PooledTransport
from cio_tui.transport import make_client


@dataclass
class Server:
    """HTTP/1.1 on a loopback port: answers every request with its body echoed; ``close_after`` requests per
    connection (then it closes it, as a server ending keep-alive does); ``stall`` seconds before answering."""

    url: str = ""
    connections: int = 0
    requests: list[tuple[str, str, bytes]] = field(default_factory=list)
    close_after: int | None = None
    say_close: bool = True  # False: close without a ``connection: close`` header (only the socket tells)
    stall: float = 0.0
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        served = 0
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode().split("\r\n")
                method, target, _ = lines[0].split(" ")
                headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append((method, target, body))
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                await asyncio.sleep(self.stall)
                self.in_flight -= 1
                served += 1
                last = self.close_after is not None and served >= self.close_after
                answer = b'{"echo":' + (body or b"null") + b"}"
                writer.write(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(answer)}\r\n".encode()
                    + (b"connection: close\r\n" if last and self.say_close else b"")
                    + b"\r\n"
                    + answer
                )
                await writer.drain()
                if last:
                    await asyncio.sleep(0.0 if self.say_close else 0.03)  # silently: after the client is done
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    srv = Server()
    tcp = await asyncio.start_server(srv.handle, "127.0.0.1", 0)
    srv.url = f"http://127.0.0.1:{tcp.sockets[0].getsockname()[1]}"
    try:
        yield srv
    finally:
        tcp.close()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``localhost`` (openssl), as (cert, key)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def client(srv: Server, transport: PooledTransport | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=srv.url, transport=transport or PooledTransport())


async def test_requests_reuse_one_connection_and_bodies_arrive_exactly(server: Server) -> None:
    async with client(server) as http:
        for i in range(20):
            resp = await http.put(f"/api/v1/customers/p{i}", json={"n": i})
            assert resp.status_code == 200
            assert resp.json() == {"echo": {"n": i}}
    assert server.connections == 1
    assert server.requests[3] == ("PUT", "/api/v1/customers/p3", b'{"n":3}')


async def test_concurrent_requests_open_as_many_connections_as_needed_then_reuse_them(server: Server) -> None:
    server.stall = 0.05
    async with client(server) as http:
        for _ in range(3):
            answers = await asyncio.gather(*(http.get(f"/r{i}") for i in range(8)))
            assert [a.status_code for a in answers] == [200] * 8
    assert server.connections == 8  # 8 at once, three times over: the same 8 connections


@pytest.mark.parametrize("say_close", [True, False], ids=["connection-close-header", "socket-closed-silently"])
async def test_a_connection_the_server_closed_is_never_used_for_a_request(server: Server, say_close: bool) -> None:
    server.close_after = 2  # the server ends keep-alive after every second request
    server.say_close = say_close
    async with client(server) as http:
        for i in range(10):
            assert (await http.get(f"/x{i}")).json() == {"echo": None}
            await asyncio.sleep(0.06)  # the close reaches us before the next request
    assert len(server.requests) == 10  # nothing failed, nothing was sent twice
    assert server.connections == 5


async def test_max_connections_bounds_the_connections_in_use(server: Server) -> None:
    server.stall = 0.05
    async with client(server, PooledTransport(max_connections=3)) as http:
        answers = await asyncio.gather(*(http.get(f"/b{i}") for i in range(9)))
    assert {a.status_code for a in answers} == {200}
    assert server.most_in_flight == 3
    assert server.connections == 3


async def test_pool_timeout_is_httpx_pool_timeout(server: Server) -> None:
    server.stall = 0.5
    transport = PooledTransport(max_connections=1)
    async with httpx.AsyncClient(base_url=server.url, transport=transport, timeout=httpx.Timeout(5, pool=0.05)) as h:
        first = asyncio.ensure_future(h.get("/slow"))
        await asyncio.sleep(0.05)
        with pytest.raises(httpx.PoolTimeout):
            await h.get("/waits")
        assert (await first).status_code == 200
    assert [r[1] for r in server.requests] == ["/slow"]  # the refused request never left


async def test_connection_refused_is_httpx_connect_error() -> None:
    probe = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = probe.sockets[0].getsockname()[1]
    probe.close()
    await probe.wait_closed()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", transport=PooledTransport()) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get("/")


async def test_no_answer_in_time_is_httpx_read_timeout_and_the_connection_is_not_reused(server: Server) -> None:
    server.stall = 0.3
    async with httpx.AsyncClient(base_url=server.url, transport=PooledTransport(), timeout=0.1) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/late")
        server.stall = 0.0
        assert (await http.get("/next")).status_code == 200
    assert server.connections == 2  # the timed-out connection was dropped: its answer may still come on it


async def test_a_cancelled_request_drops_its_connection(server: Server) -> None:
    server.stall = 0.3
    async with client(server) as http:
        task = asyncio.ensure_future(http.get("/cancelled"))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        server.stall = 0.0
        assert (await http.get("/after")).status_code == 200
    assert server.connections == 2


async def test_requests_cancelled_while_a_stale_connection_closes_give_their_slot_back(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.stall = 0.05
    transport = PooledTransport(max_connections=2, keepalive_expiry=0.05)
    async with httpx.AsyncClient(base_url=server.url, transport=transport, timeout=httpx.Timeout(5, pool=0.3)) as h:
        await asyncio.gather(h.get("/a"), h.get("/b"))  # two idle connections...
        await asyncio.sleep(0.15)  # ...both expired: the next requests close them before opening new ones
        closing = asyncio.Event()
        real_close = httpcore.AsyncHTTPConnection.aclose

        async def slow_close(conn: httpcore.AsyncHTTPConnection) -> None:
            if server.stall:  # a close that takes a while (the socket's shutdown): the request is cancelled there
                closing.set()
                await asyncio.sleep(10)
            await real_close(conn)

        monkeypatch.setattr(httpcore.AsyncHTTPConnection, "aclose", slow_close)
        for i in range(2):  # as many cancelled requests as the pool has slots (lookups replaced, an apply paused)
            task = asyncio.ensure_future(h.get(f"/cancelled{i}"))
            await asyncio.wait_for(closing.wait(), 5)
            closing.clear()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        assert transport._slots._value == 2
        server.stall = 0.0
        assert (await h.get("/after")).json() == {"echo": None}  # not PoolTimeout: no slot was lost
    targets = [r[1] for r in server.requests]
    assert sorted(targets[:2]) == ["/a", "/b"] and targets[2:] == ["/after"]  # the cancelled ones never left


async def test_closing_the_client_closes_idle_connections(server: Server) -> None:
    transport = PooledTransport()
    async with client(server, transport) as http:
        await http.get("/one")
    with pytest.raises(RuntimeError):  # httpx refuses a closed client; the pool holds nothing any more
        await http.get("/two")
    assert transport._idle == {} and transport._busy == set()


async def test_api_clients_use_the_pool_over_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    http = make_client("https://track.customer.io", httpx.Auth(), transport=None, timeout=5.0)
    try:
        assert isinstance(http._transport, PooledTransport)
    finally:
        await http.aclose()


async def test_a_connection_idle_past_its_expiry_is_not_reused(server: Server) -> None:
    async with client(server, PooledTransport(keepalive_expiry=0.05)) as http:
        await http.get("/a")
        await http.get("/b")  # at once: the same connection
        await asyncio.sleep(0.15)
        await http.get("/c")  # idle past its expiry: a new one (the server may be closing the old one right now)
    assert server.connections == 2


@pytest.mark.parametrize("var", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
async def test_a_proxy_in_the_environment_keeps_httpx_own_transport_which_honours_it(
    var: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(var, "http://proxy.corp.test:3128")
    monkeypatch.setenv("NO_PROXY", "localhost")
    http = make_client("https://track.customer.io", httpx.Auth(), transport=None, timeout=5.0)
    try:
        assert not isinstance(http._transport, PooledTransport)
        chosen = http._transport_for_url(httpx.URL("https://track.customer.io/api/v1/customers/x"))
        assert isinstance(chosen, httpx.AsyncHTTPTransport) and chosen is not http._transport  # the proxy's
    finally:
        await http.aclose()


async def test_https_requests_are_verified_and_reuse_one_tls_connection(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    srv = Server()
    served = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    served.load_cert_chain(cert, key)
    tcp = await asyncio.start_server(srv.handle, "127.0.0.1", 0, ssl=served)
    url = f"https://localhost:{tcp.sockets[0].getsockname()[1]}"
    try:
        trusting = ssl.create_default_context(cafile=str(cert))
        async with httpx.AsyncClient(base_url=url, transport=PooledTransport(ssl_context=trusting)) as http:
            for i in range(3):
                assert (await http.post("/api/v2/entity", json={"n": i})).json() == {"echo": {"n": i}}
        assert srv.connections == 1
        async with httpx.AsyncClient(base_url=url, transport=PooledTransport()) as http:  # the system's CAs
            with pytest.raises(httpx.ConnectError):  # a certificate nobody vouches for is refused
                await http.get("/")
    finally:
        tcp.close()
