"""A real PostgreSQL server for the tests that need one: initdb into a temporary folder, pg_ctl start on a unix
socket in that folder (no TCP port, so nothing else on the machine can clash or connect), stopped at the end.

initdb refuses to run as root (CI runs as root), so the server runs as an unprivileged user through ``setpriv``:
the ``postgres`` account when it exists, else ``nobody``. Skips, saying why, only when no server binary exists.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


@dataclass(frozen=True)
class PgServer:
    socket_dir: Path
    port: int

    @property
    def dsn(self) -> str:
        return f"host={self.socket_dir} port={self.port} dbname=postgres user=cio"


def _binaries() -> Path | None:
    candidates = [os.path.dirname(p) for p in [shutil.which("pg_ctl") or "", shutil.which("initdb") or ""] if p]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(os.path.realpath(Path(folder) / "initdb")).parent
    return None


def _as_user(argv: list[str]) -> tuple[list[str], int | None]:
    """``argv`` run as an unprivileged user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return argv, None
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", *argv], user.pw_uid
    pytest.skip("running as root and no unprivileged user (postgres or nobody) to run PostgreSQL as")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bin_dir = _binaries()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
    root = Path(tempfile.mkdtemp(prefix="cio-tui-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    _, uid = _as_user([])
    if uid is not None:
        os.chmod(root, 0o755)
        for folder in (root, sock):
            os.chown(folder, uid, -1)
    port = 5432 + (os.getpid() % 1000) + 10_000  # only names the socket file: no TCP listener
    run = _as_user
    initdb, _ = run([str(bin_dir / "initdb"), "-D", str(data), "-U", "cio", "--auth=trust", "--locale=C",
                     "--encoding=UTF8", "--no-sync"])  # fmt: skip
    subprocess.run(initdb, check=True, capture_output=True)
    opts = f"-c listen_addresses='' -c unix_socket_directories={sock} -p {port} -c fsync=off -c max_connections=20"
    start, _ = run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "start"])
    result = subprocess.run(start, capture_output=True, text=True)
    if result.returncode != 0:
        log = (root / "log").read_text() if (root / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{log}")
    try:
        yield PgServer(sock, port)
    finally:
        stop, _ = run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        subprocess.run(stop, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
