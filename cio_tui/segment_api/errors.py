"""One exception type per meaning for Segment's Public API. Messages never contain the token or request bodies.

Segment answers errors as ``{"errors": [{"type", "message", "field"?, "data"?, "status"?}]}`` (the
``RequestErrorEnvelope`` of https://docs.segmentapis.com); a 429 carries ``data.msBeforeNext`` (milliseconds until the
rate-limit window resets, https://docs.segmentapis.com/tag/Rate-Limits).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cio_tui.errors import EXIT_AUTH, EXIT_NETWORK, NextStep, UserError


@dataclass(frozen=True)
class SegmentErrorDetail:
    message: str
    type: str | None = None
    field: str | None = None


def parse_error_body(body: object) -> list[SegmentErrorDetail]:
    """The envelope's errors (empty when the body is not the documented shape)."""
    out: list[SegmentErrorDetail] = []
    if not isinstance(body, dict):
        return out
    for item in body.get("errors") or []:
        if isinstance(item, dict):
            out.append(
                SegmentErrorDetail(
                    message=str(item.get("message") or item.get("type") or "unknown error"),
                    type=str(item["type"]) if item.get("type") is not None else None,
                    field=str(item["field"]) if item.get("field") is not None else None,
                )
            )
        else:
            out.append(SegmentErrorDetail(message=str(item)))
    return out


def ms_before_next(body: object) -> float | None:
    """Seconds to wait from a 429 body's ``data.msBeforeNext`` (None when absent)."""
    if not isinstance(body, dict):
        return None
    for item in body.get("errors") or []:
        data = item.get("data") if isinstance(item, dict) else None
        if isinstance(data, dict) and isinstance(data.get("msBeforeNext"), int | float):
            return max(0.0, float(data["msBeforeNext"]) / 1000.0)
    return None


@dataclass
class SegmentApiError(UserError):
    """Base class. ``message`` is safe to show; ``hint`` says what to do next."""

    message: str
    status: int | None = None
    details: list[SegmentErrorDetail] = field(default_factory=list)
    hint: str | None = None
    api: str = "segment"

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        text = self.message
        if self.details:
            text += ": " + "; ".join(d.message for d in self.details[:3])
        if self.hint:
            text += f". {self.hint}"
        return text

    @property
    def detail_text(self) -> str:
        return " ".join(d.message for d in self.details).lower()


class SegmentAuthError(SegmentApiError):
    """401: the token is wrong, expired or revoked."""

    exit_code = EXIT_AUTH
    next_step = NextStep.FIX_KEYS


class SegmentPermissionError(SegmentApiError):
    """403: the token is valid but may not do this (role, plan, or a feature not enabled for the workspace)."""

    exit_code = EXIT_AUTH
    next_step = NextStep.WIDEN_KEY


class SegmentNotFoundError(SegmentApiError):
    """404: the resource (or, for some endpoints, the feature) does not exist for this workspace."""


class SegmentInvalidError(SegmentApiError):
    """400/422: Segment refused the request's content (the details name the field)."""


class SegmentConflictError(SegmentApiError):
    """409."""


class SegmentRateLimitedError(SegmentApiError):
    """429 after the retries were used up."""

    exit_code = EXIT_NETWORK
    next_step = NextStep.WAIT

    retry_after: float | None = None


class SegmentServerError(SegmentApiError):
    """5xx on a read, after the retries were used up (nothing was changed)."""

    exit_code = EXIT_NETWORK
    next_step = NextStep.RETRY_LATER


class SegmentNetworkError(SegmentApiError):
    """The API could not be reached (nothing was changed)."""

    exit_code = EXIT_NETWORK
    next_step = NextStep.CHECK_NETWORK


class SegmentUncertainWriteError(SegmentApiError):
    """A write was sent but no complete answer came back: it may or may not have taken effect. Reconcile by reading."""

    exit_code = EXIT_NETWORK
    next_step = NextStep.RECONCILE


def error_for_status(status: int) -> type[SegmentApiError]:
    if status == 401:
        return SegmentAuthError
    if status == 403:
        return SegmentPermissionError
    if status == 404:
        return SegmentNotFoundError
    if status == 409:
        return SegmentConflictError
    if status == 429:
        return SegmentRateLimitedError
    if status in (400, 422):
        return SegmentInvalidError
    if status >= 500:
        return SegmentServerError
    return SegmentApiError


__all__ = [
    "SegmentApiError",
    "SegmentAuthError",
    "SegmentConflictError",
    "SegmentErrorDetail",
    "SegmentInvalidError",
    "SegmentNetworkError",
    "SegmentNotFoundError",
    "SegmentPermissionError",
    "SegmentRateLimitedError",
    "SegmentServerError",
    "SegmentUncertainWriteError",
    "error_for_status",
    "ms_before_next",
    "parse_error_body",
]
