"""``cio-tui`` with no command: build the app's services from the CLI context and run the terminal UI.

Which workspace opens (after the first frame, in a worker): ``--sandbox`` the embedded sandbox; ``--profile NAME`` that
profile; else the ``CIO_TUI_SITE_ID`` environment profile; else the default (or only) saved profile; else none, and
the app opens on Connect.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx
    from pydantic import SecretStr

    from cio_tui.cli.context import CliContext
    from cio_tui.config import Settings
    from cio_tui.credentials import CredentialStore
    from cio_tui.customerio.validate import ProfileCheck, ProfileLike
    from cio_tui.tui.services import AppServices, StartChoice
    from cio_tui.workspace import Workspace
    from cio_tui.workspace_glance import WorkspaceGlance


def start_choice(settings: Settings | None, *, profile_name: str | None, sandbox: bool) -> StartChoice:
    from cio_tui.tui.services import StartChoice

    if sandbox:
        return StartChoice(sandbox=True)
    if profile_name:
        return StartChoice(profile_name=profile_name)
    if getattr(settings, "has_env_profile", False):
        return StartChoice(env_profile=True)
    profiles = getattr(settings, "profiles", {}) or {}
    default = getattr(settings, "default_profile", None)
    if default and default in profiles:
        return StartChoice(profile_name=default)
    if len(profiles) == 1:
        return StartChoice(profile_name=next(iter(profiles)))
    return StartChoice()


def make_services(
    *,
    settings: Settings | None = None,
    credentials: CredentialStore | None = None,
    profile_name: str | None = None,
    sandbox: bool = False,
    start: StartChoice | None = None,
    transport: Callable[[], httpx.AsyncBaseTransport] | None = None,
    clock: Callable[[], datetime] | None = None,
) -> AppServices:
    """The one factory of the app's services: the CLI (``build_services``), the TUI tests and
    ``scripts/screenshots.py`` all build them here, so that what is tested is what runs.

    ``settings``/``credentials``: given values, or None to load them on first use. ``start``: which workspace opens,
    or None to decide from ``profile_name``/``sandbox`` and the settings. ``transport``: called for the httpx
    transport that saved profiles and live key checks use (tests and screenshots: the embedded sandbox's); None
    means the network. ``clock``: the app's clock (tests freeze it).

    No IO and no settings load here: the settings (and so pydantic) and the credential store are built on first
    use, after the first frame, so that ``cio-tui --sandbox`` starts about as fast as a bare Textual app.
    """
    from cio_tui.tui.services import AppServices, StartChoice

    def settings_factory() -> Settings:
        from cio_tui.redaction import install_log_redaction

        install_log_redaction()  # before any secret can be read (CliContext defers it for the first frame)
        if settings is not None:
            return settings
        from cio_tui.config import load_settings

        return load_settings()  # ConfigError is reported by the app (it exits with the message)

    def credentials_factory() -> CredentialStore:
        if credentials is not None:
            return credentials
        from cio_tui.credentials import CredentialStore

        return CredentialStore()  # probes the keyring lazily, on first use (in a worker)

    async def open_workspace(*, profile_name: str | None = None, sandbox: bool = False) -> Workspace:
        from cio_tui.workspace import open_workspace as open_ws

        given = transport() if transport is not None and not sandbox else None
        # the factories above always give both
        loaded, store = services.settings, services.credentials
        assert loaded is not None and store is not None
        return await open_ws(loaded, store, profile_name=profile_name, sandbox=sandbox, transport=given)

    async def check_profile(
        profile: ProfileLike, track_key: SecretStr | None, app_key: SecretStr | None
    ) -> ProfileCheck:
        from cio_tui.customerio.validate import check_profile as check

        return await check(profile, track_key, app_key, transport=transport() if transport is not None else None)

    def glance() -> WorkspaceGlance | None:
        """The sandbox is named, and its folder found, without the settings model: the first area draws at once."""
        if not (start.sandbox if start is not None else sandbox):
            return None
        from cio_tui.config_file import ConfigError, data_dir_path
        from cio_tui.workspace_glance import sandbox_glance

        try:
            root = settings.data_dir if settings is not None else data_dir_path()
        except ConfigError:  # an unreadable config file: the settings load says so (and the app leaves)
            return None
        return sandbox_glance(root)

    def cache_dir() -> Path | None:
        """The user's cache folder (not the data dir, which gets copied and handed over: see tui/css_cache.py)."""
        from cio_tui.config_file import cache_dir_path

        return cache_dir_path()

    if start is None and (sandbox or profile_name):
        start = StartChoice(sandbox=True) if sandbox else StartChoice(profile_name=profile_name)
    services = AppServices(
        open_workspace=open_workspace,
        start=start,
        check_profile=check_profile,
        settings_factory=settings_factory,
        credentials_factory=credentials_factory,
        start_factory=lambda: start_choice(services.settings, profile_name=profile_name, sandbox=sandbox),
        glance_factory=glance,
        cache_dir_factory=cache_dir,
    )
    if clock is not None:
        services.clock = clock
    return services


def build_services(ctx: CliContext) -> AppServices:
    """AppServices from a ``CliContext`` (settings, credentials, profile/sandbox choice): ``make_services``."""
    given = getattr(ctx, "transport", None)  # tests only; None means the network
    return make_services(
        settings=getattr(ctx, "_settings", None),  # settings handed to CliContext.create (tests); else loaded
        credentials=getattr(ctx, "_credentials", None),
        profile_name=getattr(ctx, "profile_name", None),
        sandbox=bool(getattr(ctx, "sandbox", False)),
        transport=(lambda: given) if given is not None else None,
    )


def run_tui(ctx: CliContext) -> int:
    """Run the TUI; its exit code (2 when it stopped on an error it reported, such as an unreadable config file)."""
    return _run(lambda: build_services(ctx))


def run_tui_with(*, profile_name: str | None, sandbox: bool) -> int:
    """``run_tui`` for a context made of these two options alone (``CliContext.create(profile_name, sandbox)``,
    with no settings, credentials or transport given), without building it, so that the console script's start
    (``cio_tui.cli.entry``) opens the TUI without importing click."""
    return _run(lambda: make_services(profile_name=profile_name, sandbox=sandbox))


def _run(services: Callable[[], AppServices]) -> int:
    from cio_tui.tui import heap

    heap.pause_collection()  # until the first area is drawn (Textual's imports included): see tui/heap.py
    try:
        from cio_tui.tui.app import CioApp

        app = CioApp(services())
        app.run()
        return app.return_code or 0
    finally:
        heap.resume_collection()


__all__ = ["build_services", "make_services", "run_tui", "run_tui_with", "start_choice"]
