"""Batch 207s are predicted on the what-if copy of the workspace (the people the rest of the preview read), not on an
empty workspace: an item Customer.io refuses because of what the person already holds comes back in the 207."""

from __future__ import annotations

import json
from typing import Any

from cio_tui.segment.action_fields import DEFAULT_TRIGGERS, default_mapping
from cio_tui.segment.batching import model_batch_check
from cio_tui.segment.outcome import KnownPerson
from cio_tui.segment.preview import batches_for, predict, preview_text
from cio_tui.segment.subscriptions import SubscriptionSet, read_subscriptions

# a person one attribute short of Customer.io's 300: two new attributes are refused
HEAVY = KnownPerson(cio_id="a1", id="heavy", email="heavy@x.io", created_at=100,
                    attributes={f"attr_{i}": "x" for i in range(299)})  # fmt: skip


class Lookup:
    def __init__(self, *people: KnownPerson) -> None:
        self.people = people
        self.asked: list[tuple[str, str]] = []

    async def by_id(self, value: str) -> KnownPerson | None:
        self.asked.append(("id", value))
        return next((p for p in self.people if p.id == value), None)

    async def by_email(self, email: str) -> list[KnownPerson]:
        self.asked.append(("email", email))
        return [p for p in self.people if p.email == email]

    async def by_cio_id(self, cio_id: str) -> KnownPerson | None:
        self.asked.append(("cio_id", cio_id))
        return next((p for p in self.people if p.cio_id == cio_id), None)


def batching_people() -> SubscriptionSet:
    settings: dict[str, Any] = {**default_mapping("createUpdatePerson"), "enable_batching": True, "batch_size": 10}
    sub = {"id": "s1", "name": "People", "actionId": "a", "actionSlug": "createUpdatePerson", "destinationId": "d",
           "enabled": True, "trigger": DEFAULT_TRIGGERS["createUpdatePerson"], "settings": settings}  # fmt: skip
    return read_subscriptions(json.dumps({"data": {"subscriptions": [sub]}}))


CALLS = "\n".join(
    json.dumps(c)
    for c in (
        {"type": "identify", "userId": "fresh", "traits": {"plan": "pro", "seats": 3}},
        {"type": "identify", "userId": "heavy", "traits": {"plan": "pro", "seats": 3}},
    )
)


async def test_an_item_refused_for_what_the_person_holds_comes_back_in_the_207() -> None:
    subs = batching_people()
    results = preview_text(CALLS, subscriptions=subs)
    check = await predict(results, Lookup(HEAVY))
    [batch] = batches_for(results, subs, check)
    assert batch.calls == [1, 2] and batch.status == 207
    [error] = batch.errors
    assert (error.batch_index, error.call) == (1, 2)
    assert "at most 300 attributes" in error.message
    assert batch.to_json()["segment_errors"] == [{"call": 2, "status": 400, "message": error.message}]
    # the same body against an empty workspace: nothing to refuse (what the offline preview says)
    [empty] = batches_for(preview_text(CALLS, subscriptions=subs), subs, model_batch_check())
    assert empty.status == 200 and empty.errors == []


async def test_the_batches_start_from_the_people_as_read_not_after_the_calls_ran() -> None:
    # the unbatched run adds two attributes to a person with 297: 299. Run again as a batch on that end state it
    # would look like 301; from the people as read it is 299 again, and accepted
    person = HEAVY.model_copy(update={"attributes": {f"attr_{i}": "x" for i in range(297)}})
    subs = batching_people()
    results = preview_text(CALLS, subscriptions=subs)
    check = await predict(results, Lookup(person))
    [batch] = batches_for(results, subs, check)
    assert batch.status == 200 and batch.errors == []


async def test_an_id_conflict_is_accepted_with_a_failed_attribute_change_not_a_207() -> None:
    # Customer.io answers 200 to an identify whose id belongs elsewhere and logs a failed attribute change: the
    # batch says so per item, from the people the preview read
    holder = KnownPerson(cio_id="b1", id="a", email="a@x.io", created_at=100)
    subs = batching_people()
    calls = json.dumps({"type": "identify", "userId": "b", "traits": {"email": "a@x.io"}})
    results = preview_text(calls, subscriptions=subs)
    [batch] = batches_for(results, subs, await predict(results, Lookup(holder)))
    assert batch.status == 200 and batch.errors == []
    assert batch.failed_changes == [(1, ["id"])]
    assert batch.to_json()["failed_attribute_changes"] == [{"call": 1, "attributes": ["id"]}]
    assert batch.failed_change_says() == [
        "call 1: Customer.io answers 200 for it (Segment reports success) but logs a failed attribute change on id: "
        "the person keeps the old value"
    ]
    [empty] = batches_for(preview_text(calls, subscriptions=subs), subs, model_batch_check())
    assert empty.failed_changes == []  # nobody holds the email in an empty workspace
