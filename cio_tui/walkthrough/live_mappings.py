"""The operator's Actions mappings read live from Segment: the subscriptions of the workspace's Customer.io
(Actions) destination, through the Segment Public API client (read-only), ready for the Preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.segment.subscriptions import SubscriptionSet, load_subscriptions
from cio_tui.walkthrough.steps import step_ref

if TYPE_CHECKING:
    from cio_tui.config import Settings
    from cio_tui.credentials import CredentialStore


@dataclass
class LiveMappings:
    subscriptions: SubscriptionSet | None
    message: str  # where they come from, or why there are none


async def read_live_mappings(
    settings: Settings | None, credentials: CredentialStore | None, workspace: WorkspaceView
) -> LiveMappings:
    """The subscriptions of the Actions destination that holds this workspace's site id (the first one when the
    Segment workspace has several, and the message says so). Raises ``SubscriptionsError`` for mappings that cannot
    be previewed; an access problem (no token, a refused one) becomes the message."""
    from cio_tui.cutover.access import access_problem
    from cio_tui.cutover.status import read_status
    from cio_tui.segment_api.connect import open_segment

    try:
        client = open_segment(settings, credentials, workspace)
    except Exception as exc:  # noqa: BLE001 - an access problem is an answer, anything else is re-raised
        problem = access_problem(exc)
        if problem is None:
            raise
        return LiveMappings(None, f"{problem.message} What to ask for: {problem.ask}.")
    try:
        status = await read_status(client, workspace.profile.site_id)
    except Exception as exc:  # noqa: BLE001 - as above
        problem = access_problem(exc)
        if problem is None:
            raise
        return LiveMappings(None, f"{problem.message} What to ask for: {problem.ask}.")
    finally:
        await client.aclose()
    actions = [d for d in status.destinations if d.destination.kind == "actions"]
    if not actions:
        why = (
            "The Segment workspace has no Customer.io (Actions) destination for this site id yet: create it "
            f"(Walkthrough {step_ref('cutover')} can), or load a subscriptions file (m)."
        )
        return LiveMappings(None, why)
    chosen = actions[0]
    if chosen.subscriptions_error:
        why = f"The subscriptions of {chosen.destination.id} could not be read: {chosen.subscriptions_error}"
        return LiveMappings(None, why)
    raw = [s.model_dump(by_alias=True) for s in chosen.subscriptions or []]
    loaded = load_subscriptions({"data": {"subscriptions": raw}})
    where = f"destination {chosen.destination.name or chosen.destination.id}"
    others = f" ({len(actions) - 1} other Actions destination(s) not shown)" if len(actions) > 1 else ""
    return LiveMappings(loaded, f"Live subscriptions of {where}{others}: {loaded.summary()}.")
