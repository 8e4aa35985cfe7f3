"""CredentialStore: keyring entries, the probe, the session-only fallback, redaction."""

from __future__ import annotations

import logging

import keyring
import pytest
from keyring.backends import fail, null
from pydantic import SecretStr

from cio_tui.credentials import SERVICE, CredentialError, CredentialStore, entry_name, probe_keyring
from cio_tui.redaction import RedactingFilter, redact, register_secret


def test_keys_go_to_the_keyring_one_entry_per_profile_and_key(memory_keyring) -> None:
    store = CredentialStore()
    store.set_profile_keys("prod", SecretStr("track-secret-1"), SecretStr("app-secret-1"))
    assert memory_keyring.store == {
        (SERVICE, "prod:track_api_key"): "track-secret-1",
        (SERVICE, "prod:app_api_key"): "app-secret-1",
    }
    track, app = store.keys("prod")
    assert isinstance(track, SecretStr) and track.get_secret_value() == "track-secret-1"
    assert app.get_secret_value() == "app-secret-1"
    assert store.status.persistent and "OS keyring" in store.status.explain()
    assert store.delete_profile("prod") == 2
    assert memory_keyring.store == {}
    assert store.keys("prod") == (None, None)


def test_require_keys_names_the_missing_key(memory_keyring) -> None:
    store = CredentialStore()
    store.set("prod", "track", SecretStr("track-secret-2"))
    with pytest.raises(CredentialError) as info:
        store.require_keys("prod")
    assert "App API key of profile 'prod'" in str(info.value)
    assert "Track API key" not in str(info.value)
    assert "profile add prod" in str(info.value)


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_probe_rejects_fail_and_null_backends(backend) -> None:
    chosen, status = probe_keyring(backend)
    assert chosen is None and status.backend == "memory"
    assert "stores nothing" in status.reason


def test_fallback_to_session_memory_with_explanation(caplog) -> None:
    keyring.set_keyring(fail.Keyring())
    store = CredentialStore()
    with caplog.at_level(logging.WARNING):
        store.set("prod", "app", SecretStr("app-secret-3"))
    assert not store.persistent
    text = store.status.explain()
    assert "session only" in text and "CIO_TUI_TRACK_API_KEY" in text and "plaintext" in text
    assert store.get("prod", "app").get_secret_value() == "app-secret-3"
    assert CredentialStore().get("prod", "app") is None  # memory is per store/session, nothing persisted
    assert all("app-secret-3" not in r.getMessage() for r in caplog.records)


class ExplodingKeyring(keyring.backend.KeyringBackend):
    priority = 5  # type: ignore[assignment]

    def get_password(self, service, username):
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service, username, password):
        raise RuntimeError("nope")

    def delete_password(self, service, username):
        raise RuntimeError("nope")


class LowPriorityKeyring(ExplodingKeyring):
    priority = 0  # type: ignore[assignment]


def test_probe_surfaces_backend_errors() -> None:
    chosen, status = probe_keyring(ExplodingKeyring())
    assert chosen is None and "DBus" in status.reason and "failed a test read" in status.reason
    chosen, status = probe_keyring(LowPriorityKeyring())
    assert chosen is None and "unusable" in status.reason


def test_probe_is_lazy(memory_keyring) -> None:
    keyring.set_keyring(ExplodingKeyring())
    store = CredentialStore()  # constructing never touches the keyring
    assert store._status is None
    assert store.status.backend == "memory"


def test_memory_only_store_never_touches_keyring(memory_keyring) -> None:
    store = CredentialStore.memory()
    store.set("p", "track", SecretStr("track-secret-4"))
    assert memory_keyring.store == {}
    store.use_session_memory()
    assert store.get("p", "track") is None


def test_set_requires_secretstr_and_non_empty() -> None:
    store = CredentialStore()
    with pytest.raises(TypeError):
        store.set("p", "track", "plain")  # type: ignore[arg-type]
    with pytest.raises(CredentialError, match="empty"):
        store.set("p", "track", SecretStr("  "))


def test_entry_name() -> None:
    assert entry_name("prod", "track") == "prod:track_api_key"
    with pytest.raises(ValueError):
        entry_name("prod", "other")  # type: ignore[arg-type]


def test_redaction_of_text_and_log_records(caplog) -> None:
    register_secret(SecretStr("sk-live-abcdef"))
    assert redact("key=sk-live-abcdef end") == "key=******** end"
    assert redact("x other-secret", extra=["other-secret"]) == "x ********"
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO, logger="test.redaction"):
        logger.info("sending %s", "sk-live-abcdef")
    assert caplog.records and all("sk-live-abcdef" not in r.getMessage() for r in caplog.records)
    assert "********" in caplog.records[0].getMessage()


def test_installed_redaction_covers_every_logger(caplog) -> None:
    from cio_tui.redaction import install_log_redaction

    install_log_redaction()
    register_secret("app-key-zz-998877")
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("some.library.deep").warning("auth header Bearer %s", "app-key-zz-998877")
    assert [r.getMessage() for r in caplog.records] == ["auth header Bearer ********"]


def test_without_a_keyring_plans_are_signed_with_a_key_derived_from_the_app_key() -> None:
    """Where no keyring keeps a random plan key (headless machines, CI), every process that has the App key signs
    and checks alike: the key is derived from it, never stored."""
    from cio_tui.workspace import derive_plan_key

    keyring.set_keyring(fail.Keyring())
    store = CredentialStore()
    assert not store.persistent
    derived = derive_plan_key(SecretStr("app-key-1"), "us:0123456789abcdef")
    assert derived == derive_plan_key(SecretStr("app-key-1"), "us:0123456789abcdef")  # the next process: the same
    assert derived != derive_plan_key(SecretStr("app-key-2"), "us:0123456789abcdef")
    assert derived != derive_plan_key(SecretStr("app-key-1"), "eu:0123456789abcdef")
    assert store.plan_key("us:0123456789abcdef", fallback=derived) == derived
    assert b"app-key-1" not in derived
    # no App key to derive from: a random key for this process only, as before
    assert store.plan_key("us:0123456789abcdef") != derived
