"""Two machines, one plan, one workspace: two `cio-tui apply` processes with their own data folders (their own
journals) start one plan at the same moment against one served sandbox that shows writes late. Exactly one applies;
the other is refused before it sends anything, naming who holds the lease; nothing is sent twice."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from cio_tui.identity.journal import Journal
from cio_tui.identity.lease import LEASE_PREFIX
from cio_tui.sandbox.app import sandbox_of
from cio_tui.sandbox.embedded import SANDBOX_APP_KEY, SANDBOX_SITE_ID, SANDBOX_TRACK_KEY, ensure_seeded
from cio_tui.sandbox.server import ServerThread
from cio_tui.sandbox.settings import SandboxSettings
from cio_tui.sandbox.store import Store

pytestmark = pytest.mark.slow
LEADS = 12
LAG = 1.0  # the served sandbox shows every write a second late: the two runs cannot see each other's lease at once


@pytest.fixture
def served(tmp_path: Path) -> Any:
    db = tmp_path / "ws.db"
    ensure_seeded(db, people=0, seed=3)
    store = Store(db)
    with store.tx():
        for i in range(LEADS):
            store.insert_person(id=None, email=f"lead{i:02d}@two.test", created_at=1_700_000_000, attrs={})
    store.close()
    server = ServerThread(db, SandboxSettings(track_rps=0, app_rps=0, visibility_lag=LAG))
    url = server.start()
    sandbox = sandbox_of(server.app)
    applied: Counter[str] = Counter()
    identify = sandbox.engine.ops.identify

    def counting(path: Any, body: Any, **kw: Any) -> None:
        if not sandbox.visibility.trial:  # the lag's trial run (answering at once) is rolled back
            applied[path.value] += 1
        identify(path, body, **kw)

    sandbox.engine.ops.identify = counting  # type: ignore[method-assign]
    yield url, applied
    server.stop()


def _env(url: str, data: Path, user: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIO_TUI_")}
    env.update(
        PYTHONPATH=os.pathsep.join([os.getcwd(), env.get("PYTHONPATH", "")]),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",  # the plan key is derived from the App key
        USER=user,
        LOGNAME=user,
        CIO_TUI_DATA_DIR=str(data),
        CIO_TUI_CONFIG=str(data / "config.toml"),
        CIO_TUI_SITE_ID=SANDBOX_SITE_ID,
        CIO_TUI_TRACK_API_KEY=SANDBOX_TRACK_KEY,
        CIO_TUI_APP_API_KEY=SANDBOX_APP_KEY,
        CIO_TUI_TRACK_URL=url,
        CIO_TUI_APP_URL=url,
    )
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "cio_tui", *args]


@pytest.mark.long(9)
def test_two_data_folders_one_plan_exactly_one_applies(tmp_path: Path, served: Any) -> None:
    url, applied = served
    a, b = tmp_path / "machine-a", tmp_path / "machine-b"
    ids = tmp_path / "ids.csv"
    ids.write_text("email,id\n" + "".join(f"lead{i:02d}@two.test,two-{i}\n" for i in range(LEADS)))
    plan = tmp_path / "plan.json"
    made = subprocess.run(
        _cli("plan", "convert-leads", "--ids", str(ids), "--out", str(plan)),
        env=_env(url, a, "alice"), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    apply = _cli("apply", str(plan), "--yes", "--visibility-window", "2")
    runs = {
        user: subprocess.Popen(
            apply, env=_env(url, data, user), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )  # fmt: skip
        for user, data in (("alice", a), ("bob", b))
    }
    out = {user: (p.wait(timeout=120), *p.communicate()) for user, p in runs.items()}
    winners = [u for u, (code, _, _) in out.items() if code == 0]
    assert len(winners) == 1, {u: err[-600:] for u, (_, _, err) in out.items()}
    winner = winners[0]
    loser = "bob" if winner == "alice" else "alice"
    code, _, err = out[loser]
    assert code != 0
    assert f"{winner} on " in err and "nothing was sent by this run" in err and "lease person" in err
    # every lead applied exactly once, by the sandbox's own count; nothing else written but the lease person
    leads = {k: n for k, n in applied.items() if not k.startswith(LEASE_PREFIX)}
    assert len(leads) == LEADS and set(leads.values()) == {1}, leads
    # the loser's journal has no intent: it sent nothing (and the winner's has one per lead)
    for user, expect in ((loser, 0), (winner, LEADS)):
        (journal_file,) = (tmp_path / f"machine-{'a' if user == 'alice' else 'b'}").rglob("journal.sqlite")
        with Journal(journal_file) as journal:
            sent = [e for e in journal.entries() if e.state == "sent" and (e.request or {}).get("path")]  # intents
        assert len(sent) == expect, (user, journal_file)
