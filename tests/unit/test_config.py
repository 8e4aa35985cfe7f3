"""Settings: sources and priority, profiles in the TOML file, the environment profile, no secrets in files."""

from __future__ import annotations

import tomllib

import pytest

from cio_tui.config import ConfigError, Profile, check_profile_name, load_settings, remove_profile, save_profile


def write(path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_defaults_and_paths_come_from_env(isolated_dirs) -> None:
    s = load_settings()
    assert s.config_file == isolated_dirs["config"]
    assert s.data_dir == isolated_dirs["data"]
    assert s.profiles == {} and s.timeout == 15.0 and s.max_retries == 4
    assert not s.has_env_profile


def test_priority_init_over_env_over_file(isolated_dirs, monkeypatch) -> None:
    write(isolated_dirs["config"], 'timeout = 20\nmax_retries = 2\ndefault_profile = "a"\n')
    s = load_settings()
    assert (s.timeout, s.max_retries, s.default_profile) == (20.0, 2, "a")
    monkeypatch.setenv("CIO_TUI_TIMEOUT", "30")
    assert load_settings().timeout == 30.0
    assert load_settings().max_retries == 2
    assert load_settings(timeout=5).timeout == 5.0


def test_config_file_override_by_init(tmp_path) -> None:
    other = tmp_path / "other.toml"
    write(other, "timeout = 7\n")
    assert load_settings(config_file=other).timeout == 7.0


def test_profiles_read_from_file_with_nested_env_override(isolated_dirs, monkeypatch) -> None:
    write(isolated_dirs["config"], '[profiles.prod]\nregion = "eu"\nsite_id = "abc"\n')
    monkeypatch.setenv("CIO_TUI_PROFILES__prod__APP_RPS", "5")
    prof = load_settings().get_profile()
    assert prof == Profile(name="prod", region="eu", site_id="abc", app_rps=5)
    assert prof.origins() == ("https://track-eu.customer.io", "https://api-eu.customer.io")


def test_secrets_in_the_file_are_ignored(isolated_dirs) -> None:
    write(isolated_dirs["config"], 'track_api_key = "file-secret"\nsite_id = "s"\n')
    s = load_settings()
    assert s.track_api_key is None


def test_origins_overrides() -> None:
    p = Profile(name="x", site_id="s", track_url="http://127.0.0.1:8080/", app_url="http://127.0.0.1:8081")
    assert p.origins() == ("http://127.0.0.1:8080", "http://127.0.0.1:8081")
    assert Profile(name="x", site_id="s").origins() == ("https://track.customer.io", "https://api.customer.io")
    with pytest.raises(ValueError):
        Profile(name="x", site_id="s", track_url="https://host/api/v1")


def test_save_and_remove_profile_writes_toml_without_secrets(isolated_dirs) -> None:
    s = load_settings()
    path = save_profile(Profile(name="prod", site_id="site1", region="eu"), s)
    save_profile(Profile(name="stage", site_id="site2", track_rps=50), s)
    data = tomllib.loads(path.read_text())
    assert data == {
        "default_profile": "prod",
        "profiles": {
            "prod": {"region": "eu", "site_id": "site1", "track_rps": 100.0, "app_rps": 10.0},
            "stage": {"region": "us", "site_id": "site2", "track_rps": 50.0, "app_rps": 10.0},
        },
    }
    again = load_settings()
    assert again.get_profile().name == "prod"
    assert again.get_profile("stage").track_rps == 50
    assert remove_profile("prod", again) is True
    assert remove_profile("prod", again) is False
    data = tomllib.loads(path.read_text())
    assert "default_profile" not in data and list(data["profiles"]) == ["stage"]
    assert load_settings().get_profile().name == "stage"  # the only one left


def test_get_profile_errors_say_what_to_do(isolated_dirs) -> None:
    with pytest.raises(ConfigError, match="profile add"):
        load_settings().get_profile()
    s = load_settings()
    save_profile(Profile(name="a", site_id="1"), s, make_default=False)
    save_profile(Profile(name="b", site_id="2"), s, make_default=False)
    with pytest.raises(ConfigError, match="--profile"):
        load_settings().get_profile()
    with pytest.raises(ConfigError, match="no profile named 'c'"):
        load_settings().get_profile("c")


def test_profile_names_are_checked() -> None:
    assert check_profile_name("prod-eu_1.x") == "prod-eu_1.x"
    for bad in ("", "has space", "env", "-x"):
        with pytest.raises(ConfigError):
            check_profile_name(bad)


def test_env_profile(monkeypatch) -> None:
    monkeypatch.setenv("CIO_TUI_SITE_ID", "envsite")
    monkeypatch.setenv("CIO_TUI_TRACK_API_KEY", "tk-secret")
    monkeypatch.setenv("CIO_TUI_APP_API_KEY", "ak-secret")
    monkeypatch.setenv("CIO_TUI_REGION", "EU")
    monkeypatch.setenv("CIO_TUI_APP_URL", "http://localhost:9000")
    s = load_settings()
    prof = s.env_profile()
    assert prof is not None and s.has_env_profile
    assert (prof.name, prof.region, prof.site_id) == ("env", "eu", "envsite")
    assert prof.origins() == ("https://track-eu.customer.io", "http://localhost:9000")
    assert s.track_api_key.get_secret_value() == "tk-secret"
    assert "tk-secret" not in repr(s) and "ak-secret" not in str(s)


def test_bad_file_is_a_config_error(isolated_dirs) -> None:
    write(isolated_dirs["config"], "this is = = not toml")
    with pytest.raises(ConfigError, match="config file"):
        load_settings()
    write(isolated_dirs["config"], "timeout = -1\n")
    with pytest.raises(ConfigError, match="timeout"):
        load_settings()
