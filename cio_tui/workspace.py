"""The workspace the operator is working on: which profile, its client, and its folder for local state.

``open_workspace`` decides where the workspace comes from, in this order:
1. ``sandbox=True``: the embedded in-process sandbox (no account, no keyring);
2. the environment profile (``CIO_TUI_SITE_ID`` + ``CIO_TUI_TRACK_API_KEY`` + ``CIO_TUI_APP_API_KEY``...), which
   never touches the keyring;
3. the named (or default) profile from the config file, with its keys from the credential store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from cio_tui.config_file import ENV_PROFILE_NAME, ConfigError
from cio_tui.private_files import private_dir
from cio_tui.workspace_glance import WorkspaceGlance, sandbox_glance, workspace_dir_in
from cio_tui.workspace_sandbox import (
    SANDBOX_NAME,
    ensure_seeded,
    sandbox_db_path,
    sandbox_keys,
    sandbox_profile,
    sandbox_settings_reader,
)

if TYPE_CHECKING:  # the HTTP stack loads with the first client built (Workspace.client), and the settings model and
    # the keyring with the first workspace opened: a workspace can be named (WorkspaceGlance) before either
    import httpx
    from pydantic import SecretStr

    from cio_tui.config import Profile, Settings
    from cio_tui.credentials import CredentialStore
    from cio_tui.customerio.client import ClientOptions, CustomerIOClient

Connection = tuple["CustomerIOClient", "httpx.AsyncBaseTransport | None"]
"""A workspace's client and the transport it uses when it is not the network (the sandbox, tests)."""


def fingerprint_of(region: str, site_id: str, origins: tuple[str, str] | None = None) -> str:
    """Names a workspace without revealing its site id: the site id and, when they are not the region's documented
    hosts, the API origins the keys reach (one rule, ``regions.fingerprint``)."""
    from cio_tui.regions import fingerprint

    return fingerprint(region, site_id, origins)


def workspace_dir(settings: Settings, fingerprint: str) -> Path:
    """Per-workspace folder (journal, walkthrough state, saved preview sets), keyed by fingerprint so that
    renaming a profile keeps its history."""
    return workspace_dir_in(settings.data_dir, fingerprint)


@dataclass
class Workspace:
    name: str
    """Profile name (``sandbox`` for the sandbox, ``env`` for the environment profile)."""
    region: str
    is_sandbox: bool
    profile: Profile
    connect: Callable[[], Connection]
    """Builds the client and its transport, once, on first use of ``client`` or ``transport``: a workspace is open
    (named, with its folder) before any HTTP module is imported, so the TUI shows it first and builds the client in
    a thread afterwards. Nothing is sent when the client is built."""
    fingerprint: str
    data_dir: Path
    credentials: CredentialStore | None = None
    read_own_settings: Callable[[], dict[str, Any]] | None = None
    """For a workspace that can tell its own behaviour settings (the embedded sandbox): a function that reads them
    now (identifier mode, auto-merge, email updates by id). ``None`` for Customer.io, which does not publish them."""

    derived_plan_key: bytes | None = field(default=None, repr=False)
    """The plan-signing key derived from the App API key, used where no keyring can keep a random one."""
    _connection: Connection | None = field(default=None, init=False, repr=False)
    _connecting: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def _connected(self) -> Connection:
        with self._connecting:  # a warm-up thread and the event loop may both ask first: one client
            if self._connection is None:
                self._connection = self.connect()
            return self._connection

    @property
    def client(self) -> CustomerIOClient:
        return self._connected()[0]

    @property
    def transport(self) -> httpx.AsyncBaseTransport | None:
        """The transport the client uses when it is not the network (the sandbox, tests): Segment's client shares
        it."""
        return self._connected()[1]

    @property
    def connected(self) -> bool:
        """True once the client is built (``client`` would not import or build anything)."""
        return self._connection is not None

    def plan_key(self) -> bytes:
        """The key that signs this workspace's plans (the sandbox's is public; see ``identity/signing.py``)."""
        if self.is_sandbox:
            from cio_tui.identity.signing import SANDBOX_PLAN_KEY

            return SANDBOX_PLAN_KEY
        from cio_tui.credentials import CredentialStore

        return (self.credentials or CredentialStore()).plan_key(self.fingerprint, fallback=self.derived_plan_key)

    def own_settings(self) -> dict[str, Any]:
        """The workspace's settings as it reports them, ``{}`` when it cannot. Reads a file for the sandbox: call
        it off the event loop in the TUI."""
        if self.read_own_settings is None:
            return {}
        try:
            return self.read_own_settings()
        except Exception:  # best effort: an unreadable sandbox file falls back to the next source of settings
            return {}

    async def aclose(self) -> None:
        if self._connection is not None:  # a client never built has nothing to close
            await self._connection[0].aclose()

    async def __aenter__(self) -> Workspace:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def describe(self) -> str:
        kind = "sandbox" if self.is_sandbox else f"region {self.region.upper()}"
        return f"{self.name} ({kind})"

    @property
    def confirm_word(self) -> str:
        """What the operator types to confirm a write. The environment profile is always called ``env``, the same
        word for every workspace, so it proves nothing: its site id names the workspace instead."""
        return self.profile.site_id if self.name == ENV_PROFILE_NAME and not self.is_sandbox else self.name

    @property
    def confirm_label(self) -> str:
        """What ``confirm_word`` is, in words, for the prompt."""
        return "site id" if self.confirm_word != self.name else "workspace name"


if TYPE_CHECKING:  # the lower layers code against this view of a workspace
    from cio_tui.identity.workspace_view import WorkspaceView

    _satisfies: type[WorkspaceView] = Workspace


@dataclass(frozen=True)
class ClearedData:
    """What ``clear_workspace_data`` removed and what it kept (paths under the workspace folder)."""

    folder: Path
    removed: list[str]
    kept: list[str]


# Kept on a reset: the calls the operator saved in Preview are their app's calls, not data of the workspace.
KEPT_ON_RESET = ("callsets",)


def clear_workspace_data(folder: Path, keep: tuple[str, ...] = KEPT_ON_RESET) -> ClearedData:
    """Remove everything cio-tui recorded about a workspace (journal, Walkthrough state, audit and export files,
    saved plans) except the entries named in ``keep``. Used when the sandbox starts over: its journal would describe
    people who no longer exist, and its Walkthrough an audit of another population."""
    import shutil

    removed: list[str] = []
    kept: list[str] = []
    if not folder.is_dir():
        return ClearedData(folder, removed, kept)
    for entry in sorted(folder.iterdir()):
        if entry.name in keep:
            kept.append(entry.name)
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
        removed.append(entry.name)
    return ClearedData(folder, removed, kept)


def build_client(
    settings: Settings,
    profile: Profile,
    track_key: SecretStr,
    app_key: SecretStr,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    **options: Unpack[ClientOptions],
) -> CustomerIOClient:
    from cio_tui.customerio.client import CustomerIOClient

    track_origin, app_origin = profile.origins()
    return CustomerIOClient(
        track_origin=track_origin,
        app_origin=app_origin,
        site_id=profile.site_id,
        track_key=track_key,
        app_key=app_key,
        transport=transport,
        track_rps=profile.track_rps,
        app_rps=profile.app_rps,
        timeout=settings.timeout,
        max_retries=settings.max_retries,
        **options,
    )


def resolve_profile(
    settings: Settings, credentials: CredentialStore, profile_name: str | None = None
) -> tuple[Profile, SecretStr, SecretStr]:
    """(profile, track_key, app_key) for a real workspace: the environment profile when ``CIO_TUI_SITE_ID`` is
    set, else the named/default profile with keys from the credential store. Raises ConfigError/CredentialError."""
    env = settings.env_profile()
    if env is not None:
        missing = [
            name
            for name, value in (
                ("CIO_TUI_TRACK_API_KEY", settings.track_api_key),
                ("CIO_TUI_APP_API_KEY", settings.app_api_key),
            )
            if value is None or not value.get_secret_value()
        ]
        if missing:
            from cio_tui.credentials import CredentialError

            raise CredentialError(
                f"CIO_TUI_SITE_ID is set but {' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not: "
                "set both keys in the environment (the environment profile never uses the keyring)"
            )
        assert settings.track_api_key is not None and settings.app_api_key is not None
        return env, settings.track_api_key, settings.app_api_key
    profile = settings.get_profile(profile_name)
    track, app = credentials.require_keys(profile.name)
    return profile, track, app


async def open_workspace(
    settings: Settings,
    credentials: CredentialStore,
    *,
    profile_name: str | None = None,
    sandbox: bool = False,
    transport: httpx.AsyncBaseTransport | None = None,
    **client_options: Unpack[ClientOptions],
) -> Workspace:
    """Open the workspace to work on (see the module docstring for the order). The caller closes it
    (``await ws.aclose()`` or ``async with``). ``transport`` overrides the network (tests)."""
    if profile_name and not sandbox and settings.has_env_profile and profile_name != ENV_PROFILE_NAME:
        # The environment profile wins; say so rather than silently ignoring --profile.
        raise ConfigError(
            f"--profile {profile_name} was given but CIO_TUI_SITE_ID is set, and the environment profile always "
            "wins: unset the CIO_TUI_* variables to use a saved profile"
        )
    if sandbox:
        profile = sandbox_profile()
        db_path = sandbox_db_path(settings)
        if transport is None:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            ensure_seeded(db_path)  # seeded once opened, as before; the app and model load on the first request
        track, app = sandbox_keys()
        name, is_sandbox = SANDBOX_NAME, True
        read_own_settings: Callable[[], dict[str, Any]] | None = sandbox_settings_reader(db_path)
    else:
        profile, track, app = resolve_profile(settings, credentials, profile_name)
        name, is_sandbox = profile.name, False
        read_own_settings = None

    def connect() -> Connection:
        used = transport
        if used is None and sandbox:
            from cio_tui.sandbox.embedded import lazy_embedded_transport

            used = lazy_embedded_transport(sandbox_db_path(settings))
        return build_client(settings, profile, track, app, transport=used, **client_options), used

    fingerprint = fingerprint_of(profile.region, profile.site_id, profile.origins())
    data_dir = private_dir(workspace_dir(settings, fingerprint))
    return Workspace(
        name=name,
        region=profile.region,
        is_sandbox=is_sandbox,
        profile=profile,
        connect=connect,
        fingerprint=fingerprint,
        data_dir=data_dir,
        credentials=credentials,
        read_own_settings=read_own_settings,
        derived_plan_key=None if is_sandbox else derive_plan_key(app, fingerprint),
    )


def derive_plan_key(app_key: SecretStr, fingerprint: str) -> bytes:
    """A plan-signing key derived from the App API key (HMAC-SHA256): the same in every process that has the key,
    so a plan made by one command can be applied by the next where no keyring keeps a random key (headless
    machines, the environment profile in CI). Whoever holds the App key can already write to the workspace, so
    a signature made with it proves as much as the keyring's key: the plan was made by someone with the keys."""
    import hashlib
    import hmac

    return hmac.new(
        app_key.get_secret_value().encode(), b"cio-tui plan signing\0" + fingerprint.encode(), hashlib.sha256
    ).digest()


__all__ = [
    "KEPT_ON_RESET",
    "ClearedData",
    "clear_workspace_data",
    "Workspace",
    "build_client",
    "fingerprint_of",
    "open_workspace",
    "resolve_profile",
    "workspace_dir",
    "workspace_dir_in",
    "WorkspaceGlance",
    "sandbox_glance",
]
