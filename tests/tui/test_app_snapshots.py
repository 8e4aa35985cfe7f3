"""Snapshots of the shell, People and Connect in their key states (look at every SVG before committing it)."""

from __future__ import annotations

from textual.widgets import Input, Select

from cio_tui.config import Profile, load_settings, save_profile
from cio_tui.credentials import SERVICE
from cio_tui.sandbox.embedded import SANDBOX_TRACK_KEY
from tests.tui.conftest import SIZE, SMALL, fake_workspace, sandbox_profile_fields, settle


def lookup(text: str, kind: str = "auto", *keys: str):
    async def before(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#lookup-kind", Select).value = kind
        pilot.app.screen.query_one("#lookup-input", Input).value = text
        await pilot.click("#lookup-input")
        await pilot.press("enter")
        await settle(pilot)
        if keys:
            await pilot.press(*keys)
            await settle(pilot)

    return before


# -- shell ----------------------------------------------------------------------------------------------
def test_shell_live_banner_and_go_to(snap_compare, make_app):
    # Plan/Apply with no plan: nothing to type in, so g is the go-to key (on an empty People it is typed)
    app = make_app("plan", sandbox=False, workspace=fake_workspace("acme-prod", "eu"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle, press=["escape", "g"])


# -- People ---------------------------------------------------------------------------------------------
def test_people_empty(snap_compare, make_app):
    assert snap_compare(make_app("people"), terminal_size=SIZE, run_before=settle)


def test_people_loaded(snap_compare, make_app):
    assert snap_compare(make_app("people"), terminal_size=SIZE, run_before=lookup("cio_a30000a9"))


def test_people_loaded_small(snap_compare, make_app):
    assert snap_compare(make_app("people"), terminal_size=SMALL, run_before=lookup("u0000001"))


def test_people_activity_flagged(snap_compare, make_app):
    app = make_app("people")
    assert snap_compare(app, terminal_size=SIZE, run_before=lookup("cio_a30000a9", "auto", "escape", "a"))


def test_people_error_invalid_email(snap_compare, make_app):
    assert snap_compare(make_app("people"), terminal_size=SIZE, run_before=lookup("eva@", "email"))


def test_people_help_small(snap_compare, make_app):
    assert snap_compare(make_app("people"), terminal_size=SMALL, run_before=settle, press=["escape", "question_mark"])


# -- Connect --------------------------------------------------------------------------------------------
def _staging(memory_keyring, app_key: str = "wrong-app-key") -> None:
    save_profile(Profile(name="staging", region="us", **sandbox_profile_fields()), load_settings())
    memory_keyring.set_password(SERVICE, "staging:track_api_key", SANDBOX_TRACK_KEY)
    memory_keyring.set_password(SERVICE, "staging:app_api_key", app_key)


def test_connect_no_profile(snap_compare, make_app):
    assert snap_compare(make_app(sandbox=False), terminal_size=SIZE, run_before=settle)


def test_connect_add_form_small(snap_compare, make_app):
    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"prod", "tab", *"f00dcafe", "tab", "tab", *"secret-track-key")

    assert snap_compare(make_app(sandbox=False), terminal_size=SMALL, run_before=before)


def test_connect_check_result(snap_compare, make_app, memory_keyring):
    _staging(memory_keyring)

    async def before(pilot) -> None:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)

    assert snap_compare(make_app(sandbox=False), terminal_size=SIZE, run_before=before)


def test_connect_no_keyring(snap_compare, make_app):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    assert snap_compare(make_app(sandbox=False), terminal_size=SIZE, run_before=settle)
