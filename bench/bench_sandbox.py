"""Sandbox figures beside their targets: loopback throughput (limits off), seeding 100k people, DB size.

    pip install -e ".[test]"                        # brings uvicorn's httptools and uvloop (pyproject.toml)
    apt-get update && apt-get install -y wrk        # optional: else the Python generator is used
    python bench/bench_sandbox.py [--people 100000] [--seconds 5] [--connections 32] [--generator auto|wrk|python]

The server runs in its own process (``cio-tui sandbox serve``, one uvicorn worker) and the load comes from ``wrk``
when it is installed (``apt-get install wrk``), else from the raw-socket Python generator of ``bench/_load.py`` in
another process: both cost far less per request than the server, so the figures are the server's. A bare
uvicorn + Starlette "hello" app measured by the same generator is the reference; server CPU per request is read from
/proc, so it holds even when the machine is shared.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # tests.serving: the start the tests use

from _load import Kind, LoadResult, run_python, run_wrk, wrk_available  # noqa: E402

from cio_tui.sandbox.embedded import SANDBOX_APP_KEY, SANDBOX_SITE_ID, SANDBOX_TRACK_KEY  # noqa: E402
from cio_tui.sandbox.seeding import seed_workspace, write_export_csv  # noqa: E402
from cio_tui.sandbox.store import Store  # noqa: E402
from tests.serving import sandbox_serve, start_serving  # noqa: E402

TARGET = 1000.0
TRACK = {
    "Authorization": "Basic " + base64.b64encode(f"{SANDBOX_SITE_ID}:{SANDBOX_TRACK_KEY}".encode()).decode(),
    "Content-Type": "application/json",
}
APP = {"Authorization": f"Bearer {SANDBOX_APP_KEY}"}
APP_JSON = {**APP, "Content-Type": "application/json"}


def row(name: str, value: str, target: str) -> None:
    print(f"{name:<46}{value:>16}   target: {target}")


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


def existing_ids(db: Path, n: int = 1000) -> list[str]:
    """Plain ids of seeded people (not email-shaped, path-safe), so reads answer 200 and identifies update."""
    store = Store(db)
    try:
        ids = [r[0] for r in store.db.execute("SELECT id FROM people WHERE id GLOB 'u[0-9]*' ORDER BY pk")]
    finally:
        store.close()
    random.Random(7).shuffle(ids)
    return ids[:n]


def kinds_for(existing: list[str]) -> dict[str, Kind]:
    bulk = '{"ids": [' + ", ".join(f'"{i}"' for i in existing[:100]) + "]}"
    return {
        "identify new": Kind(
            "identify new",
            "PUT",
            "/api/v1/customers/bench-{new}",
            TRACK,
            '{"email": "{new}@bench.example", "plan": "pro", "first_name": "Ada"}',
        ),
        "identify existing": Kind(
            "identify existing",
            "PUT",
            "/api/v1/customers/{existing}",
            TRACK,
            '{"plan": "team", "seats": 3, "last_seen_tag": "{new}"}',
        ),
        "GET attributes": Kind("GET attributes", "GET", "/v1/customers/{existing}/attributes", APP),
        "bulk attributes x100": Kind("bulk attributes x100", "POST", "/v1/customers/attributes", APP_JSON, bulk),
    }


# The realistic mix (weights): Track identifies (half new people) dominate, App reads follow, a bulk read now and then.
MIX = {"identify new": 4, "identify existing": 4, "GET attributes": 4, "bulk attributes x100": 1}


# -- servers -------------------------------------------------------------------------------------------
def serve_reference() -> None:
    """Bare uvicorn + Starlette on the same kind of socket and the same uvicorn defaults as the sandbox."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from cio_tui.sandbox.server import bind

    async def hello(request):  # noqa: ANN001, ANN202
        return JSONResponse({"hello": "world"})

    app = Starlette(routes=[Route("/hello", hello)])
    sock = bind("127.0.0.1", 0)
    print(f"serving at http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)).run(sockets=[sock])


def start_server(db: Path | None) -> tuple[subprocess.Popen[str], str]:
    """The sandbox server on ``db`` without rate limits, or (None) the reference server; the same start as the
    tests' (``tests/serving.py``)."""
    if db is None:
        return start_serving([sys.executable, __file__, "--reference-server"])
    return start_serving(sandbox_serve("--db", str(db), "--port", "0", "--track-rps", "0", "--app-rps", "0"))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to tell server cost from client and machine load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Measure:
    def __init__(self, args: argparse.Namespace, existing: list[str]) -> None:
        self.args = args
        self.existing = existing
        self.use_wrk = args.generator == "wrk" or (args.generator == "auto" and wrk_available())
        self.runs = 0

    @property
    def tool(self) -> str:
        return "wrk (1 thread)" if self.use_wrk else "python raw sockets (bench/_load.py)"

    def load(self, url: str, kinds: list[Kind], weights: list[int], seconds: float) -> LoadResult:
        self.runs += 1
        run = f"r{os.getpid()}x{self.runs}"
        if self.use_wrk:
            return run_wrk(
                url, kinds, weights, self.existing, connections=self.args.connections, seconds=seconds, run=run
            )
        return run_python(
            url,
            kinds,
            weights,
            self.existing,
            connections=self.args.connections,
            seconds=seconds,
            max_requests=self.args.requests,
            run=run,
        )

    def figure(self, pid: int, url: str, label: str, kinds: list[Kind], weights: list[int], target: str) -> float:
        cpu0 = cpu_seconds(pid)
        res = self.load(url, kinds, weights, self.args.seconds)
        cpu = cpu_seconds(pid) - cpu0
        per_ms = cpu / res.requests * 1000 if res.requests else float("nan")
        print(f"{label:<34}{res.rate:>9,.0f} req/s{per_ms:>9.2f} ms{1000 / per_ms:>10,.0f} req/s   {target}")
        if res.unexpected():
            print(f"    ! {res.unexpected()} unexpected answers or socket errors: {res.statuses}, errors {res.errors}")
        return res.rate


def bench_throughput(args: argparse.Namespace, db: Path) -> None:
    existing = existing_ids(db)
    kinds = kinds_for(existing)
    m = Measure(args, existing)
    print(
        f"\nloopback throughput, {args.connections} keep-alive connections, {args.seconds:g} s per row, "
        f"load from {m.tool}"
    )
    print(f"{'':<34}{'throughput':>15}{'server CPU/req':>15}{'1 core would do':>17}   target")
    proc, url = start_server(None)
    try:
        m.load(url, [Kind("warm-up", "GET", "/hello")], [1], 1)
        m.figure(
            proc.pid,
            url,
            "reference: bare uvicorn+Starlette",
            [Kind("hello", "GET", "/hello")],
            [1],
            "(reference: GET /hello)",
        )
    finally:
        proc.terminate()
        proc.wait(10)
    proc, url = start_server(db)
    try:
        m.load(url, list(kinds.values()), list(MIX.values()), 1)
        for name, kind in kinds.items():
            target = "(reported: 100 lookups per request)" if "bulk" in name else f">= {TARGET:,.0f} req/s"
            m.figure(proc.pid, url, f"sandbox {name}", [kind], [1], target)
        mix = "/".join(str(w) for w in MIX.values())
        m.figure(
            proc.pid,
            url,
            f"sandbox mix {mix} (limits off)",
            list(kinds.values()),
            list(MIX.values()),
            f">= {TARGET:,.0f} req/s on 2 cores",
        )
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"    mix weights: {', '.join(f'{k} {w}' for k, w in MIX.items())}")


def describe_http() -> str:
    import importlib.util

    parts = [
        "httptools" if importlib.util.find_spec("httptools") else "h11 (httptools not installed)",
        "uvloop" if importlib.util.find_spec("uvloop") else "asyncio loop (uvloop not installed)",
    ]
    return "uvicorn with " + " and ".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=100_000)
    ap.add_argument("--seconds", type=float, default=5, help="duration of each throughput row")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--requests", type=int, default=200_000, help="cap per row for the Python generator")
    ap.add_argument("--generator", choices=("auto", "wrk", "python"), default="auto")
    ap.add_argument("--csv-rows", type=int, default=1_000_000)
    ap.add_argument("--reference-server", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference_server:
        serve_reference()
        return
    print(f"cio-tui sandbox bench on {os.cpu_count()} cores, Python {sys.version.split()[0]}, {describe_http()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db = bench_seed(tmp, args.people)
        if args.csv_rows:
            bench_csv(tmp, args.csv_rows)
        load0 = os.getloadavg()[0]
        bench_throughput(args, db)
        print(
            f"(load average {load0:.2f} -> {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores while measuring; "
            "'1 core would do' = 1 / server CPU per request, the server's own capacity on one uncontended core)"
        )


if __name__ == "__main__":
    main()
