"""Turn any failure into words for the operator: what happened, and what to do next. Never a traceback."""

from __future__ import annotations

from cio_tui.customerio import errors as e

_NEXT_STEP: tuple[tuple[type[BaseException], str], ...] = (
    (e.AuthError, "Check the workspace's keys in Connect (press 9)."),
    (e.PermissionDeniedError, "Use an App API key with full access, then check it in Connect (press 9)."),
    (e.RegionError, "Change the profile's region in Connect (press 9)."),
    (e.RateLimitedError, "Customer.io is limiting requests; wait a few seconds and try again."),
    (e.NetworkError, "Check the network connection (or the profile's URLs) and try again."),
    (e.ServerError, "Customer.io answered with a server error; try again in a minute."),
    (e.NotFoundError, "Check the value and try again."),
    (e.InvalidInputError, "Correct the value and try again."),
)


_BY_NAME: dict[str, str] = {  # errors of layers this module must not import at start-up (pydantic)
    "ConfigError": "Add or fix the profile in Connect (press 9), or start with --sandbox.",
    "CredentialError": "Enter the keys again in Connect (press 9), or set the CIO_TUI_* key variables.",
    "IdentifierError": "Correct the value and try again.",
}


def next_step(exc: BaseException) -> str:
    by_name = _BY_NAME.get(type(exc).__name__)
    if by_name:
        return by_name
    for kind, step in _NEXT_STEP:
        if isinstance(exc, kind):
            hint = getattr(exc, "hint", None)
            return hint or step
    return "This is unexpected: try again, and report it if it keeps happening."


def describe_error(exc: BaseException) -> str:
    """``"<what failed>. <what to do next>"``; keys and payloads never appear (client errors are redacted)."""
    if isinstance(exc, e.CustomerIOError):
        text = exc.message
        if exc.details:
            text += ": " + "; ".join(d.message for d in exc.details[:3])
    else:
        text = str(exc) or type(exc).__name__
    step = next_step(exc)
    text = text.rstrip(".")
    return text if step in text else f"{text}. {step}"


__all__ = ["describe_error", "next_step"]
