"""The engine's behaviour list: every rule it applies, what it does, the public source, confirmed or assumed.

``docs/sandbox-fidelity.md`` is generated from this list (``python -m cio_tui.sandbox.fidelity``); the engine names
the rule it applies (``Ops.uses(key)``), and a test fails when the engine uses a key with no row here. An outcome
that rests on an *assumed* row says so in the preview.

The rows live by area in ``cio_tui/model/behaviour_rows/`` (a new behaviour: a row in its area's table, then
regenerate the document); this module fixes their order, which is the document's order.
"""

from __future__ import annotations

from cio_tui.model.behaviour_rows.events import DEVICES_OBJECTS, EVENTS
from cio_tui.model.behaviour_rows.identify import IDENTIFIERS, IDENTIFY
from cio_tui.model.behaviour_rows.people import MERGE_DELETE_SUPPRESS
from cio_tui.model.behaviour_rows.reads import APP_READS, V2_LIMITS
from cio_tui.model.behaviour_rows.row import APP, NODE_FIXTURES, SPEC, Behaviour, Status

BEHAVIOURS: tuple[Behaviour, ...] = (
    *IDENTIFIERS,
    *IDENTIFY,
    *MERGE_DELETE_SUPPRESS,
    *EVENTS,
    *DEVICES_OBJECTS,
    *V2_LIMITS,
    *APP_READS,
)

BY_KEY: dict[str, Behaviour] = {b.key: b for b in BEHAVIOURS}
ASSUMED: frozenset[str] = frozenset(b.key for b in BEHAVIOURS if b.status == "assumed")

__all__ = ["APP", "ASSUMED", "BEHAVIOURS", "BY_KEY", "NODE_FIXTURES", "SPEC", "Behaviour", "Status"]
