"""Serve a sandbox workspace on a loopback port with uvicorn (``cio-tui sandbox serve``), or in a background thread
for tests (``ServerThread``). uvicorn stops cleanly on SIGTERM and Ctrl-C."""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import uvicorn

from cio_tui.sandbox.app import create_app, sandbox_of
from cio_tui.sandbox.credentials import APP_KEY, SITE_ID, TRACK_KEY
from cio_tui.sandbox.faults import DroppedConnection
from cio_tui.sandbox.segment_state import TOKEN as SEGMENT_TOKEN
from cio_tui.sandbox.segment_state import WRITE_KEY as SEGMENT_WRITE_KEY
from cio_tui.sandbox.settings import SandboxSettings


class _QuietDrops(logging.Filter):
    """Injected dropped connections are expected: keep their tracebacks out of the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


class _Server(uvicorn.Server):
    """uvicorn re-raises SIGTERM/SIGINT after shutting down (exit status -15 or a KeyboardInterrupt); the sandbox
    treats them as the normal way to stop and exits 0 after saying so."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _server(db_path: str | Path, settings: SandboxSettings, log_level: str) -> uvicorn.Server:
    logging.getLogger("uvicorn.error").addFilter(_QuietDrops())
    app = create_app(db_path, settings)
    config = uvicorn.Config(app, log_level=log_level, lifespan="off", access_log=False, timeout_graceful_shutdown=3)
    return _Server(config)


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def banner(url: str, db_path: str | Path) -> str:
    return "\n".join(
        [
            f"Sandbox workspace serving at {url}",
            f"  database      {db_path}",
            f"  site id       {SITE_ID}",
            f"  Track key     {TRACK_KEY}",
            f"  App key       {APP_KEY}",
            f"  Track API     {url}/api/v1  {url}/api/v2",
            f"  App API       {url}/v1",
            f"  Segment       Public API {url}/segment (token {SEGMENT_TOKEN}); source write key {SEGMENT_WRITE_KEY}:"
            f" POST {url}/segment/tracking/v1/track",
            "Stop with Ctrl-C.",
        ]
    )


def serve(
    db_path: str | Path,
    settings: SandboxSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8790,
    echo: Callable[[str], None] = print,
    log_level: str = "warning",
) -> None:
    """Serve until SIGTERM/Ctrl-C (blocking)."""
    sock = bind(host, port)
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    server = _server(db_path, settings, log_level)
    echo(banner(f"http://{shown}:{port}", db_path))
    server.run(sockets=[sock])
    sandbox_of(server.config.app).visibility.flush_due(everything=True)  # accepted writes are not lost
    echo("Sandbox stopped.")


class ServerThread:
    """A sandbox on a free loopback port in a background thread: ``with ServerThread(db) as url: ...``."""

    def __init__(self, db_path: str | Path, settings: SandboxSettings | None = None, host: str = "127.0.0.1") -> None:
        self.sock = bind(host, 0)
        self.url = f"http://{host}:{self.sock.getsockname()[1]}"
        self.server = _server(db_path, settings or SandboxSettings(), "error")
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    @property
    def app(self) -> Any:  # the Starlette app, as uvicorn's config holds it
        return self.server.config.app

    def start(self) -> str:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                return self.url
            self.thread.join(0.01)
        raise RuntimeError("the sandbox server did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)
        self.app.state.sandbox.visibility.flush_due(everything=True)  # accepted writes are not lost
        self.app.state.sandbox.store.close()
        self.sock.close()

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
