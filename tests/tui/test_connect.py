"""Connect: add/edit profiles with keys in the (in-memory) keyring, confirm before replacing keys, live checks
against the sandbox, the no-keyring fallback, and opening a workspace."""

from __future__ import annotations

import keyring
from keyring.backends import fail
from textual.widgets import Input, Static

from cio_tui.config import Profile, load_settings, save_profile
from cio_tui.credentials import SERVICE
from cio_tui.sandbox.embedded import SANDBOX_APP_KEY, SANDBOX_ORIGIN, SANDBOX_TRACK_KEY
from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.modals.profile_form import ProfileFormModal
from tests.tui.conftest import SIZE, sandbox_profile_fields, settle


async def _fill_form(pilot, **values: str) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, ProfileFormModal)
    for field, value in values.items():
        screen.query_one(f"#pf-{field}", Input).value = value


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_add_profile_saves_config_and_keys_in_keyring_then_checks_live(make_app, memory_keyring, isolated_dirs):
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.current_mode == "connect"
        await pilot.press("a")
        await pilot.pause()
        await _fill_form(
            pilot,
            name="staging",
            site="sandbox",
            track=SANDBOX_TRACK_KEY,
            app=SANDBOX_APP_KEY,
            **{"track-url": SANDBOX_ORIGIN, "app-url": SANDBOX_ORIGIN},
        )
        await pilot.press("ctrl+r")  # save and check
        await settle(pilot)
        await settle(pilot)
        assert memory_keyring.store[(SERVICE, "staging:track_api_key")] == SANDBOX_TRACK_KEY
        assert memory_keyring.store[(SERVICE, "staging:app_api_key")] == SANDBOX_APP_KEY
        saved = load_settings().profiles["staging"]
        assert saved.site_id == "sandbox" and saved.track_url == SANDBOX_ORIGIN
        config_text = isolated_dirs["config"].read_text()
        assert SANDBOX_TRACK_KEY not in config_text and SANDBOX_APP_KEY not in config_text
        result = _text(app, "#check-result")
        assert "Track API key: OK" in result and "App API key: OK" in result and "ALL GOOD" in result
        assert app.screen.last_check.ok


async def test_a_new_profile_needs_both_keys(make_app, memory_keyring):
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await _fill_form(pilot, name="prod", site="abc123", track="tk-123456")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ProfileFormModal)
        assert "Enter the App API key" in str(app.screen.query_one("#pf-error").render())
        await _fill_form(pilot, name="has space")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a valid profile name" in str(app.screen.query_one("#pf-error").render())
        assert memory_keyring.store == {}


def _saved_staging(memory_keyring) -> None:
    save_profile(Profile(name="staging", region="us", **sandbox_profile_fields()), load_settings())
    memory_keyring.set_password(SERVICE, "staging:track_api_key", SANDBOX_TRACK_KEY)
    memory_keyring.set_password(SERVICE, "staging:app_api_key", "wrong-app-key")


async def test_replacing_stored_keys_asks_first(make_app, memory_keyring):
    _saved_staging(memory_keyring)
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await pilot.pause()
        await _fill_form(pilot, app="typed-by-mistake")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal), app.screen.query_one("#pf-error").render()
        assert "already has its App API key" in str(app.screen.query_one(".dialog-body").render())
        await pilot.press("n")
        await settle(pilot)
        assert memory_keyring.store[(SERVICE, "staging:app_api_key")] == "wrong-app-key"
        await pilot.press("e")
        await pilot.pause()
        await _fill_form(pilot, app=SANDBOX_APP_KEY)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert memory_keyring.store[(SERVICE, "staging:app_api_key")] == SANDBOX_APP_KEY


async def test_check_reports_each_key_separately(make_app, memory_keyring):
    _saved_staging(memory_keyring)
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        result = _text(app, "#check-result")
        assert "PROBLEMS FOUND" in result
        assert "Track API key: OK" in result
        assert "App API key: REJECTED" in result
        assert "wrong-app-key" not in result


async def test_open_a_saved_profile_and_the_sandbox_from_connect(make_app, memory_keyring):
    _saved_staging(memory_keyring)
    memory_keyring.set_password(SERVICE, "staging:app_api_key", SANDBOX_APP_KEY)
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert app.workspace.name == "staging" and not app.workspace.is_sandbox
        assert app.current_mode == "walkthrough"
        assert "LIVE" in str(app.screen.query_one("#banner").render())
        await pilot.press("9", "s")
        await settle(pilot)
        assert app.workspace.is_sandbox
        assert "SANDBOX" in str(app.screen.query_one("#banner").render())


async def test_without_a_usable_keyring_keys_stay_in_memory_and_the_choices_are_explained(make_app, memory_keyring):
    keyring.set_keyring(fail.Keyring())
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = _text(app, "#keyring-status")
        assert "SESSION ONLY" in status and "CIO_TUI_TRACK_API_KEY" in status
        assert "never writes keys to a plaintext file" in status
        await pilot.press("a")
        await pilot.pause()
        await _fill_form(
            pilot,
            name="temp",
            site="sandbox",
            track=SANDBOX_TRACK_KEY,
            app=SANDBOX_APP_KEY,
            **{"track-url": SANDBOX_ORIGIN, "app-url": SANDBOX_ORIGIN},
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.services.credentials.get("temp", "app").get_secret_value() == SANDBOX_APP_KEY
        assert not app.services.credentials.persistent
        assert memory_keyring.store == {}


async def test_a_wrong_region_is_detected_and_fixed_in_one_key(make_app, memory_keyring):
    save_profile(Profile(name="staging", region="eu", **sandbox_profile_fields()), load_settings())
    memory_keyring.set_password(SERVICE, "staging:track_api_key", SANDBOX_TRACK_KEY)
    memory_keyring.set_password(SERVICE, "staging:app_api_key", SANDBOX_APP_KEY)
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        result = _text(app, "#check-result")
        assert "workspace in US" in result and "profile says EU" in result and "press r" in result
        await pilot.press("r")
        await settle(pilot)
        await settle(pilot)
        assert load_settings().profiles["staging"].region == "us"
        assert "ALL GOOD" in _text(app, "#check-result")


async def test_the_environment_profile_is_listed_checked_and_opened(make_app, monkeypatch, memory_keyring):
    for name, value in {
        "CIO_TUI_SITE_ID": "sandbox",
        "CIO_TUI_TRACK_API_KEY": SANDBOX_TRACK_KEY,
        "CIO_TUI_APP_API_KEY": SANDBOX_APP_KEY,
        "CIO_TUI_TRACK_URL": SANDBOX_ORIGIN,
        "CIO_TUI_APP_URL": SANDBOX_ORIGIN,
    }.items():
        monkeypatch.setenv(name, value)
    app = make_app(sandbox=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.selected() == "env"
        await pilot.press("k")
        await settle(pilot)
        assert "ALL GOOD" in _text(app, "#check-result")
        await pilot.press("o")
        await settle(pilot)
        assert app.workspace.name == "env"
        assert memory_keyring.store == {}


def test_after_a_transient_server_error_the_advice_is_to_check_again_not_to_paste_a_key() -> None:
    from datetime import UTC, datetime

    from cio_tui.customerio.validate import KeyCheck, ProfileCheck
    from cio_tui.tui.viewmodels.connect_panels import check_text

    now = datetime(2026, 1, 1, tzinfo=UTC)
    ok = KeyCheck(key="track", outcome="ok", message="valid")
    bad_gateway = KeyCheck(key="app", outcome="error", message="Customer.io server error (HTTP 502)")
    text = check_text(ProfileCheck(profile="prod", configured_region="us", track=ok, app=bad_gateway), now)
    assert "paste" not in text
    assert "the keys were not judged" in text and "check again (k) in a moment" in text
    rejected = KeyCheck(key="app", outcome="invalid", message="authentication failed (HTTP 401)")
    text = check_text(ProfileCheck(profile="prod", configured_region="us", track=ok, app=rejected), now)
    assert "paste the rejected or missing key again" in text


async def test_check_with_no_profile_on_the_sandbox_checks_the_sandbox_keys(make_app, memory_keyring):
    app = make_app()  # the sandbox is open, no profile is saved
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        result = _text(app, "#check-result")
        assert "Check of profile sandbox" in result and "ALL GOOD" in result, result
        assert "Track API key: OK" in result and "App API key: OK" in result
        assert SANDBOX_TRACK_KEY not in result and SANDBOX_APP_KEY not in result
