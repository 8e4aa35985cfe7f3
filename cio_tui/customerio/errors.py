"""One exception type per meaning. Messages never contain API keys or request payloads.

Every error carries the HTTP status (when there was one) and the parsed error details from any of the three
documented body shapes: Track v1 ``{"meta": {"error"|"errors"}}``, App ``{"errors": [{"detail","status","code"}]}``
and Track v2 ``{"errors": [{"reason","field","message","batch_index"?}]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cio_tui.errors import EXIT_AUTH, EXIT_NETWORK, NextStep, UserError

if TYPE_CHECKING:
    from cio_tui.customerio.models import BatchResult


@dataclass(frozen=True)
class ErrorDetail:
    message: str
    code: str | None = None
    field: str | None = None
    batch_index: int | None = None


def parse_error_body(body: object) -> list[ErrorDetail]:
    """Turn any documented Customer.io error body into ErrorDetails (empty list when nothing is recognised)."""
    details: list[ErrorDetail] = []
    if not isinstance(body, dict):
        return details
    meta = body.get("meta")
    if isinstance(meta, dict):
        if isinstance(meta.get("error"), str):
            details.append(ErrorDetail(message=meta["error"]))
        for item in meta.get("errors") or []:
            details.append(ErrorDetail(message=str(item)))
    for item in body.get("errors") or []:
        if not isinstance(item, dict):
            details.append(ErrorDetail(message=str(item)))
            continue
        message = item.get("detail") or item.get("message") or item.get("reason") or "unknown error"
        code = item.get("code") or item.get("reason")
        idx = item.get("batch_index")
        details.append(
            ErrorDetail(
                message=str(message),
                code=str(code) if code is not None else None,
                field=item.get("field"),
                batch_index=int(idx) if isinstance(idx, int | str) and str(idx).isdigit() else None,
            )
        )
    return details


@dataclass
class CustomerIOError(UserError):
    """Base class. ``message`` is safe to show: it never holds keys or request bodies."""

    message: str
    status: int | None = None
    details: list[ErrorDetail] = field(default_factory=list)
    api: str | None = None  # "track" or "app"
    hint: str | None = None  # what the operator can do next
    partial: BatchResult | None = None  # a batch that failed part-way: what was sent before the failure

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        parts = [self.message]
        if self.details:
            parts.append("; ".join(d.message for d in self.details[:3]))
        if self.hint:
            parts.append(self.hint)
        return ": ".join(parts[:2]) + (f". {parts[2]}" if len(parts) > 2 else "")


class AuthError(CustomerIOError):
    """401: the key (or site id) is wrong."""

    exit_code = EXIT_AUTH
    next_step = NextStep.FIX_KEYS


class PermissionDeniedError(CustomerIOError):
    """403 (or a 401 on one endpoint only): the key is valid but its scope does not allow this call."""

    exit_code = EXIT_AUTH
    next_step = NextStep.WIDEN_KEY


class RegionError(CustomerIOError):
    """A 3xx from Customer.io: the account lives in the other region. ``right_region`` names it when known."""

    exit_code = EXIT_NETWORK
    next_step = NextStep.FIX_REGION

    right_region: str | None = None


class NotFoundError(CustomerIOError):
    """404: the person, export or resource does not exist."""


class ConflictError(CustomerIOError):
    """409, or an identifier already held by another person."""


class RateLimitedError(CustomerIOError):
    """429 after the retries ran out. ``retry_after`` is in seconds when the server said."""

    exit_code = EXIT_NETWORK
    next_step = NextStep.WAIT

    retry_after: float | None = None


class InvalidInputError(CustomerIOError):
    """400/422: the request was refused as malformed or over a limit."""


class ServerError(CustomerIOError):
    """A 5xx to a read, after the retries ran out. (A 5xx to a write is an ``UncertainWriteError``.)"""

    exit_code = EXIT_NETWORK
    next_step = NextStep.RETRY_LATER


class NetworkError(CustomerIOError):
    """The server could not be reached (DNS, connect, TLS) or a read timed out."""

    exit_code = EXIT_NETWORK
    next_step = NextStep.CHECK_NETWORK


class NotSentError(CustomerIOError):
    """The caller stopped the request before it left (pause then cancel): nothing reached the server."""


class UncertainWriteError(CustomerIOError):
    """A write whose outcome is unknown: the body was sent, then a 5xx, a timeout or a dropped connection.

    It must not be resent blindly; the apply engine reconciles it by reading the person.
    """

    exit_code = EXIT_NETWORK
    next_step = NextStep.RECONCILE


STATUS_ERRORS: dict[int, type[CustomerIOError]] = {
    400: InvalidInputError,
    401: AuthError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: InvalidInputError,
    422: InvalidInputError,
    429: RateLimitedError,
}


def error_for_status(status: int) -> type[CustomerIOError]:
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if 300 <= status < 400:
        return RegionError
    if status >= 500:
        return ServerError
    return CustomerIOError
