"""What the app is given: every service the screens use, built by ``cli/tui.py`` (or by a test) and injected.

Screens never build services or do IO themselves: they read ``app.services`` and call them from workers.
The types are imported for the type checker only, so this module imports nothing heavy (first frame stays fast).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pydantic import SecretStr

    from cio_tui.config import Settings
    from cio_tui.credentials import CredentialStore
    from cio_tui.customerio.validate import ProfileCheck, ProfileLike
    from cio_tui.workspace import Workspace
    from cio_tui.workspace_glance import WorkspaceGlance

ProfileChecker = Callable[["ProfileLike", "SecretStr | None", "SecretStr | None"], Awaitable["ProfileCheck"]]
"""A live key check ``(profile, track_key, app_key) -> ProfileCheck``."""


class WorkspaceOpener(Protocol):
    """Opens a workspace: a saved profile by name, the env profile (no name), or the embedded sandbox."""

    def __call__(self, *, profile_name: str | None = None, sandbox: bool = False) -> Awaitable[Workspace]: ...


@dataclass(frozen=True)
class StartChoice:
    """Which workspace the app opens after its first frame. ``None`` of both means: open on Connect."""

    profile_name: str | None = None
    sandbox: bool = False
    env_profile: bool = False

    @property
    def opens_workspace(self) -> bool:
        return self.sandbox or self.env_profile or self.profile_name is not None

    def describe(self) -> str:
        if self.sandbox:
            return "the sandbox workspace"
        if self.profile_name:
            return f"profile {self.profile_name}"
        if self.env_profile:
            return "the profile from CIO_TUI_* environment variables"
        return "no workspace"


def utc_now() -> datetime:
    return datetime.now(UTC)


class AppServices:
    """The app's dependencies. ``settings``/``credentials`` are ``config.Settings`` and ``credentials.CredentialStore``.

    Each may be given as a value or as a ``*_factory`` called on first use, so that ``cio-tui --sandbox`` draws its
    first frame before the settings (pydantic) are even imported. ``start`` likewise (``start_factory``).
    """

    def __init__(
        self,
        settings: Settings | None = None,
        credentials: CredentialStore | None = None,
        open_workspace: WorkspaceOpener | None = None,
        start: StartChoice | None = None,
        workspace: Workspace | None = None,
        clock: Callable[[], datetime] = utc_now,
        check_profile: ProfileChecker | None = None,
        *,
        settings_factory: Callable[[], Settings] | None = None,
        credentials_factory: Callable[[], CredentialStore] | None = None,
        start_factory: Callable[[], StartChoice] | None = None,
        glance_factory: Callable[[], WorkspaceGlance | None] | None = None,
        cache_dir_factory: Callable[[], Path | None] | None = None,
    ) -> None:
        self._settings = settings
        self._credentials = credentials
        self._settings_factory = settings_factory
        self._credentials_factory = credentials_factory
        self._start = start
        self._start_factory = start_factory
        self._glance_factory = glance_factory
        self._cache_dir_factory = cache_dir_factory
        self.open_workspace = open_workspace
        self.workspace = workspace
        self.clock = clock
        self.check_profile = check_profile
        """Live key check ``(profile, track_key, app_key) -> ProfileCheck``; default
        ``cio_tui.customerio.validate.check_profile`` (tests hand in one bound to the sandbox transport)."""

    @property
    def settings(self) -> Settings | None:
        if self._settings is None and self._settings_factory is not None:
            self._settings = self._settings_factory()
        return self._settings

    @settings.setter
    def settings(self, value: Settings | None) -> None:
        self._settings = value

    @property
    def credentials(self) -> CredentialStore | None:
        if self._credentials is None and self._credentials_factory is not None:
            self._credentials = self._credentials_factory()
        return self._credentials

    @credentials.setter
    def credentials(self, value: CredentialStore | None) -> None:
        self._credentials = value

    @property
    def start(self) -> StartChoice:
        if self._start is None:
            self._start = self._start_factory() if self._start_factory is not None else StartChoice()
        return self._start

    @start.setter
    def start(self, value: StartChoice) -> None:
        self._start = value

    def glance(self) -> WorkspaceGlance | None:
        """The workspace the start opens, named before it is open (without the settings model), or None when only
        opening it tells (a saved profile, the environment's)."""
        return self._glance_factory() if self._glance_factory is not None else None

    def cache_dir(self) -> Path | None:
        """The folder for what the app keeps between runs to start faster (``tui/css_cache.py``), known without
        the settings model; None: nothing is kept."""
        return self._cache_dir_factory() if self._cache_dir_factory is not None else None

    @property
    def start_known(self) -> bool:
        """True when ``start`` is decided without loading the settings (``--sandbox``, ``--profile``)."""
        return self._start is not None or self._start_factory is None

    def prepare_sandbox(self, progress: Callable[[int, int], None] | None = None) -> bool:
        """Seed the embedded sandbox if this is its first use; True when it seeded now. Blocking (2,000 people and
        the sandbox's imports): the app runs it in a thread and shows ``progress(done, total)``. Opening the sandbox
        afterwards finds it seeded."""
        if self.settings is None:
            return False
        from cio_tui.workspace_sandbox import prepare_sandbox

        return prepare_sandbox(self.settings, progress)

    async def run_check(
        self, profile: ProfileLike, track_key: SecretStr | None, app_key: SecretStr | None
    ) -> ProfileCheck:
        check = self.check_profile
        if check is None:
            from cio_tui.customerio.validate import check_profile

            check = check_profile
        return await check(profile, track_key, app_key)

    async def check_sandbox(self, workspace: Workspace) -> ProfileCheck:
        """The open sandbox's own keys, checked like a profile's, over the sandbox's in-process transport."""
        import asyncio

        from cio_tui.customerio.validate import check_profile
        from cio_tui.workspace_sandbox import sandbox_keys

        track, app = sandbox_keys()
        transport = await asyncio.to_thread(lambda: workspace.transport)  # builds the client once, off the loop
        return await check_profile(workspace.profile, track, app, transport=transport)


__all__ = ["AppServices", "StartChoice", "WorkspaceOpener", "utc_now"]
