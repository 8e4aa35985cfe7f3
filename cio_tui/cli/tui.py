"""``cio-tui`` with no command: build the app's services from the CLI context and run the terminal UI.

Which workspace opens (after the first frame, in a worker): ``--sandbox`` the embedded sandbox; ``--profile NAME`` that
profile; else the ``CIO_TUI_SITE_ID`` environment profile; else the default (or only) saved profile; else none, and
the app opens on Connect.
"""

from __future__ import annotations

from typing import Any


def start_choice(settings: Any, *, profile_name: str | None, sandbox: bool) -> Any:
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


def build_services(ctx: Any) -> Any:
    """AppServices from a ``CliContext`` (settings, credentials, profile/sandbox choice).

    No IO and no settings load here: the settings (and so pydantic) and the credential store are built on first
    use, after the first frame, so that ``cio-tui --sandbox`` starts about as fast as a bare Textual app.
    """
    from cio_tui.tui.services import AppServices, StartChoice

    def settings() -> Any:
        from cio_tui.credentials import install_log_redaction

        install_log_redaction()  # before any secret can be read (CliContext defers it for the first frame)
        loaded = getattr(ctx, "_settings", None)  # settings handed to CliContext.create (tests); else load them
        if loaded is None:
            from cio_tui.config import load_settings

            loaded = load_settings()  # ConfigError is reported by the app (it exits with the message)
        return loaded

    services: Any = None

    def credentials() -> Any:
        store = getattr(ctx, "_credentials", None)
        if store is None:
            from cio_tui.credentials import CredentialStore

            store = CredentialStore()  # probes the keyring lazily, on first use (in a worker)
        return store

    transport = getattr(ctx, "transport", None)  # tests only; None means the network

    async def open_workspace(*, profile_name: str | None = None, sandbox: bool = False) -> Any:
        from cio_tui.workspace import open_workspace as open_ws

        extra = {"transport": transport} if transport is not None and not sandbox else {}
        return await open_ws(services.settings, services.credentials, profile_name=profile_name, sandbox=sandbox,
                             **extra)

    async def check_profile(profile: Any, track_key: Any, app_key: Any) -> Any:
        from cio_tui.customerio.validate import check_profile as check

        return await check(profile, track_key, app_key, transport=transport)

    profile_name = getattr(ctx, "profile_name", None)
    sandbox = bool(getattr(ctx, "sandbox", False))
    known = StartChoice(sandbox=True) if sandbox else StartChoice(profile_name=profile_name) if profile_name else None
    services = AppServices(
        open_workspace=open_workspace,
        start=known,
        check_profile=check_profile,
        settings_factory=settings,
        credentials_factory=credentials,
        start_factory=lambda: start_choice(services.settings, profile_name=profile_name, sandbox=sandbox),
    )
    return services


def run_tui(ctx: Any) -> None:
    from cio_tui.tui.app import CioApp

    CioApp(build_services(ctx)).run()


__all__ = ["build_services", "run_tui", "start_choice"]
