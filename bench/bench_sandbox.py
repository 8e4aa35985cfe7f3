"""Sandbox figures beside their targets: loopback throughput (limits off), seeding 100k people, DB size.

    python bench/bench_sandbox.py [--people 100000] [--requests 6000] [--concurrency 32] [--seconds 15]

The server runs in its own process (``cio-tui sandbox serve``) so client and server do not share one GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from cio_tui.sandbox.embedded import SANDBOX_APP_KEY, SANDBOX_SITE_ID, SANDBOX_TRACK_KEY
from cio_tui.sandbox.seeding import seed_workspace, write_export_csv
from cio_tui.sandbox.store import Store


def row(name: str, value: str, target: str) -> None:
    print(f"{name:<44}{value:>18}   target: {target}")


def bench_seed(tmp: Path, people: int) -> Path:
    path = tmp / "seed.db"
    store = Store(path)
    t0 = time.perf_counter()
    seed_workspace(store, people=people, seed=7)
    elapsed = time.perf_counter() - t0
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    size = path.stat().st_size
    row(f"seed {people:,} people", f"{elapsed:.2f} s", "< 10 s for 100,000")
    row("workspace DB size per 100k people", f"{size / people * 100_000 / 1e6:.1f} MB", "(reported)")
    return path


def bench_csv(tmp: Path, rows: int) -> None:
    t0 = time.perf_counter()
    write_export_csv(tmp / "export.csv", people=rows, seed=7)
    row(f"export CSV writer, {rows:,} rows", f"{time.perf_counter() - t0:.2f} s", "(reported, duplicates bench)")


async def bare_app(scope, receive, send) -> None:  # noqa: ANN001 - the reference: an empty ASGI app
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})


def serve_reference() -> None:
    """Bare uvicorn on the same kind of socket (h11, TCP_NODELAY), for the side-by-side figure."""
    import uvicorn

    from cio_tui.sandbox.server import bind

    sock = bind("127.0.0.1", 0)
    print(f"serving at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(bare_app, log_level="warning", lifespan="off")).run(sockets=[sock])


def start_server(db: Path | None) -> tuple[subprocess.Popen, str]:
    cmd = [sys.executable, "-m", "cio_tui", "sandbox", "serve", "--db", str(db), "--port", "0",
           "--track-rps", "0", "--app-rps", "0"]
    if db is None:
        cmd = [sys.executable, __file__, "--reference-server"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stdout is not None
    for line in proc.stdout:
        if m := re.search(r"serving at (http://\S+)", line):
            return proc, m.group(1)
    raise RuntimeError("the sandbox server did not start")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), to tell server cost from client and machine load."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


async def bench_throughput(url: str, total: int, concurrency: int, seconds: float, label: str,
                           pid: int | None = None) -> float:
    auth = httpx.BasicAuth(SANDBOX_SITE_ID, SANDBOX_TRACK_KEY)
    app = {"Authorization": f"Bearer {SANDBOX_APP_KEY}"}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    done = errors = 0
    deadline = time.perf_counter() + seconds
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        async def worker(w: int) -> None:
            nonlocal done, errors
            i = w
            while done < total and time.perf_counter() < deadline:
                if i % 2:
                    r = await client.put(f"/api/v1/customers/bench-{i % 5000}", json={"n": i}, auth=auth)
                else:
                    r = await client.get(f"/v1/customers/u{(i % 900) + 1:07d}/attributes", headers=app)
                done += 1
                errors += r.status_code not in (200, 404)
                i += concurrency

        cpu0 = cpu_seconds(pid) if pid else None
        t0 = time.perf_counter()
        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.perf_counter() - t0
        cpu1 = cpu_seconds(pid) if pid else None
    row(label, f"{done / elapsed:,.0f} req/s", ">= 1,000 req/s on 2 cores" if "sandbox" in label else "(reference)")
    if errors and "sandbox" in label:
        print(f"  ({errors} unexpected statuses)")
    if cpu0 is not None and cpu1 is not None and cpu1 > cpu0 and "sandbox" in label:
        per = (cpu1 - cpu0) / done
        row("  server CPU per request (same run)", f"{per * 1000:.2f} ms", "(reported)")
        row("  => capacity of one core given to the server", f"{1 / per:,.0f} req/s", ">= 1,000 req/s")
    return done / elapsed


async def bench_in_process(db: Path, total: int) -> None:
    """The same app without sockets (embedded transport): what the sandbox itself costs per request."""
    from cio_tui.sandbox.embedded import SANDBOX_ORIGIN, embedded_transport

    auth = httpx.BasicAuth(SANDBOX_SITE_ID, SANDBOX_TRACK_KEY)
    app = {"Authorization": f"Bearer {SANDBOX_APP_KEY}"}
    async with httpx.AsyncClient(transport=embedded_transport(db), base_url=SANDBOX_ORIGIN) as client:
        t0 = time.perf_counter()
        for i in range(total):
            if i % 2:
                await client.put(f"/api/v1/customers/inproc-{i}", json={"n": i}, auth=auth)
            else:
                await client.get(f"/v1/customers/u{(i % 900) + 1:07d}/attributes", headers=app)
        row("in-process (embedded transport, 50% writes)", f"{total / (time.perf_counter() - t0):,.0f} req/s",
            "(reported: the app without HTTP parsing)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=6000)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--csv-rows", type=int, default=1_000_000)
    ap.add_argument("--reference-server", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference_server:
        serve_reference()
        return
    print(f"cio-tui sandbox bench on {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = bench_seed(tmp, args.people)
        if args.csv_rows:
            bench_csv(tmp, args.csv_rows)
        for label, target in ((f"bare uvicorn, same client ({args.concurrency} conns)", None),
                              (f"sandbox loopback, limits off ({args.concurrency} conns)", db)):
            proc, url = start_server(target)
            try:
                asyncio.run(bench_throughput(url, args.requests, args.concurrency, args.seconds, label, proc.pid))
            finally:
                proc.terminate()
                proc.wait(10)
        asyncio.run(bench_in_process(db, min(args.requests, 3000)))
        load = os.getloadavg()[0]
        print(f"(load average {load:.2f} on {os.cpu_count()} cores while measuring; uvicorn uses h11, httptools is "
              "not installed)")


if __name__ == "__main__":
    main()
