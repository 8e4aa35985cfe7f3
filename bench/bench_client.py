"""Client rate limiting and overhead, beside their references, in one run (embedded sandbox, no network).

- achieved request rate of a 60-request concurrent burst vs the configured per-API budget (reference: the budget),
  and the most requests seen in any 1-second window (must not exceed the budget);
- per-request client overhead with limits off vs a bare httpx.AsyncClient on the same transport (reference).

Run: python bench/bench_client.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from cio_tui.customerio.client import CustomerIOClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)


def client(transport: httpx.AsyncBaseTransport, app_rps: float) -> CustomerIOClient:
    return CustomerIOClient(
        track_origin=SANDBOX_ORIGIN,
        app_origin=SANDBOX_ORIGIN,
        site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY),
        app_key=SecretStr(SANDBOX_APP_KEY),
        transport=transport,
        app_rps=app_rps,
    )


def max_in_window(times: list[float]) -> int:
    times.sort()
    best = j = 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0:
            j += 1
        best = max(best, i - j + 1)
    return best


class Stamping(httpx.AsyncBaseTransport):
    """Records when each request reaches the server (what a server-side limiter would count)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.stamps = inner, []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.stamps.append(time.monotonic())
        return await self.inner.handle_async_request(request)


async def burst(transport: httpx.AsyncBaseTransport, rps: float, n: int = 60) -> None:
    stamping = Stamping(transport)
    stamps = stamping.stamps
    async with client(stamping, rps) as c:

        async def one(i: int) -> None:
            await c.get_person(Identifier.cio(f"a{3000001 + i % 20}"))

        start = time.monotonic()
        await asyncio.gather(*(one(i) for i in range(n)))
        elapsed = time.monotonic() - start
    print(
        f"App budget {rps:>5.0f} req/s: achieved {n / elapsed:6.1f} req/s over {n} requests, "
        f"max in any 1 s window {max_in_window(stamps)} (reference: <= {rps:.0f})"
    )


async def overhead(transport: httpx.AsyncBaseTransport, n: int = 300) -> None:
    async with client(transport, 1e6) as c:
        start = time.perf_counter()
        for i in range(n):
            await c.get_person(Identifier.cio(f"a{3000001 + i % 20}"))
        ours = (time.perf_counter() - start) / n
    headers = {"Authorization": f"Bearer {SANDBOX_APP_KEY}"}
    async with httpx.AsyncClient(base_url=SANDBOX_ORIGIN, transport=transport, headers=headers) as bare:
        start = time.perf_counter()
        for i in range(n):
            (await bare.get(f"/v1/customers/a{3000001 + i % 20}/attributes", params={"id_type": "cio_id"})).json()
        ref = (time.perf_counter() - start) / n
    print(
        f"get_person: {ours * 1000:.2f} ms/request with cio-tui's client vs {ref * 1000:.2f} ms with a bare "
        f"httpx client (reference); overhead {(ours - ref) * 1000:+.2f} ms"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        transport = embedded_transport(Path(tmp) / "bench.db", people=200)
        for rps in (10, 50):
            await burst(transport, rps)
        await overhead(transport)


if __name__ == "__main__":
    asyncio.run(main())
