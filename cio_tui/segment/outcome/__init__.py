"""Read-only prediction of what the Actions requests of one call would do to the people of a workspace.

Identifiers are resolved the way Customer.io does (customerio-api.md section 6): identify by path/body identifiers
(6.1), lead conversion (6.2), identifier changes only through ``cio_`` (6.3, 6.4), the two-people conflict and its
auto-merge conditions (6.5), merge (6.6). Reads go through a ``PeopleLookup``; nothing is ever written. Each call
is predicted against the workspace as it is now (``preview.with_outcomes`` recognises people created earlier in the
same paste).

The parts: ``models`` (KnownPerson, WorkspaceSettings, Outcome...), ``resolve`` (identifiers -> people),
``identify`` and ``calls`` (one outcome builder per call type); this module dispatches each request to its builder.
"""

from __future__ import annotations

from cio_tui.segment.outcome import calls
from cio_tui.segment.outcome.identify import identify
from cio_tui.segment.outcome.models import (
    ASSUMPTIONS,
    Effect,
    KnownPerson,
    Outcome,
    PeopleLookup,
    PersonMention,
    WorkspaceSettings,
    effect,
)
from cio_tui.segment.outcome.resolve import Resolver
from cio_tui.segment.wire import ActionRequest


async def predict(r: Resolver, request: ActionRequest) -> Effect:
    """The effect of one Actions request."""
    body = request.body if isinstance(request.body, dict) else {}
    kind = (body.get("type"), body.get("action"))
    if request.path.endswith("/metrics"):
        return effect(request.action, "metrics", "Records a delivery metric; nobody changes.")
    if kind == ("person", "identify"):
        return await identify(r, request.action, body)
    if kind == ("person", "merge"):
        return await calls.merge(r, request.action, body)
    if body.get("type") == "object":
        return await calls.object_op(r, request.action, body)
    return await calls.person_op(r, request.action, body)


async def predict_outcome(
    requests: list[ActionRequest], lookup: PeopleLookup, settings: WorkspaceSettings | None = None
) -> Outcome:
    """What the Actions requests of one call would do in the workspace behind ``lookup`` (read-only)."""
    resolver = Resolver(lookup, settings or WorkspaceSettings())
    effects = [await predict(resolver, r) for r in requests]
    if not effects:
        return Outcome(summary="Actions sends nothing for this call, so nothing changes.", assumptions=ASSUMPTIONS)
    return Outcome(summary=" ".join(e.summary for e in effects), effects=effects, assumptions=ASSUMPTIONS)


__all__ = [
    "ASSUMPTIONS",
    "Effect",
    "KnownPerson",
    "Outcome",
    "PeopleLookup",
    "PersonMention",
    "WorkspaceSettings",
    "predict_outcome",
]
