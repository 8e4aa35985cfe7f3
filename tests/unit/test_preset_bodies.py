"""The presets' one-step bodies (``preset_bodies``) are exactly ``build_payload(*mapper(payload))``: the same
values of the same types (``1`` is no ``1.0`` nor ``True``) and the same key order at every depth, on the payloads
the presets' validated mappings make of generated messages and on payloads shaped by hand around every branch."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from cio_tui.segment.action_compiled import validated_payload
from cio_tui.segment.action_fields import FIELDS
from cio_tui.segment.actions import _MAPPERS, _QUIET, replay_requests
from cio_tui.segment.actions_payload import build_payload, default_mappings
from cio_tui.segment.plain_calls import plain_message
from cio_tui.segment.preset_bodies import BUILDERS

from .test_replay_fast_path import message


def exact(value: object) -> object:
    """A value with its types and key orders made visible (``==`` alone tells neither)."""
    if isinstance(value, dict):
        return ("dict", [(k, exact(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [exact(v) for v in value])
    return (type(value).__name__, value)


def reference(slug: str, payload: dict[str, Any]) -> dict[str, Any]:
    type_, action, mapped = _MAPPERS[slug](payload, _QUIET)
    return build_payload(type_, action, mapped, _QUIET)


TEXTS = ["", "x", "user-1", "u1@example.com", "cio_abc", "2024-01-02T03:04:05Z", "2024-01-02", "2024-13-02",
         "abcd-efghijk", "2024-01-02T03:04:05.123456Z", "1704067200"]  # fmt: skip
DATA = [None, {}, {"a": 1}, {"when": "2024-01-02T03:04:05Z", "n": 1.0, "b": True, "anonymous_id": "inner"},
        {"deep": {"at": "2023-05-06", "list": ["2024-01-01"]}, "createdAt": "2020-01-01", "created_at": "x",
         "object_type_id": "7", "relationshipAttributes": {}, "objectTypeId": "2",
         "email": "old@example.com"}]  # fmt: skip
STAMPS = [None, "", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.5Z", "2024-01-02 03:04:05", 1704067200, 0, 1.5,
          "1704067200", "not a date"]  # fmt: skip


def _hand_payloads(slug: str, rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Payloads in the preset's key order, each key present or not, with values of every branch."""
    fields = [f for f in FIELDS[slug] if f.name in default_mappings(FIELDS[slug])]
    out = []
    for _ in range(count):
        payload: dict[str, Any] = {}
        for field in fields:
            if field.name in ("convert_timestamp", "enable_batching"):
                payload[field.name] = True
            elif field.name == "batch_size":
                payload[field.name] = 50
            elif rng.random() < 0.25:
                continue
            elif field.type == "object":
                value = rng.choice(DATA)
                if value is not None:
                    payload[field.name] = {k: (dict(v) if isinstance(v, dict) else v) for k, v in value.items()}
            elif field.name == "timestamp":
                stamp = rng.choice(STAMPS)
                if stamp is not None:
                    payload[field.name] = stamp
            else:
                payload[field.name] = rng.choice(TEXTS)
        out.append(payload)
    return out


@pytest.mark.parametrize("slug", sorted(BUILDERS))
def test_bodies_by_hand_are_the_mapper_and_build_payload(slug: str) -> None:
    rng = random.Random(slug)
    for payload in _hand_payloads(slug, rng, 4000):
        want = reference(slug, {k: (dict(v) if isinstance(v, dict) else v) for k, v in payload.items()})
        got = BUILDERS[slug](payload)
        assert exact(got) == exact(want), payload


def test_bodies_of_generated_messages_are_the_mapper_and_build_payload() -> None:
    rng = random.Random(17)
    built = dict.fromkeys(BUILDERS, 0)
    for n in range(6000):
        fields = plain_message(message(rng, n, 60), deep=True)
        if fields is None:
            continue
        for slug, single in itertools.product(BUILDERS, (True, False)):
            payload, problems = validated_payload(FIELDS[slug], default_mappings(FIELDS[slug]), single=single)(fields)
            if problems:
                continue
            built[slug] += 1
            assert exact(BUILDERS[slug](payload)) == exact(reference(slug, payload)), (slug, fields)
    assert min(built.values()) > 500  # every preset built bodies from real-looking messages


def test_replay_requests_send_the_one_step_bodies() -> None:
    """The replay's senders use them: the same bodies as the destination's own steps, key order included."""
    identify = {"type": "identify", "userId": "u1", "anonymousId": "a1", "timestamp": "2024-01-02T03:04:05Z",
                "traits": {"email": "u1@example.com", "createdAt": "2020-01-01T00:00:00Z", "plan": "pro"}}  # fmt: skip
    track = {"type": "track", "event": "Bought", "anonymousId": "a1", "messageId": "m1", "properties": {"v": 1}}
    for msg, slug in ((identify, "createUpdatePerson"), (track, "trackEvent")):
        payload, _ = validated_payload(FIELDS[slug], default_mappings(FIELDS[slug]), single=False)(msg)
        [(method, path, body, alias)] = replay_requests(msg, single=False)
        assert (method, path, alias) == ("POST", "/api/v2/entity", False)
        assert exact(body) == exact(reference(slug, payload))
    [(_, _, body, _)] = replay_requests(identify, single=False)
    assert list(body) == ["type", "action", "attributes", "timestamp", "identifiers"]
    assert body["attributes"] == {"email": "u1@example.com", "plan": "pro", "created_at": 1577836800,
                                  "anonymous_id": "a1"}  # fmt: skip
