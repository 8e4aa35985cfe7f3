"""One error hierarchy for the whole tool: what went wrong, the exit code, and which kind of next step fixes it.

Every error the operator can act on derives from :class:`UserError`. Its class decides the exit code and the
:class:`NextStep` (what kind of fix it needs); each surface words that step its own way (the CLI names a command,
the TUI a screen and its key), in :func:`cio_tui.cli.context.describe_error` and :mod:`cio_tui.tui.errors`.
Nothing here imports anything heavy: the TUI and the CLI classify errors before pydantic or httpx are loaded.

Exit codes: 0 ok, 1 not found / user error, 2 usage, 3 authentication/permission, 4 network/region.
"""

from __future__ import annotations

from enum import StrEnum

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_AUTH, EXIT_NETWORK = 0, 1, 2, 3, 4


class NextStep(StrEnum):
    """The kind of fix an error needs. Surfaces turn it into words (CLI: a command; TUI: a screen and key)."""

    FIX_VALUE = "fix_value"
    """Correct the value, file or plan named in the message and try again."""
    FIX_PROFILE = "fix_profile"
    """Add or fix the workspace profile (site id, region, URLs)."""
    FIX_KEYS = "fix_keys"
    """The workspace refused a key: check which one fails and enter it again."""
    ENTER_KEYS = "enter_keys"
    """Keys are missing from (or cannot be kept in) the credential store: enter them, or use the environment."""
    WIDEN_KEY = "widen_key"
    """Give the key a wider scope in Customer.io."""
    FIX_REGION = "fix_region"
    """Change the profile's region."""
    WAIT = "wait"
    """The service is limiting requests: wait a few seconds and try again."""
    RETRY_LATER = "retry_later"
    """The service answered with a server error: try again in a minute."""
    CHECK_NETWORK = "check_network"
    """Check the network connection or the profile's URLs."""
    RECONCILE = "reconcile"
    """A write's outcome is unknown: let the apply engine read it back (resume), never resend it by hand."""


class UserError(Exception):
    """An error the operator can act on. The message is safe to show (never a key or a payload) and says what
    went wrong; ``exit_code`` and ``next_step`` come from the class unless given."""

    exit_code: int = EXIT_USER
    next_step: NextStep = NextStep.FIX_VALUE

    def __init__(self, message: str = "", exit_code: int | None = None, next_step: NextStep | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
        if next_step is not None:
            self.next_step = next_step


def classify(exc: BaseException) -> tuple[int, NextStep] | None:
    """(exit code, next step) of an error the operator can act on; ``None`` for an unexpected one (a bug)."""
    if isinstance(exc, UserError):
        return exc.exit_code, exc.next_step
    if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):
        return EXIT_USER, NextStep.FIX_VALUE
    return None


__all__ = ["EXIT_AUTH", "EXIT_NETWORK", "EXIT_OK", "EXIT_USAGE", "EXIT_USER", "NextStep", "UserError", "classify"]
