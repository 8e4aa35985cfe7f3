"""Turn any failure into words for the operator: what happened, and what to do next. Never a traceback.

Which kind of fix an error needs is decided once, by its class (:mod:`cio_tui.errors`); this module words each kind
for the TUI (a screen and its key), as ``cio_tui.cli.context`` words it for the command line.
"""

from __future__ import annotations

from cio_tui.errors import NextStep, classify

_WORDS: dict[NextStep, str] = {
    NextStep.FIX_VALUE: "Correct the value and try again.",
    NextStep.FIX_PROFILE: "Add or fix the profile in Connect (press 9), or start with --sandbox.",
    NextStep.FIX_KEYS: "Check the workspace's keys in Connect (press 9).",
    NextStep.ENTER_KEYS: "Enter the keys again in Connect (press 9), or set the CIO_TUI_* key variables.",
    NextStep.WIDEN_KEY: "Use an App API key with full access, then check it in Connect (press 9).",
    NextStep.FIX_REGION: "Change the profile's region in Connect (press 9).",
    NextStep.WAIT: "Customer.io is limiting requests; wait a few seconds and try again.",
    NextStep.RETRY_LATER: "Customer.io answered with a server error; try again in a minute.",
    NextStep.CHECK_NETWORK: "Check the network connection (or the profile's URLs) and try again.",
    NextStep.RECONCILE: "Resume the apply from the Journal (press 8): it reads the person back before anything else.",
}


def next_step(exc: BaseException) -> str:
    found = classify(exc)
    if found is None:
        return "This is unexpected: try again, and report it if it keeps happening."
    hint = getattr(exc, "hint", None)
    if hint:
        return str(hint)
    return _WORDS[found[1]]


def describe_error(exc: BaseException) -> str:
    """``"<what failed>. <what to do next>"``; keys and payloads never appear (client errors are redacted)."""
    from cio_tui.customerio import errors as e

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
