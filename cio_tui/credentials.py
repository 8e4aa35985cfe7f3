"""Where API keys live: the OS keyring (service ``cio-tui``), or a session-only memory store when none is usable.

- One keyring entry per profile and key: user name ``<profile>:track_api_key`` / ``<profile>:app_api_key``.
- The keyring is probed on first use, not at import or construction, so commands that run on the environment
  profile (``CIO_TUI_*`` variables) never touch it. The probe rejects the ``fail`` and ``null`` backends and any
  backend with priority <= 0, and reads a random entry to surface D-Bus/locked-keyring faults.
- When no keyring is usable the store says so (``status``) and keeps keys in memory for this session only.
  It never writes a plaintext file.
- Secrets are ``SecretStr`` everywhere; every key read or stored is registered with ``cio_tui.redaction``, which
  scrubs known secret values from text and log records.
"""

from __future__ import annotations

import logging
import secrets as _secrets
from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import SecretStr

from cio_tui.errors import NextStep, UserError
from cio_tui.redaction import register_secret

SERVICE = "cio-tui"
KeyKind = Literal["track", "app", "segment"]
KEY_KINDS: tuple[KeyKind, ...] = ("track", "app", "segment")
KEY_LABELS: dict[str, str] = {
    "track": "Track API key",
    "app": "App API key",
    "segment": "Segment Public API token",
}

log = logging.getLogger(__name__)


class CredentialError(UserError):
    """Keys are missing or cannot be stored. The message says what to do; it never holds a key."""

    next_step = NextStep.ENTER_KEYS


def entry_name(profile: str, kind: KeyKind) -> str:
    """Keyring user name of one key of one profile."""
    if kind not in KEY_KINDS:
        raise ValueError(f"unknown key kind {kind!r}")
    return f"{profile}:{kind}_api_key"


# -- store -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CredentialStatus:
    """Outcome of the keyring probe, for the Connect screen and ``profile`` commands."""

    backend: Literal["keyring", "memory"]
    backend_name: str
    reason: str | None = None

    @property
    def persistent(self) -> bool:
        return self.backend == "keyring"

    def explain(self) -> str:
        if self.persistent:
            return f"Keys are stored in the OS keyring ({self.backend_name}, service '{SERVICE}')."
        return (
            f"No usable OS keyring: {self.reason or 'none found'}. Keys are kept in memory for this session only "
            "and are forgotten when cio-tui exits. Choices: (1) set CIO_TUI_SITE_ID, CIO_TUI_TRACK_API_KEY, "
            "CIO_TUI_APP_API_KEY (and CIO_TUI_REGION) in the environment, which every command uses without a "
            "keyring; (2) install and unlock a keyring (on headless Linux: `dbus-run-session -- sh`, then "
            "`gnome-keyring-daemon --unlock`), or choose a backend with PYTHON_KEYRING_BACKEND; "
            "(3) continue with session-only keys. cio-tui never writes keys to a plaintext file."
        )


class PasswordBackend(Protocol):
    """What the store needs of a keyring backend (``keyring.backend.KeyringBackend`` and the session store)."""

    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...
    def delete_password(self, service: str, username: str) -> None: ...


class _MemoryBackend:
    """Session-only storage: a dict in this process."""

    name = "session memory"

    def __init__(self) -> None:
        self._data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._data.pop((service, username), None)


def _backend_name(backend: object) -> str:
    cls = type(backend)
    return getattr(backend, "name", None) or f"{cls.__module__}.{cls.__qualname__}"


def probe_keyring(backend: PasswordBackend | None = None) -> tuple[PasswordBackend | None, CredentialStatus]:
    """Check that a keyring backend is usable. Returns (backend or None, status)."""
    try:
        import keyring
        from keyring.backends import fail, null
    except Exception as exc:  # noqa: BLE001 - keyring itself may fail to import on odd systems
        return None, CredentialStatus("memory", "none", f"the keyring library cannot load ({type(exc).__name__})")
    try:
        backend = backend if backend is not None else keyring.get_keyring()
    except Exception as exc:  # noqa: BLE001
        return None, CredentialStatus("memory", "none", f"no keyring backend could be selected ({exc})")
    name = _backend_name(backend)
    if isinstance(backend, fail.Keyring | null.Keyring):
        return None, CredentialStatus("memory", name, f"the keyring backend is '{name}', which stores nothing")
    try:
        priority = float(getattr(backend, "priority", 0.0))  # a property of keyring backends
    except Exception:  # noqa: BLE001 - backends compute priority lazily and may raise when unusable
        priority = 0.0
    if priority <= 0:
        return None, CredentialStatus("memory", name, f"the keyring backend '{name}' reports itself unusable")
    try:
        backend.get_password(SERVICE, f"probe-{_secrets.token_hex(6)}")
    except Exception as exc:  # noqa: BLE001 - D-Bus faults, locked collections, missing daemons
        return None, CredentialStatus(
            "memory", name, f"the keyring backend '{name}' failed a test read ({type(exc).__name__}: {exc})"
        )
    return backend, CredentialStatus("keyring", name)


_session_plan_keys: dict[str, str] = {}  # plan keys of this process when no keyring is usable


class CredentialStore:
    """Get, set and delete the two API keys of each profile.

    ``CredentialStore()`` probes lazily; pass ``backend=`` to use a specific keyring backend, or
    ``CredentialStore.memory()`` for a store that never touches the keyring (tests, sandbox).
    """

    def __init__(self, backend: PasswordBackend | None = None, *, memory_only: bool = False) -> None:
        self._requested = backend
        self._backend: PasswordBackend | None = None
        self._status: CredentialStatus | None = None
        if memory_only:
            self._use_memory(CredentialStatus("memory", _MemoryBackend.name, "session-only store chosen"))

    @classmethod
    def memory(cls) -> CredentialStore:
        return cls(memory_only=True)

    # -- probe ---------------------------------------------------------------------------------------------
    def _use_memory(self, status: CredentialStatus) -> None:
        self._backend = _MemoryBackend()
        self._status = status

    def _ensure(self) -> PasswordBackend:
        if self._status is None:
            backend, status = probe_keyring(self._requested)
            if backend is None:
                log.info("keyring unusable, keys kept in memory for this session: %s", status.reason)
                self._use_memory(status)
            else:
                self._backend, self._status = backend, status
        assert self._backend is not None  # set with the status, by the probe or the session store
        return self._backend

    @property
    def status(self) -> CredentialStatus:
        """The probe outcome (probes on first access)."""
        self._ensure()
        assert self._status is not None
        return self._status

    @property
    def persistent(self) -> bool:
        return self.status.persistent

    def use_session_memory(self, reason: str = "session-only store chosen") -> None:
        """Switch to the session-only store (e.g. after the operator chose it on the Connect screen)."""
        self._use_memory(CredentialStatus("memory", _MemoryBackend.name, reason))

    # -- operations -----------------------------------------------------------------------------------------
    def get(self, profile: str, kind: KeyKind) -> SecretStr | None:
        backend = self._ensure()
        try:
            value = backend.get_password(SERVICE, entry_name(profile, kind))
        except Exception as exc:  # noqa: BLE001
            raise CredentialError(
                f"cannot read the {KEY_LABELS[kind]} of profile '{profile}' from the keyring "
                f"({type(exc).__name__}); unlock the keyring or use the CIO_TUI_* environment variables"
            ) from None
        if not value:
            return None
        register_secret(value)
        return SecretStr(value)

    def set(self, profile: str, kind: KeyKind, secret: SecretStr) -> None:
        if not isinstance(secret, SecretStr):
            raise TypeError("keys are passed as SecretStr")
        value = secret.get_secret_value().strip()
        if not value:
            raise CredentialError(f"the {KEY_LABELS[kind]} is empty")
        register_secret(value)
        backend = self._ensure()
        try:
            backend.set_password(SERVICE, entry_name(profile, kind), value)
        except Exception as exc:  # noqa: BLE001
            raise CredentialError(
                f"cannot store the {KEY_LABELS[kind]} of profile '{profile}' in the keyring "
                f"({type(exc).__name__}); unlock the keyring, or use the CIO_TUI_* environment variables"
            ) from None

    def delete(self, profile: str, kind: KeyKind) -> bool:
        """Delete one key. Returns False when there was none."""
        backend = self._ensure()
        name = entry_name(profile, kind)
        try:
            if backend.get_password(SERVICE, name) is None:
                return False
            backend.delete_password(SERVICE, name)
        except Exception as exc:  # noqa: BLE001 - keyring.errors.PasswordDeleteError and backend faults
            raise CredentialError(
                f"cannot delete the {KEY_LABELS[kind]} of profile '{profile}' ({type(exc).__name__})"
            ) from None
        return True

    def delete_profile(self, profile: str) -> int:
        """Delete every key of a profile (the Segment token too); returns how many existed."""
        return sum(self.delete(profile, kind) for kind in KEY_KINDS)

    def plan_key(self, fingerprint: str, *, fallback: bytes | None = None) -> bytes:
        """The HMAC key that signs this workspace's plans, made on first use and kept in the keyring. Without a
        usable keyring: ``fallback`` (a key derived from the workspace's App key, the same in every process), else
        one kept in this process's session store (never a file), so plans made then can be applied in this session
        only (or with ``--allow-unsigned``)."""
        name = f"plan-signing:{fingerprint}"
        backend = self._ensure()
        if not self.persistent:
            if fallback is not None:
                return fallback
            return bytes.fromhex(_session_plan_keys.setdefault(name, _secrets.token_hex(32)))
        try:
            value = backend.get_password(SERVICE, name)
            if not value:
                value = _secrets.token_hex(32)
                backend.set_password(SERVICE, name, value)
                value = backend.get_password(SERVICE, name) or value
            return bytes.fromhex(value)
        except ValueError:
            raise CredentialError(
                f"the plan-signing key of this workspace in the keyring ({SERVICE} / {name}) is damaged; delete "
                "that entry (a new key is made; plans made before must then be made again)"
            ) from None
        except Exception as exc:  # noqa: BLE001 - any keyring fault, at any call
            raise CredentialError(
                f"cannot read or store the plan-signing key in the keyring ({type(exc).__name__}); unlock the "
                "keyring and try again"
            ) from None

    def set_profile_keys(self, profile: str, track_key: SecretStr, app_key: SecretStr) -> None:
        self.set(profile, "track", track_key)
        self.set(profile, "app", app_key)

    def keys(self, profile: str) -> tuple[SecretStr | None, SecretStr | None]:
        """(track_key, app_key) of a profile; None for a missing one."""
        return self.get(profile, "track"), self.get(profile, "app")

    def require_keys(self, profile: str) -> tuple[SecretStr, SecretStr]:
        """Both keys, or CredentialError naming the missing one(s) and what to do."""
        track, app = self.keys(profile)
        missing = [KEY_LABELS[k] for k, v in (("track", track), ("app", app)) if v is None]
        if missing:
            where = "the OS keyring" if self.persistent else "this session (no usable keyring)"
            raise CredentialError(
                f"the {' and the '.join(missing)} of profile '{profile}' {'is' if len(missing) == 1 else 'are'} "
                f"not in {where}: run `cio-tui profile add {profile}` to enter them, or set CIO_TUI_SITE_ID, "
                "CIO_TUI_TRACK_API_KEY and CIO_TUI_APP_API_KEY"
            )
        assert track is not None and app is not None
        return track, app


__all__ = [
    "KEY_KINDS",
    "KEY_LABELS",
    "SERVICE",
    "CredentialError",
    "CredentialStatus",
    "CredentialStore",
    "KeyKind",
    "entry_name",
    "probe_keyring",
]
