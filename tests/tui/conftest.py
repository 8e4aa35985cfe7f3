"""Deterministic fixtures for TUI tests (Pilot and snapshots). See docs/tui-conventions.md.

- ``make_app(...)``: a ``CioApp`` over real services (settings and data dir under tmp_path, the autouse in-memory
  keyring, the embedded sandbox seeded on first use), a fixed clock and animations off.
- ``SIZE`` (100x32) and ``SMALL`` (80x24) terminal sizes; ``settle(pilot)`` waits for every worker and a refresh.
- The text cursor never blinks (autouse), so snapshots do not flake.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from cio_tui.tui.app import CioApp
from cio_tui.tui.services import AppServices, StartChoice

SIZE = (100, 32)
SMALL = (80, 24)
FIXED_NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    return FIXED_NOW


def _busy(app: Any) -> bool:
    """A worker still running, or a message still queued anywhere on the screen (a click's message bubbling up to
    the screen that starts the worker takes several rounds; on a loaded machine more than one pause)."""
    if any(w.is_running for w in app.workers):
        return True
    return any(not node._message_queue.empty() for node in (app, *app.screen.walk_children(with_self=True)))


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the app is quiet: the workspace it opens by itself open (it starts opening once the first area has
    drawn its glance), every worker done (lookups...), no message left to handle, then a refresh."""
    await pilot.pause()
    for _ in range(500):  # at most about 10 s of a workspace still opening
        if not getattr(pilot.app, "opening_workspace", False):
            break
        await pilot.pause(0.02)
    for _ in range(50):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not _busy(pilot.app):
            break
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.fixture(scope="session")
def css_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One user cache folder per session (per xdist worker) for the parsed stylesheets (``tui/css_cache.py``)."""
    return tmp_path_factory.mktemp("css-cache-home")


@pytest.fixture(autouse=True)
def shared_css_cache(css_cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's stylesheets parsed once per worker, not once per test: every app a TUI test starts finds the rules
    the previous one saved, as a user's second start does (a cache that draws exactly what parsing draws:
    ``test_css_cache.py``, which has a fresh folder per test, checks it). Each start saved to the test's own empty
    folder parsed every stylesheet and pickled them again, a few percent of a TUI test's CPU."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(css_cache_home))


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor is the classic snapshot flake: keep it always visible."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


def fake_workspace(name: str = "Acme prod", region: str = "us", *, is_sandbox: bool = False, client: Any = None) -> Any:
    """A stand-in workspace for shell-only tests (banner, navigation) that never reach the API."""
    return SimpleNamespace(
        name=name,
        region=region,
        is_sandbox=is_sandbox,
        profile=None,
        client=client,
        fingerprint=f"{region}:0000000000000000",
        data_dir=None,
    )


def sandbox_profile_fields() -> dict[str, str]:
    """Profile fields that point a saved profile at the sandbox (keys: ``SANDBOX_TRACK_KEY``/``SANDBOX_APP_KEY``)."""
    from cio_tui.sandbox.embedded import SANDBOX_ORIGIN, SANDBOX_SITE_ID

    return {"site_id": SANDBOX_SITE_ID, "track_url": SANDBOX_ORIGIN, "app_url": SANDBOX_ORIGIN}


def real_services(
    *,
    start: StartChoice,
    opener: Callable[..., Any] | None = None,
    saved_profiles_on_sandbox: bool = True,
) -> AppServices:
    """The production services (``cli.tui.make_services``) on the test's tmp config/data dirs, the in-memory
    keyring and the fixed clock.

    With ``saved_profiles_on_sandbox`` (default) saved profiles and live key checks talk to the embedded sandbox
    through its in-process transport: no test ever reaches the network.
    """
    from cio_tui.cli.tui import make_services
    from cio_tui.config import load_settings
    from cio_tui.credentials import CredentialStore

    settings = load_settings()

    def transport() -> Any:
        from cio_tui.sandbox.embedded import embedded_transport
        from cio_tui.workspace_sandbox import sandbox_db_path

        path = sandbox_db_path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        return embedded_transport(path)

    services = make_services(
        settings=settings,
        credentials=CredentialStore(),
        start=start,
        transport=transport if saved_profiles_on_sandbox else None,
        clock=fixed_clock,
    )
    if opener is not None:
        services.open_workspace = opener
    return services


@pytest.fixture
def make_app() -> Callable[..., CioApp]:
    """``make_app(area="people")`` -> a CioApp on the seeded sandbox, opened after its first frame.

    ``sandbox=False`` starts with no workspace (the app opens on Connect); ``profile="NAME"`` opens a saved profile;
    ``opener=`` replaces the workspace opener (e.g. one that raises); ``workspace=`` hands in an open one.
    """

    def factory(
        area: str | None = None,
        *,
        sandbox: bool = True,
        profile: str | None = None,
        opener: Callable[..., Any] | None = None,
        workspace: Any = None,
    ) -> CioApp:
        start = StartChoice(profile_name=profile, sandbox=sandbox and profile is None)
        services = real_services(start=start, opener=opener)
        services.workspace = workspace
        app = CioApp(services, initial_area=area)
        app.animation_level = "none"
        return app

    return factory


__all__ = ["FIXED_NOW", "SIZE", "SMALL", "fake_workspace", "real_services", "sandbox_profile_fields", "settle"]
