"""Batching as production does it, for the operator's own subscriptions.

A subscription whose ``enable_batching`` setting is true sends its events in ``POST /api/v2/batch`` requests of at
most ``batch_size`` items, ``{"batch": [body, ...]}`` (the destination's ``sendBatch``); Create or Update Object
splits each batch into its ``identify`` and ``identify_anonymous`` requests. Events whose payload does not validate
never reach Customer.io: each gets its own 400 (``PAYLOAD_VALIDATION_FAILED``) in Segment's multi-status response.

Customer.io answers a batch with some failing items with 207 and ``{"errors": [{"batch_index", "reason", "field",
"message"}]}``; Segment marks each such event failed with status 400 (the response was 2xx) and the item's
``message`` (else its ``reason``), the others succeeded (``parseResponse`` in the destination's ``utils.ts``).
``BatchCheck`` predicts Customer.io's answer to a batch body: ``whatif_batch_check`` runs the batches, in order, on a
what-if copy of the people the preview read from the workspace (so an item refused because of who exists and what
they hold shows its 207 error); ``model_batch_check`` is the same on an empty workspace (an offline preview: only
refusals of the body itself show).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cio_tui.json_types import JSONObject, object_or_empty
from cio_tui.model import Engine, MemoryStorage, Person, Result, WorkspaceSettings
from cio_tui.segment.actions import BATCH_NOTE
from cio_tui.segment.subscriptions import SubscriptionSet
from cio_tui.segment.wire import TRACK_V2_BATCH, TRACK_V2_ENTITY, ActionError, ActionRequest


@dataclass(frozen=True)
class BatchAnswer:
    """Customer.io's answer to one batch body: its status and body, and per item index the attributes whose change
    it logged as a failed attribute change (such an item is answered 200, not in the 207: the person keeps the old
    value, as an id that belongs to somebody else does)."""

    status: int
    body: JSONObject  # what Customer.io answers (the engine's answer body)
    failed_changes: dict[int, list[str]] = field(default_factory=dict)


# a batch body -> Customer.io's answer to it
BatchCheck = Callable[[dict[str, Any]], BatchAnswer]


@dataclass
class BatchItemError:
    batch_index: int
    call: int  # the number of the call (1-based) in the input
    reason: str
    field: str | None
    message: str

    def segment_says(self) -> str:
        return f"call {self.call}: Segment reports status 400: {self.message or self.reason}"


@dataclass
class Batch:
    subscription: str
    action: str  # the action slug
    calls: list[int]  # the call number of each item, in batch order
    bodies: list[dict[str, Any]]
    errors: list[BatchItemError] = field(default_factory=list)  # what a 207 would say, per item
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (call, message): Segment's own 400s
    failed_changes: list[tuple[int, list[str]]] = field(default_factory=list)  # (call, attributes): 200, not applied

    method: str = "POST"
    path: str = TRACK_V2_BATCH

    @property
    def body(self) -> dict[str, Any] | None:
        """What is sent; None when every event of the subscription failed validation (nothing is sent)."""
        return {"batch": self.bodies} if self.bodies else None

    @property
    def status(self) -> int:
        return 207 if self.errors else 200

    def response(self) -> dict[str, Any] | None:
        if not self.errors:
            return None
        return {
            "errors": [
                {"batch_index": e.batch_index, "reason": e.reason, "field": e.field, "message": e.message}
                for e in self.errors
            ]
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "subscription": self.subscription,
            "action": self.action,
            "method": self.method,
            "path": self.path,
            "calls": self.calls,
            "body": self.body,
            "status": self.status,
            "response": self.response(),
            "segment_errors": [{"call": c, "status": 400, "message": m} for c, m in self.rejected]
            + [{"call": e.call, "status": 400, "message": e.message or e.reason} for e in self.errors],
            "failed_attribute_changes": [{"call": c, "attributes": names} for c, names in self.failed_changes],
        }

    def failed_change_says(self) -> list[str]:
        """Per item Customer.io accepts but logs as a failed attribute change: what it means."""
        return [
            f"call {c}: Customer.io answers 200 for it (Segment reports success) but logs a failed attribute change "
            f"on {', '.join(names)}: the person keeps the old value"
            for c, names in self.failed_changes
        ]


def plan_batches(
    per_call: list[tuple[list[ActionRequest], list[ActionError]]],
    subscriptions: SubscriptionSet,
    check: BatchCheck | None = None,
) -> list[Batch]:
    """The batch requests of the batching subscriptions for the calls in order (``per_call[i]`` = call i + 1)."""
    batches: list[Batch] = []
    for sub in subscriptions.subscriptions:
        if not sub.batching:
            continue
        items: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        rejected: list[tuple[int, str]] = []
        for number, (requests, errors) in enumerate(per_call, 1):
            for request in requests:
                if request.subscription == sub.name and request.path == TRACK_V2_ENTITY:
                    body = object_or_empty(request.body)  # an entity request's body is an object
                    key = str(body.get("action")) if sub.action_slug == "createUpdateObject" else ""
                    items.setdefault(key, []).append((number, body))
            rejected += [(number, e.message.removesuffix(BATCH_NOTE)) for e in errors if e.subscription == sub.name]
        first = True
        for entries in items.values():
            for start in range(0, len(entries), sub.batch_size):
                chunk = entries[start : start + sub.batch_size]
                batch = Batch(sub.name, sub.action_slug, [c for c, _ in chunk], [b for _, b in chunk])
                if first:
                    batch.rejected, first = rejected, False
                if check is not None:
                    answer = check({"batch": batch.bodies})
                    batch.errors = _item_errors(batch, answer.status, answer.body)
                    batch.failed_changes = [
                        (batch.calls[i], names) for i, names in sorted(answer.failed_changes.items())
                        if 0 <= i < len(batch.calls)
                    ]  # fmt: skip
                batches.append(batch)
        if first and rejected:  # every event failed validation: no request is sent, only Segment's 400s
            batches.append(Batch(sub.name, sub.action_slug, [], [], rejected=rejected))
    return batches


def _item_errors(batch: Batch, status: int, response: object) -> list[BatchItemError]:
    if status != 207 or not isinstance(response, dict):
        return []
    out: list[BatchItemError] = []
    for item in response.get("errors") or []:
        index = item.get("batch_index") if isinstance(item, dict) else None
        if isinstance(index, int) and 0 <= index < len(batch.calls):
            reason, where = str(item.get("reason") or ""), item.get("field")
            out.append(BatchItemError(index, batch.calls[index], reason, where, str(item.get("message") or "")))
    return out


def model_batch_check(settings: WorkspaceSettings | None = None) -> BatchCheck:
    """Customer.io's answer to a batch body, from the model of Customer.io on an empty what-if workspace."""

    def check(body: dict[str, Any]) -> BatchAnswer:
        return _answer(Engine(MemoryStorage(), settings, clock=lambda: 0).execute("POST", TRACK_V2_BATCH, body))

    return check


def _answer(result: Result) -> BatchAnswer:
    failed: dict[int, list[str]] = {}
    for index, rec in enumerate(result.records):  # one record per item, in batch order
        names = [str(name) for _cio_id, kind, name in rec.activities if kind == "failed_attribute_change"]
        if names:
            failed[index] = list(dict.fromkeys(names))
    return BatchAnswer(result.status, result.body, failed)


def whatif_batch_check(
    people: Iterable[Person], settings: WorkspaceSettings | None = None, clock: Callable[[], int] | None = None
) -> BatchCheck:
    """Customer.io's answer to each batch body in turn, on ONE what-if copy of ``people`` (the workspace's people
    as the preview read them): a later batch sees what the earlier ones did, as production's batches would."""
    store = MemoryStorage()
    for person in people:
        store.add_person(person)
    engine = Engine(store, settings, clock=clock or (lambda: 0))

    def check(body: dict[str, Any]) -> BatchAnswer:
        return _answer(engine.execute("POST", TRACK_V2_BATCH, body))

    return check


def segment_statuses(batch: Batch, status: int, response: dict[str, Any] | None) -> list[tuple[int, int, str]]:
    """(call, status, message) per item as Segment reports a batch response (``parseResponse``)."""
    error_status = 400 if 200 <= status < 300 else status
    failed: dict[int, str] = {}
    for item in (response or {}).get("errors") or []:
        index = item.get("batch_index") if isinstance(item, dict) else None
        if isinstance(index, int) and 0 <= index < len(batch.calls):
            failed[index] = str(item.get("message") or item.get("reason") or "Unknown error")
    return [
        (call, error_status, failed[i]) if i in failed else (call, status, "success")
        for i, call in enumerate(batch.calls)
    ]
