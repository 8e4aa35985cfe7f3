"""Secret redaction: every key the process has seen is scrubbed from text and log records, in each encoding it can
travel in (raw, URL-encoded, inside an ``Authorization: Basic`` header).

A leaf: the HTTP clients, the journal, the CLI and the credential store all register and redact through it, and it
imports nothing of cio-tui (so any layer may use it).
"""

from __future__ import annotations

import logging
import threading

from pydantic import SecretStr

REDACTED = "********"

_known_secrets: set[str] = set()
_known_lock = threading.Lock()


def _encodings(value: str) -> set[str]:
    """The forms a key travels in besides itself: URL-encoded (query strings, logged URLs)."""
    from urllib.parse import quote, quote_plus

    return {value, quote(value, safe=""), quote_plus(value)}


def register_secret(secret: SecretStr | str | None, *, basic_user: str | None = None) -> None:
    """Remember a secret value so that :func:`redact` and :class:`RedactingFilter` scrub it everywhere, in every
    encoding it can travel in: raw, URL-encoded, and, with ``basic_user`` (the site id of a Track key), the
    base64 of ``user:secret`` that an ``Authorization: Basic`` header carries (a server error body echoing the
    header holds exactly that)."""
    import base64

    value = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    if value and len(value) >= 4:
        forms = _encodings(value)
        if basic_user is not None:
            pair = base64.b64encode(f"{basic_user}:{value}".encode()).decode()
            forms |= _encodings(pair) | {pair.rstrip("=")}
        with _known_lock:
            _known_secrets.update(forms)
        _install_factory()


def redact(text: str, extra: list[SecretStr | str | None] | None = None) -> str:
    """``text`` with every registered (and every ``extra``) secret value replaced by ``********``."""
    values = set(_known_secrets)
    for item in extra or []:
        value = item.get_secret_value() if isinstance(item, SecretStr) else item
        if value:
            values.add(value)
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that scrubs registered secrets from the message and arguments of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        _scrub_record(record)
        return True


_factory_installed = False


def _scrub_record(record: logging.LogRecord) -> None:
    if not _known_secrets:
        return
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken record is not ours to fix
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, None


def _install_factory() -> None:
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _scrub_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def install_log_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Scrub registered secrets from every log record of the process (a record factory, so records of any
    logger are covered, propagated or not), and attach a RedactingFilter to ``logger`` (root by default) and its
    handlers. Idempotent."""
    _install_factory()
    logger = logger or logging.getLogger()
    for existing in logger.filters:
        if isinstance(existing, RedactingFilter):
            return existing
    filt = RedactingFilter()
    logger.addFilter(filt)
    for handler in logger.handlers:
        handler.addFilter(filt)
    return filt


__all__ = ["REDACTED", "RedactingFilter", "install_log_redaction", "redact", "register_secret"]
