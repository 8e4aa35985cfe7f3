"""Read-only prediction of what the requests of a call would do to the people of a workspace.

There is no model of Customer.io here: the engine (``cio_tui.model``) runs on a what-if copy (``whatif.WhatIf``)
of the people the requests name, read through a ``PeopleLookup``; ``words`` says each operation's record as an
``Effect``. ``predict_outcome`` runs one call's requests on a fresh copy; ``preview.with_outcomes`` runs a whole
paste on one copy, in order.
"""

from __future__ import annotations

from cio_tui.segment.outcome.models import (
    ASSUMPTIONS,
    Effect,
    KnownPerson,
    Outcome,
    PeopleLookup,
    PersonMention,
    StateChange,
    WorkspaceSettings,
)
from cio_tui.segment.outcome.whatif import WhatIf, identifiers_in
from cio_tui.segment.wire import ActionRequest


def outcome_of(effects: list[Effect]) -> Outcome:
    if not effects:
        return Outcome(summary="Actions sends nothing for this call, so nothing changes.", assumptions=ASSUMPTIONS)
    return Outcome(summary=" ".join(e.summary for e in effects), effects=effects, assumptions=ASSUMPTIONS)


async def predict_outcome(
    requests: list[ActionRequest], lookup: PeopleLookup, settings: WorkspaceSettings | None = None
) -> Outcome:
    """What ``requests`` (one call's) would do in the workspace behind ``lookup``, on a fresh what-if copy."""
    whatif = WhatIf(lookup, settings)
    await whatif.load(requests)
    return outcome_of([e for r in requests for e in whatif.run(r, r.action)])


__all__ = [
    "ASSUMPTIONS",
    "Effect",
    "KnownPerson",
    "Outcome",
    "PeopleLookup",
    "PersonMention",
    "StateChange",
    "WhatIf",
    "WorkspaceSettings",
    "identifiers_in",
    "outcome_of",
    "predict_outcome",
]
