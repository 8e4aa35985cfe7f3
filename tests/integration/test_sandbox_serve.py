"""`cio-tui sandbox serve` as a real process: banner with URL and credentials, serves, stops cleanly on SIGTERM."""

from __future__ import annotations

import re
import signal
import time

import httpx

from tests.integration.conftest import APP_HEADERS
from tests.serving import sandbox_serve, start_serving


def test_serve_prints_url_and_credentials_and_stops_on_sigterm(tmp_path) -> None:
    db = tmp_path / "served.db"
    cmd = sandbox_serve("--db", str(db), "--port", "0", "--people", "15", "--latency-ms", "30")
    proc, url = start_serving(cmd, merge_stderr=True)
    try:
        assert proc.stdout is not None
        banner = [proc.stdout.readline() for _ in range(4)]  # after the "serving at" line
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert "sandbox" in banner[1] and "sandbox-track-key" in banner[2] and "sandbox-app-key" in banner[3]
        t0 = time.perf_counter()
        ws = httpx.get(f"{url}/v1/workspaces", headers=APP_HEADERS, timeout=10).json()["workspaces"][0]
        assert ws["people"] == 15
        assert time.perf_counter() - t0 >= 0.03  # --latency-ms
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert "Sandbox stopped." in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
