"""open_workspace: sandbox, environment profile (no keyring), saved profile with keyring keys."""

from __future__ import annotations

import hashlib

import keyring
import pytest
from pydantic import SecretStr

from cio_tui.config import ConfigError, Profile, load_settings, save_profile
from cio_tui.credentials import CredentialError, CredentialStore
from cio_tui.workspace import fingerprint_of, open_workspace


def test_fingerprint() -> None:
    assert fingerprint_of("eu", "site") == "eu:" + hashlib.sha256(b"site").hexdigest()[:16]


async def test_saved_profile_with_keys_from_keyring(isolated_dirs) -> None:
    settings = load_settings()
    save_profile(Profile(name="prod", region="eu", site_id="s1", app_rps=5), settings)
    creds = CredentialStore()
    creds.set_profile_keys("prod", SecretStr("tk-aaaa"), SecretStr("ak-bbbb"))
    ws = await open_workspace(load_settings(), creds)
    async with ws:
        assert (ws.name, ws.region, ws.is_sandbox) == ("prod", "eu", False)
        assert ws.fingerprint == fingerprint_of("eu", "s1")
        assert ws.data_dir == isolated_dirs["data"] / "workspaces" / ws.fingerprint.replace(":", "-")
        assert ws.data_dir.is_dir()
        assert ws.client.track_origin == "https://track-eu.customer.io"
        assert ws.client.app_limiter.rate == 5


async def test_missing_keys_and_unknown_profile(isolated_dirs) -> None:
    settings = load_settings()
    save_profile(Profile(name="prod", site_id="s1"), settings)
    with pytest.raises(CredentialError, match="profile add prod"):
        await open_workspace(settings, CredentialStore())
    with pytest.raises(ConfigError, match="no profile named 'x'"):
        await open_workspace(settings, CredentialStore(), profile_name="x")


class Untouchable(keyring.backend.KeyringBackend):
    priority = 9  # type: ignore[assignment]

    def get_password(self, service, username):
        raise AssertionError("keyring touched")

    set_password = delete_password = get_password


async def test_env_profile_never_touches_keyring(monkeypatch) -> None:
    keyring.set_keyring(Untouchable())
    monkeypatch.setenv("CIO_TUI_SITE_ID", "envsite")
    monkeypatch.setenv("CIO_TUI_TRACK_API_KEY", "tk-env")
    monkeypatch.setenv("CIO_TUI_APP_API_KEY", "ak-env")
    monkeypatch.setenv("CIO_TUI_TRACK_URL", "http://127.0.0.1:9")
    ws = await open_workspace(load_settings(), CredentialStore())
    async with ws:
        assert ws.name == "env" and ws.client.track_origin == "http://127.0.0.1:9"
        assert ws.client.app_origin == "https://api.customer.io"
    with pytest.raises(ConfigError, match="environment profile always wins"):
        await open_workspace(load_settings(), CredentialStore(), profile_name="prod")
    monkeypatch.delenv("CIO_TUI_APP_API_KEY")
    with pytest.raises(CredentialError, match="CIO_TUI_APP_API_KEY"):
        await open_workspace(load_settings(), CredentialStore())


async def test_sandbox_workspace(isolated_dirs) -> None:
    keyring.set_keyring(Untouchable())
    ws = await open_workspace(load_settings(), CredentialStore(), sandbox=True)
    async with ws:
        assert (ws.name, ws.is_sandbox) == ("sandbox", True)
        info = await ws.client.region()
        assert info.region == "us"
        assert str(ws.data_dir).startswith(str(isolated_dirs["data"]))
    assert any((isolated_dirs["data"] / "sandbox").iterdir())


def test_each_workspace_the_keys_reach_has_its_own_folder():
    """Served sandbox, embedded sandbox and production (same site id) never share a journal."""
    from cio_tui.sandbox.embedded import SANDBOX_ORIGIN

    prod = fingerprint_of("us", "sandbox", ("https://track.customer.io", "https://api.customer.io"))
    assert prod == fingerprint_of("us", "sandbox")  # the documented hosts keep their existing folder
    embedded = fingerprint_of("us", "sandbox", (SANDBOX_ORIGIN, SANDBOX_ORIGIN))
    served = fingerprint_of("us", "sandbox", ("http://127.0.0.1:18131", "http://127.0.0.1:18131"))
    assert len({prod, embedded, served}) == 3
