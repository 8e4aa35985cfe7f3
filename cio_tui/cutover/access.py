"""When the Public API cannot do the cut-over: say which of the three reasons it is, what to ask Segment for, and
hand the operator the manual checklist instead.

The three cases the Walkthrough distinguishes: the token lacks access (401, or 403 for its role), the workspace is
not on a plan with the Public API, and destination subscriptions (a v1alpha part of the API) not enabled for it.
Segment does not document distinct error codes for them, so the case is read from the status, the endpoint and the
error's message (see docs/sandbox-segment-fidelity.md for what is confirmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cio_tui.segment_api.connect import SegmentNotConfiguredError
from cio_tui.segment_api.errors import SegmentApiError, SegmentAuthError, SegmentPermissionError

Reason = Literal["not_configured", "token", "plan", "subscriptions"]

MANUAL_CHECKLIST = (
    "In Segment, add the Customer.io (Actions) destination to the source, disabled; copy the classic destination's "
    'Site ID and API Key, and set Account Region ("US 🇺🇸" or "EU 🇪🇺", as the classic datacenter).',
    "Review the Quick Setup mappings: keep those your app needs; disable Merge People, Create or Update Object and "
    "the delete/suppress presets unless you want them (`cio-tui walkthrough checklist` lists what your calls need).",
    "Copy each destination filter of the classic destination to the Actions destination.",
    "Switch without double sending: disable classic and enable Actions in one step, or add received_at filters at a "
    "cut-over time T (classic drops events at or after T, Actions drops events before T) and enable Actions.",
    "After the switch: check Segment's Delivery Overview for the Actions destination and run "
    "`cio-tui walkthrough verify` to sample people in Customer.io.",
    "To roll back: enable classic, disable Actions, remove the cut-over filters.",
)


@dataclass(frozen=True)
class AccessProblem:
    reason: Reason
    message: str
    ask: str

    def lines(self) -> list[str]:
        return [
            self.message,
            f"What to ask for: {self.ask}",
            "Meanwhile, do the cut-over by hand:",
            *[f"  {i}. {step}" for i, step in enumerate(MANUAL_CHECKLIST, start=1)],
        ]


def access_problem(exc: BaseException) -> AccessProblem | None:
    """The access problem an error means, or None when it is another kind of failure."""
    if isinstance(exc, SegmentNotConfiguredError):
        return AccessProblem(
            "not_configured",
            str(exc),
            "a Segment Public API token (Settings > Workspace settings > Access Management > Tokens in Segment)",
        )
    if not isinstance(exc, SegmentApiError):
        return None
    text = (exc.message + " " + exc.detail_text).lower()
    if isinstance(exc, SegmentAuthError):
        return AccessProblem(
            "token",
            "Segment refused the token (HTTP 401): it is wrong, expired or revoked.",
            "a new Public API token from a Segment Workspace Owner, with the Workspace Owner role",
        )
    if isinstance(exc, SegmentPermissionError):
        if "subscription" in text:
            return AccessProblem(
                "subscriptions",
                "The Public API refused destination subscriptions (HTTP 403): they are not enabled for this "
                "workspace's token.",
                "Segment support to enable Destination Subscriptions (the v1alpha endpoints) in the Public API for "
                "this workspace",
            )
        if "plan" in text or "not available" in text or "upgrade" in text:
            return AccessProblem(
                "plan",
                "This Segment workspace is not on a plan that includes the Public API (HTTP 403).",
                "your Segment account team for Public API access (Business tier) on this workspace",
            )
        return AccessProblem(
            "token",
            "The token is valid but its role may not do this (HTTP 403).",
            "a token with the Workspace Owner role (or Source Admin on the sources involved) from a Workspace Owner",
        )
    return None


__all__ = ["MANUAL_CHECKLIST", "AccessProblem", "access_problem"]
