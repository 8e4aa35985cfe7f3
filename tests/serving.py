"""Start a server process that announces ``serving at URL`` (``cio-tui sandbox serve``, the bench's reference
server) and wait for its URL: shared by the tests and ``bench/bench_sandbox.py``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence

SERVING = re.compile(r"serving at (http://\S+)")


def sandbox_serve(*args: str) -> list[str]:
    """The command line of ``cio-tui sandbox serve ARGS`` in this interpreter (this checkout's code)."""
    return [sys.executable, "-m", "cio_tui", "sandbox", "serve", *args]


def start_serving(cmd: Sequence[str], *, merge_stderr: bool = False) -> tuple[subprocess.Popen[str], str]:
    """Run ``cmd`` unbuffered and read its output up to the ``serving at URL`` line; (process, URL). The lines
    after it are left for the caller to read from ``process.stdout``."""
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else None,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if m := SERVING.search(line):
            return proc, m.group(1)
    proc.wait(10)
    raise RuntimeError(f"{' '.join(cmd[:6])} ended (exit code {proc.returncode}) before it said where it serves")
