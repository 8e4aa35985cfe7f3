"""The served sandbox answers the recorded live responses of Customer.io's Node library (status and body), in the
order they were recorded (identify first, delete last)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from cio_tui.sandbox.server import ServerThread
from cio_tui.sandbox.settings import SandboxSettings
from tests.contract.harness import APP_HEADERS, TRACK_AUTH

FIXTURES = json.loads((Path(__file__).parents[1] / "fixtures" / "customerio_node_responses.json").read_text())


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    server = ServerThread(tmp_path_factory.mktemp("node") / "ws.db", SandboxSettings(track_rps=0, app_rps=0))
    url = server.start()
    with httpx.Client(base_url=url, timeout=10) as client:
        yield client
    server.stop()


def test_every_recorded_response_is_reproduced(served: httpx.Client) -> None:
    for case in FIXTURES["cases"]:
        content = json.dumps(case["body"]).encode() if case["body"] is not None else b""
        if case.get("api") == "app":
            r = served.request(case["method"], case["path"], headers=APP_HEADERS)
        else:
            r = served.request(
                case["method"],
                case["path"],
                content=content,
                auth=TRACK_AUTH,
                headers={"Content-Type": "application/json"},
            )
        assert (case["name"], r.status_code, r.json()) == (case["name"], case["status"], case["response"])


def test_the_recorded_calls_left_what_they_say(served: httpx.Client) -> None:
    """After the sequence the person is gone (destroy answered {} and took effect)."""
    r = served.get("/v1/customers/fixture-1/attributes", headers=APP_HEADERS)
    assert r.status_code == 404
    assert r.json() == {"errors": [{"detail": "resource not found", "status": "404"}]}
