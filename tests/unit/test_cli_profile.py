"""`cio-tui profile add|list|remove|check` against a fake Customer.io (MockTransport), keys via stdin only."""

from __future__ import annotations

import json
import tomllib

import keyring
import pytest
from click.testing import CliRunner
from keyring.backends import fail

from cio_tui.cli import main
from cio_tui.cli.context import CliContext
from cio_tui.credentials import SERVICE
from tests.unit.test_client_validate import GOOD_APP, GOOD_TRACK, fake_cio
from tests.unit.test_workspace import Untouchable


@pytest.fixture
def cio(monkeypatch):
    """Route every CLI request to a fake Customer.io account (EU by default)."""
    state = {"region": "eu"}
    original = CliContext.create.__func__

    def create(cls, profile_name=None, sandbox=False, **kw):
        ctx = original(cls, profile_name, sandbox, **kw)
        ctx.transport, state["hosts"] = fake_cio(state["region"])
        return ctx

    monkeypatch.setattr(CliContext, "create", classmethod(create))
    return state


def invoke(*args: str, input: str | None = None):  # noqa: A002 - mirrors CliRunner.invoke
    result = CliRunner().invoke(main, list(args), input=input)
    for secret in (GOOD_TRACK, GOOD_APP, "wrong-track-key"):
        assert secret not in result.output
    return result


def test_add_detects_region_stores_keys_in_keyring_and_config(cio, memory_keyring, isolated_dirs) -> None:
    result = invoke("profile", "add", "prod", "--site-id", "site", input=f"{GOOD_TRACK}\n{GOOD_APP}\n")
    assert result.exit_code == 0, result.output
    assert "Saved profile prod (region eu, site id site)" in result.output
    assert "OS keyring" in result.output
    assert memory_keyring.store == {
        (SERVICE, "prod:track_api_key"): GOOD_TRACK,
        (SERVICE, "prod:app_api_key"): GOOD_APP,
    }
    data = tomllib.loads(isolated_dirs["config"].read_text())
    assert data["default_profile"] == "prod"
    assert data["profiles"]["prod"] == {"region": "eu", "site_id": "site", "track_rps": 100.0, "app_rps": 10.0}
    assert GOOD_TRACK not in isolated_dirs["config"].read_text()


def test_add_with_bad_track_key_says_which_key_and_saves_nothing(cio, memory_keyring, isolated_dirs) -> None:
    result = invoke("profile", "add", "prod", "--site-id", "site", input=f"wrong-track-key\n{GOOD_APP}\n")
    assert result.exit_code == 3
    assert "authentication failed for the Track API key of profile prod" in result.stderr
    assert "Nothing was saved" in result.stderr
    assert memory_keyring.store == {} and not isolated_dirs["config"].exists()


def test_add_with_explicit_wrong_region_fails(cio) -> None:
    result = invoke(
        "profile", "add", "prod", "--site-id", "site", "--region", "us", input=f"{GOOD_TRACK}\n{GOOD_APP}\n"
    )
    assert result.exit_code == 4 and "use --region eu" in result.stderr


def test_add_without_keys_or_site_id_is_usage_error(cio) -> None:
    assert invoke("profile", "add", "prod", input=f"{GOOD_TRACK}\n{GOOD_APP}\n").exit_code == 2
    result = invoke("profile", "add", "prod", "--site-id", "s", input=f"{GOOD_TRACK}\n")
    assert result.exit_code == 2 and "both keys are needed" in result.output
    assert invoke("profile", "add", "bad name", "--site-id", "s", input="a\nb\n").exit_code == 1


def test_add_without_usable_keyring_explains_and_stores_no_keys(cio, isolated_dirs) -> None:
    keyring.set_keyring(fail.Keyring())
    result = invoke("profile", "add", "prod", "--site-id", "site", "--no-check", input=f"{GOOD_TRACK}\n{GOOD_APP}\n")
    assert result.exit_code == 1
    assert "The keys were NOT stored" in result.stderr and "CIO_TUI_TRACK_API_KEY" in result.stderr
    assert "prod" in tomllib.loads(isolated_dirs["config"].read_text())["profiles"]
    leftovers = [p for p in isolated_dirs["config"].parent.rglob("*") if p.is_file()]
    assert all(GOOD_TRACK not in p.read_text() for p in leftovers)


def test_list_and_remove(cio, memory_keyring) -> None:
    invoke("profile", "add", "prod", "--site-id", "site", input=f"{GOOD_TRACK}\n{GOOD_APP}\n")
    invoke(
        "profile",
        "add",
        "stage",
        "--site-id",
        "s2",
        "--no-check",
        "--app-url",
        "http://127.0.0.1:9",
        input=f"{GOOD_TRACK}\n{GOOD_APP}\n",
    )
    listed = invoke("profile", "list")
    assert listed.exit_code == 0
    assert listed.output.splitlines()[0].startswith("* prod")
    assert "app_url=http://127.0.0.1:9" in listed.output and "track key stored" in listed.output
    data = json.loads(invoke("profile", "list", "--json").output)
    assert [(p["name"], p["default"], p["keys"]) for p in data["profiles"]] == [
        ("prod", True, {"track": True, "app": True}),
        ("stage", False, {"track": True, "app": True}),
    ]
    removed = invoke("profile", "remove", "stage", "--yes")
    assert removed.exit_code == 0 and "2 keys deleted" in removed.output
    assert (SERVICE, "stage:app_api_key") not in memory_keyring.store
    assert invoke("profile", "remove", "stage", "--yes").exit_code == 1


def test_check_reports_each_key(cio, memory_keyring) -> None:
    invoke("profile", "add", "prod", "--site-id", "site", input=f"{GOOD_TRACK}\n{GOOD_APP}\n")
    ok = invoke("profile", "check", "prod")
    assert ok.exit_code == 0 and "Track API key: ok" in ok.output and "All good." in ok.output
    memory_keyring.store[(SERVICE, "prod:app_api_key")] = "revoked-app-key"
    bad = invoke("--profile", "prod", "profile", "check")
    assert bad.exit_code == 3
    assert "App API key: FAILED" in bad.output
    assert "authentication failed for the App API key of profile prod" in bad.stderr
    del memory_keyring.store[(SERVICE, "prod:track_api_key")]
    payload = json.loads(invoke("profile", "check", "prod", "--json").output)
    assert payload["track"]["outcome"] == "missing" and payload["ok"] is False
    assert invoke("profile", "check", "nope").exit_code == 1


def test_check_env_profile_never_touches_keyring(cio, monkeypatch) -> None:
    keyring.set_keyring(Untouchable())
    monkeypatch.setenv("CIO_TUI_SITE_ID", "site")
    monkeypatch.setenv("CIO_TUI_TRACK_API_KEY", GOOD_TRACK)
    monkeypatch.setenv("CIO_TUI_APP_API_KEY", GOOD_APP)
    monkeypatch.setenv("CIO_TUI_REGION", "eu")
    result = invoke("profile", "check")
    assert result.exit_code == 0, result.output
    assert "Profile env (region eu" in result.output
    listed = invoke("profile", "list")
    assert "(from CIO_TUI_* variables)" in listed.output


def test_interactive_add_uses_hidden_prompts(cio, memory_keyring, monkeypatch) -> None:
    import cio_tui.cli.profile as profile_mod

    asked: list[tuple[str, bool]] = []
    answers = {"Site id": "site", "Track API key": GOOD_TRACK, "App API key": GOOD_APP}

    def prompt(text, hide_input=False, err=False, **kw):
        asked.append((text, hide_input))
        return answers[text]

    monkeypatch.setattr(profile_mod, "_stdin_is_tty", lambda: True)
    monkeypatch.setattr(profile_mod.click, "prompt", prompt)
    result = invoke("profile", "add", "prod")
    assert result.exit_code == 0, result.output
    assert asked == [("Site id", False), ("Track API key", True), ("App API key", True)]
    assert memory_keyring.store[(SERVICE, "prod:app_api_key")] == GOOD_APP


def test_add_with_segment_stores_the_token_in_the_keyring(cio, memory_keyring, isolated_dirs) -> None:
    token = "sgp_the_segment_token_123"
    result = invoke(
        "profile",
        "add",
        "prod",
        "--site-id",
        "site",
        "--segment",
        "--segment-region",
        "eu",
        input=f"{GOOD_TRACK}\n{GOOD_APP}\n{token}\n",
    )
    assert result.exit_code == 0, result.output
    assert token not in result.output
    assert memory_keyring.store[(SERVICE, "prod:segment_api_key")] == token
    config = tomllib.loads(isolated_dirs["config"].read_text())
    assert config["profiles"]["prod"]["segment_region"] == "eu"
    assert token not in isolated_dirs["config"].read_text()
    missing = invoke("profile", "add", "stage", "--site-id", "site", "--segment", input=f"{GOOD_TRACK}\n{GOOD_APP}\n")
    assert missing.exit_code == 2 and "--segment needs the token" in missing.output


@pytest.mark.parametrize(
    ("answer", "words", "code"),
    [
        (200, "Segment Public API token: ok (1 source(s) readable at https://api.segmentapis.com)", 0),
        (401, "Segment Public API token: Segment refused the token (HTTP 401)", 3),
    ],
)
def test_check_reads_the_segment_token_when_there_is_one(
    monkeypatch, memory_keyring, isolated_dirs, answer, words, code
) -> None:
    import httpx

    original = CliContext.create.__func__

    class Both(httpx.AsyncBaseTransport):
        def __init__(self) -> None:
            self.cio, _ = fake_cio("eu")

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "api.segmentapis.com":
                assert request.headers["authorization"] == "Bearer sgp_token_for_check"
                body = {"data": {"sources": [{"id": "s1", "slug": "web"}], "pagination": {"current": "0"}}}
                return httpx.Response(answer, json=body if answer == 200 else {"errors": [{"type": "auth"}]})
            return await self.cio.handle_async_request(request)

    def create(cls, profile_name=None, sandbox=False, **kw):
        ctx = original(cls, profile_name, sandbox, **kw)
        ctx.transport = Both()
        return ctx

    monkeypatch.setattr(CliContext, "create", classmethod(create))
    added = invoke(
        "profile",
        "add",
        "prod",
        "--site-id",
        "site",
        "--segment",
        input=f"{GOOD_TRACK}\n{GOOD_APP}\nsgp_token_for_check\n",
    )
    assert added.exit_code == 0, added.output
    result = invoke("profile", "check", "prod")
    assert words in result.output and result.exit_code == code
    assert "sgp_token_for_check" not in result.output
