"""Settings (pydantic-settings): workspace profiles (non-secret), paths (platformdirs), limits.

Priority: init arguments > environment (``CIO_TUI_*``, nested with ``__``) > TOML config file > defaults.
The config file lives in the platform config dir (``platformdirs``) unless ``CIO_TUI_CONFIG`` names another one;
the data dir (journals, sandbox, walkthrough state) is ``CIO_TUI_DATA_DIR`` or the platform data dir.

Secrets never come from and never go to the config file: API keys live in the OS keyring
(:mod:`cio_tui.credentials`) or, for CI and scripts, in the environment profile (``CIO_TUI_SITE_ID``,
``CIO_TUI_TRACK_API_KEY``, ``CIO_TUI_APP_API_KEY``, ``CIO_TUI_REGION``, ``CIO_TUI_TRACK_URL``, ``CIO_TUI_APP_URL``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import tomli_w
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from cio_tui.config_file import (
    ENV_PROFILE_NAME,
    ConfigError,
    default_config_file,
    default_data_dir,
    read_config_file,
)
from cio_tui.regions import Region

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

SECRET_FIELDS = frozenset({"track_api_key", "app_api_key", "segment_token"})
PROFILE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_profile_name(name: str) -> str:
    if not PROFILE_NAME_RE.match(name or ""):
        raise ConfigError(
            f"'{name}' is not a valid profile name: use letters, digits, '-', '_' or '.' (at most 64, no spaces)"
        )
    if name == ENV_PROFILE_NAME:
        raise ConfigError(f"'{ENV_PROFILE_NAME}' is reserved for the profile read from CIO_TUI_* variables")
    return name


class Profile(BaseModel):
    """A named workspace: the non-secret half. Its keys live in the credential store under the same name."""

    model_config = ConfigDict(extra="ignore")

    name: str
    """Profile name, as given to ``--profile``."""
    region: Region = "us"
    """Data centre of the workspace: ``us`` or ``eu``."""
    site_id: str
    """Track API site id (the Basic-auth user name)."""
    track_url: str | None = None
    """Track API origin override (no path), e.g. a proxy or the sandbox."""
    app_url: str | None = None
    """App API origin override (no path)."""
    track_rps: float = Field(default=100.0, gt=0)
    """Track API rate limit, requests per second."""
    app_rps: float = Field(default=10.0, gt=0)
    """App API rate limit, requests per second."""
    segment_region: Region | None = None
    """Region of the Segment workspace feeding this one (``us``, the default: api.segmentapis.com; ``eu``: eu1)."""
    segment_url: str | None = None
    """Segment Public API base URL override (a proxy or the sandbox). Its token lives in the keyring."""

    @field_validator("track_url", "app_url")
    @classmethod
    def _origin(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+$", v):
            raise ValueError("an API URL is an origin like https://track.example.com (scheme and host, no path)")
        return v

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("site_id")
    @classmethod
    def _site_id(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("the site id is empty")
        return v

    def origins(self) -> tuple[str, str]:
        """(track_origin, app_origin): the overrides when set, else the documented hosts of the region."""
        from cio_tui.regions import default_origins

        track, app = default_origins(self.region)
        return self.track_url or track, self.app_url or app

    def to_toml(self) -> dict[str, Any]:
        return self.model_dump(exclude={"name"}, exclude_none=True)


class _TomlFileSource(PydanticBaseSettingsSource):
    """The TOML config file. Secret fields found in it are ignored (keys never live in files)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self.path = path

    def get_field_value(
        self, field: FieldInfo, field_name: str
    ) -> tuple[object, str, bool]:  # pragma: no cover - unused
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        data = read_config_file(self.path)
        data.pop("config_file", None)
        for name in SECRET_FIELDS:
            data.pop(name, None)
        return data


class Settings(BaseSettings):
    """cio-tui settings. Every field can be set in the config file, or as ``CIO_TUI_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(
        env_prefix="CIO_TUI_",
        env_nested_delimiter="__",
        env_ignore_empty=True,
        extra="ignore",
        populate_by_name=True,
    )

    config_file: Path = Field(
        default_factory=default_config_file,
        validation_alias=AliasChoices("config_file", "CIO_TUI_CONFIG"),
    )
    """Path of the TOML config file (``CIO_TUI_CONFIG``)."""
    data_dir: Path = Field(default_factory=default_data_dir)
    """Where journals, walkthrough state and the sandbox database live (``CIO_TUI_DATA_DIR``)."""
    default_profile: str | None = None
    """Profile used when ``--profile`` is not given."""
    profiles: dict[str, Profile] = Field(default_factory=dict)
    """Named workspace profiles (``[profiles.NAME]`` tables in the config file)."""
    timeout: float = Field(default=15.0, gt=0)
    """HTTP timeout in seconds."""
    max_retries: int = Field(default=4, ge=0, le=10)
    """Retries of a read (and of a write that surely did not take effect)."""

    # -- the environment profile (CI, scripts): never read from the file -----------------------------
    site_id: str | None = None
    """``CIO_TUI_SITE_ID``: when set, every command uses the environment profile and never the keyring."""
    track_api_key: SecretStr | None = None
    """``CIO_TUI_TRACK_API_KEY``."""
    app_api_key: SecretStr | None = None
    """``CIO_TUI_APP_API_KEY``."""
    region: Region | None = None
    """``CIO_TUI_REGION`` (``us`` when unset)."""
    track_url: str | None = None
    """``CIO_TUI_TRACK_URL``: Track origin override."""
    app_url: str | None = None
    """``CIO_TUI_APP_URL``: App origin override."""
    segment_token: SecretStr | None = None
    """``CIO_TUI_SEGMENT_TOKEN``: Segment Public API token (overrides the profile's token in the keyring)."""
    segment_url: str | None = None
    """``CIO_TUI_SEGMENT_URL``: Segment Public API base URL override."""

    @field_validator("region", mode="before")
    @classmethod
    def _region(cls, v: object) -> object:
        return v.strip().lower() if isinstance(v, str) else v

    @field_validator("profiles", mode="before")
    @classmethod
    def _name_profiles(cls, v: object) -> object:
        if isinstance(v, dict):
            return {name: ({**body, "name": name} if isinstance(body, dict) else body) for name, body in v.items()}
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        path = _config_path_from(init_settings)
        return init_settings, env_settings, _TomlFileSource(settings_cls, path)

    # -- profiles ---------------------------------------------------------------------------------------
    @property
    def has_env_profile(self) -> bool:
        return bool(self.site_id)

    def env_profile(self) -> Profile | None:
        """The profile described by ``CIO_TUI_SITE_ID`` & co, or None when ``CIO_TUI_SITE_ID`` is unset."""
        if not self.site_id:
            return None
        try:
            return Profile(
                name=ENV_PROFILE_NAME,
                region=self.region or "us",
                site_id=self.site_id,
                track_url=self.track_url,
                app_url=self.app_url,
            )
        except ValidationError as exc:
            raise ConfigError(f"the CIO_TUI_* environment profile is invalid: {_first_error(exc)}") from exc

    def get_profile(self, name: str | None = None) -> Profile:
        """The named profile, else the default one, else the only one. Raises ConfigError saying what to do."""
        if name is None:
            name = self.default_profile
            if name is None:
                if len(self.profiles) == 1:
                    return next(iter(self.profiles.values()))
                if not self.profiles:
                    raise ConfigError(
                        "no workspace profile is configured: run `cio-tui profile add NAME`, set CIO_TUI_SITE_ID "
                        "and the key variables, or use --sandbox"
                    )
                raise ConfigError(
                    f"several profiles exist ({', '.join(sorted(self.profiles))}): choose one with --profile NAME"
                )
        if name not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(f"no profile named '{name}' (known: {known}); add it with `cio-tui profile add {name}`")
        return self.profiles[name]


def _config_path_from(init_settings: PydanticBaseSettingsSource) -> Path:
    init_kwargs = init_settings.init_kwargs if isinstance(init_settings, InitSettingsSource) else {}
    raw = init_kwargs.get("config_file") or os.environ.get("CIO_TUI_CONFIG")
    return Path(raw).expanduser() if raw else default_config_file()


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg')}" if where else str(err.get("msg"))


def load_settings(**overrides: object) -> Settings:
    """Build the settings (init overrides > env > file > defaults); a bad file or value becomes ConfigError."""
    try:  # each override is validated (and coerced) by pydantic at run time, like a value from the file or env
        return Settings(**cast("dict[str, Any]", overrides))
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {_first_error(exc)}") from exc


# -- writing the file: profiles only, never secrets -----------------------------------------------------
def _write_config(path: Path, data: dict[str, Any]) -> None:
    for name in SECRET_FIELDS:
        data.pop(name, None)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # owner-only (0600): no secrets in it, but site ids and the operator's workspace names
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as fh:
        tomli_w.dump(data, fh)
    os.replace(tmp, path)


def save_profile(profile: Profile, settings: Settings | None = None, *, make_default: bool | None = None) -> Path:
    """Add or replace ``profile`` in the config file (other content kept). Returns the file path.

    The first profile saved becomes the default unless ``make_default`` is False.
    """
    check_profile_name(profile.name)
    settings = settings or load_settings()
    path = settings.config_file
    data = read_config_file(path)
    profiles = data.setdefault("profiles", {})
    profiles[profile.name] = profile.to_toml()
    if make_default or (make_default is None and not data.get("default_profile")):
        data["default_profile"] = profile.name
    _write_config(path, data)
    settings.profiles[profile.name] = profile
    if data.get("default_profile") == profile.name:
        settings.default_profile = profile.name
    return path


def remove_profile(name: str, settings: Settings | None = None) -> bool:
    """Remove a profile from the config file. Returns False when it was not there. Keys are not touched here."""
    settings = settings or load_settings()
    path = settings.config_file
    data = read_config_file(path)
    profiles = data.get("profiles") or {}
    if name not in profiles:
        return False
    del profiles[name]
    if data.get("default_profile") == name:
        data.pop("default_profile")
        if settings.default_profile == name:
            settings.default_profile = None
    _write_config(path, data)
    settings.profiles.pop(name, None)
    return True


__all__ = [
    "ConfigError",
    "ENV_PROFILE_NAME",
    "Profile",
    "Region",
    "Settings",
    "check_profile_name",
    "load_settings",
    "remove_profile",
    "save_profile",
]
