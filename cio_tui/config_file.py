"""Where the config file and the data dir are, read without the settings model (no pydantic).

``config.Settings`` is the full configuration; this leaf holds the two paths' rules and the file reader it uses, so
that ``cio-tui --sandbox`` can find its data dir (and draw its first area) before pydantic-settings is imported:
``CIO_TUI_DATA_DIR`` (non-empty) > ``data_dir`` in the config file > the platform data dir; the config file is
``CIO_TUI_CONFIG`` (non-empty) or the platform config dir's ``config.toml``. tests/unit/test_config.py checks that
``Settings`` agrees. The cache folder (what the app keeps only to start faster) is the user's, never in the data
dir: ``$XDG_CACHE_HOME/cio-tui`` when that variable is set, else the platform cache dir (``~/.cache/cio-tui``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs

from cio_tui.errors import NextStep, UserError

APP_NAME = "cio-tui"
ENV_PROFILE_NAME = "env"
"""The name of the profile read from ``CIO_TUI_*`` variables (reserved: no saved profile may take it)."""


class ConfigError(UserError):
    """The configuration cannot be used as it is (bad file, unknown profile...). The message says what to do."""

    next_step = NextStep.FIX_PROFILE


def default_config_file() -> Path:
    return platformdirs.user_config_path(APP_NAME) / "config.toml"


def default_data_dir() -> Path:
    return platformdirs.user_data_path(APP_NAME)


def cache_dir_path() -> Path:
    """The user's cache folder for cio-tui (``$XDG_CACHE_HOME/cio-tui`` first, as on Linux, so that tests and
    scripts point it at a temporary folder through the environment on every platform)."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):  # the XDG rule: a relative value is ignored
        return Path(xdg) / APP_NAME
    return platformdirs.user_cache_path(APP_NAME)


def read_config_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    import tomllib  # only when there is a file to read (``cio-tui --sandbox`` often has none)

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc}. Fix or remove it") from exc


def _env(name: str) -> str | None:
    """A ``CIO_TUI_*`` variable as the settings read it: any letter case, empty means unset."""
    value = os.environ.get(name)
    if value is None:
        wanted = name.lower()
        value = next((v for k, v in os.environ.items() if k.lower() == wanted), None)
    return value or None


def config_file_path() -> Path:
    raw = _env("CIO_TUI_CONFIG")
    return Path(raw).expanduser() if raw else default_config_file()


def data_dir_path() -> Path:
    """The data dir the settings would have (raises ``ConfigError`` when the config file cannot be read)."""
    raw = _env("CIO_TUI_DATA_DIR")
    if raw:
        return Path(raw)
    configured = read_config_file(config_file_path()).get("data_dir")
    return Path(configured) if isinstance(configured, str) and configured else default_data_dir()


__all__ = [
    "APP_NAME",
    "ENV_PROFILE_NAME",
    "ConfigError",
    "cache_dir_path",
    "config_file_path",
    "data_dir_path",
    "default_config_file",
    "default_data_dir",
    "read_config_file",
]
