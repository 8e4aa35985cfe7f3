"""What the app is given: every service the screens use, built by ``cli/tui.py`` (or by a test) and injected.

Screens never build services or do IO themselves: they read ``app.services`` and call them from workers.
Types are ``Any``-light protocols so this module imports nothing heavy (first frame stays fast).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from cio_tui.workspace import Workspace


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


@dataclass
class AppServices:
    """The app's dependencies. ``settings``/``credentials`` are the foundation's ``Settings`` and ``CredentialStore``.

    ``extras`` is room for services later screens need (apply engine, duplicate finder...): add a typed field here
    when one becomes common; until then ``services.extras["name"]``.
    """

    settings: Any
    credentials: Any
    open_workspace: WorkspaceOpener
    start: StartChoice = field(default_factory=StartChoice)
    workspace: Workspace | None = None
    clock: Callable[[], datetime] = utc_now
    check_profile: Callable[..., Awaitable[Any]] | None = None
    """Live key check ``(profile, track_key, app_key) -> ProfileCheck``; default
    ``cio_tui.customerio.validate.check_profile`` (tests hand in one bound to the sandbox transport)."""
    extras: dict[str, Any] = field(default_factory=dict)

    async def run_check(self, profile: Any, track_key: Any, app_key: Any) -> Any:
        check = self.check_profile
        if check is None:
            from cio_tui.customerio.validate import check_profile as check
        return await check(profile, track_key, app_key)


__all__ = ["AppServices", "StartChoice", "WorkspaceOpener", "utc_now"]
