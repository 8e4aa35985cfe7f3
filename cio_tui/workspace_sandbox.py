"""The embedded sandbox as a workspace: its profile, keys, fingerprint, database and seeding.

Everything heavy (the settings model, pydantic, the sandbox's app and seeding) is imported inside the functions, so
naming the sandbox costs nothing at start.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import SecretStr

    from cio_tui.config import Profile, Settings

SANDBOX_NAME = "sandbox"
SANDBOX_RPS = 1000.0


def sandbox_db_path(settings: Settings) -> Path:
    """The embedded sandbox database (shared by ``--sandbox`` and ``cio-tui sandbox serve``)."""
    from cio_tui.sandbox.seeding import default_db_path

    return default_db_path(settings.data_dir)


def prepare_sandbox(settings: Settings, progress: Callable[[int, int], None] | None = None) -> bool:
    """Seed the embedded sandbox if this is its first use; True when it seeded now. Blocking: run it in a thread,
    with ``progress(done, total)``."""
    from cio_tui.sandbox.seeding import ensure_seeded

    path = sandbox_db_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    return ensure_seeded(path, progress=progress)


def sandbox_profile() -> Profile:
    from cio_tui.config import Profile
    from cio_tui.sandbox.credentials import ORIGIN as SANDBOX_ORIGIN
    from cio_tui.sandbox.credentials import SITE_ID as SANDBOX_SITE_ID

    return Profile(
        name=SANDBOX_NAME,
        region="us",
        site_id=SANDBOX_SITE_ID,
        track_url=SANDBOX_ORIGIN,
        app_url=SANDBOX_ORIGIN,
        track_rps=SANDBOX_RPS,
        app_rps=SANDBOX_RPS,
    )


def sandbox_fingerprint() -> str:
    """The embedded sandbox's fingerprint (its own origin: a served sandbox or production never shares its folder)."""
    from cio_tui.regions import fingerprint

    profile = sandbox_profile()
    return fingerprint(profile.region, profile.site_id, profile.origins())


def sandbox_keys() -> tuple[SecretStr, SecretStr]:
    """The embedded sandbox's Track and App API keys (public, documented: not secrets), for checking them."""
    from cio_tui.sandbox.credentials import APP_KEY, TRACK_KEY

    return _secret(TRACK_KEY), _secret(APP_KEY)


def _secret(value: str) -> SecretStr:
    from pydantic import SecretStr

    return SecretStr(value)


def ensure_seeded(db_path: Path) -> None:
    """Seed the sandbox database at ``db_path`` if it is new (blocking)."""
    from cio_tui.sandbox.seeding import ensure_seeded as seed

    seed(db_path)


_OWN_SETTINGS = ("mode", "auto_merge", "email_update_by_id")


def sandbox_settings_reader(db_path: Path) -> Callable[[], dict[str, Any]]:
    """Reads the sandbox's own behaviour settings (identifier mode, auto-merge, email updates by id) when called."""

    def read() -> dict[str, Any]:
        from cio_tui.sandbox.info import workspace_info

        info = workspace_info(db_path)
        return {key: info[key] for key in _OWN_SETTINGS if key in info}

    return read


__all__ = [
    "SANDBOX_NAME",
    "SANDBOX_RPS",
    "ensure_seeded",
    "prepare_sandbox",
    "sandbox_db_path",
    "sandbox_fingerprint",
    "sandbox_keys",
    "sandbox_profile",
    "sandbox_settings_reader",
]
