"""One engine of Customer.io behaviour: Track v1, Track v2 (entity, batch) and the App reads cio-tui uses,
executed against a workspace held by a ``Storage`` (SQLite in the sandbox, memory for what-if copies).

The sandbox serves it over HTTP; the preview runs it on a what-if copy; nothing else decides what Customer.io does
with a request. Every rule it applies is a row of ``behaviours.BEHAVIOURS`` (docs/sandbox-fidelity.md).

Build an in-memory workspace, execute requests, read the difference each made::

    from cio_tui.model import Engine, MemoryStorage, Person, WorkspaceSettings

    store = MemoryStorage()
    store.add_person(Person(pk=1, cio_id="a3000001", id=None, email="lead@x.io", created_at=100, updated_at=100))
    engine = Engine(store, WorkspaceSettings(auto_merge=True), clock=lambda: 1_700_000_000, record=True)
    result = engine.execute("POST", "/api/v2/entity", {"type": "person", "action": "identify",
                                                      "identifiers": {"id": "u1"},
                                                      "attributes": {"email": "lead@x.io"}})
    result.status, result.body            # 200, {}  (what Customer.io answers)
    rec = result.record                   # OpRecord: kind "assigns_id_to_lead", roles, behaviours, assumed
    for change in rec.changes:            # PersonChange: before/after identifiers and changed attributes
        change.to_json()

``execute(method, path, body)`` takes the parsed JSON body (``execute_raw`` takes bytes and applies the size
limits first); a v2 batch answers one ``OpRecord`` per item. Calls run in order against the same storage, so a
later call sees what an earlier one did. ``record=False`` (the sandbox) skips the before/after snapshots.
``reads`` holds the App API lookups (``person``, ``customer_json``). Replaying millions of calls: keep one
``Engine`` and one ``MemoryStorage(keep_history=False)``; each call costs a few dict lookups and copies of the
people it touches (tens of thousands of calls a second), and memory grows with the people, not the events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cio_tui.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from cio_tui.model.behaviours import ASSUMED, BEHAVIOURS, BY_KEY, Behaviour
    from cio_tui.model.engine import Engine, Result
    from cio_tui.model.memory import MemoryStorage
    from cio_tui.model.person import Person, Storage, norm_email
    from cio_tui.model.record import OpRecord, PersonChange, PersonState
    from cio_tui.model.settings import WorkspaceSettings
    from cio_tui.model.validation import Ident, InvalidRequest

# The names are imported on first use (PEP 562): the sandbox's store needs only ``person``, and importing the
# engine with it made opening the sandbox (and the TUI's first area) wait for every behaviour module.
_HOMES = {
    "ASSUMED": "behaviours",
    "BEHAVIOURS": "behaviours",
    "BY_KEY": "behaviours",
    "Behaviour": "behaviours",
    "Engine": "engine",
    "Result": "engine",
    "MemoryStorage": "memory",
    "Person": "person",
    "Storage": "person",
    "norm_email": "person",
    "OpRecord": "record",
    "PersonChange": "record",
    "PersonState": "record",
    "WorkspaceSettings": "settings",
    "Ident": "validation",
    "InvalidRequest": "validation",
}


__getattr__ = lazy_exports(__name__, _HOMES)


__all__ = [
    "ASSUMED",
    "BEHAVIOURS",
    "BY_KEY",
    "Behaviour",
    "Engine",
    "Ident",
    "InvalidRequest",
    "MemoryStorage",
    "OpRecord",
    "Person",
    "PersonChange",
    "PersonState",
    "Result",
    "Storage",
    "WorkspaceSettings",
    "norm_email",
]
