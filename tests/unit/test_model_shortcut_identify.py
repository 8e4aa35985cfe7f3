"""The replay engine's shortcut for identify (Track v1 ``PUT /api/v1/customers/{id}`` and v2 ``identify`` of one
person by id, ``model.shortcut_identify``) answers what the general path answers, for every identify, the ones it
hands back included.

The same requests (identifies of every shape: ids plain, long, numeric, empty, cio_ids, emails, anonymous; emails
the same in another case, new, held by a lead or by someone else, too long, not strings; attributes of every type,
size and number; created_at, unsubscribed and the reserved keys; timestamps older, newer and of every type; people
suppressed, sharing an id, holding almost every attribute; anonymous events to merge, old and recent), with events,
merges, suppressions and anonymous identifies in between, run through a replay engine and through one whose
shortcuts are off, under several workspace settings: answers, records and the whole store must be the same after
each.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from cio_tui.model import Engine, MemoryStorage, Person, WorkspaceSettings
from cio_tui.model.record import OpRecord
from cio_tui.model.shortcut_identify import person_identify
from tests.unit.shortcut_pairs import engine_pair, taken_by

MANY = {f"a{n}": n for n in range(298)}  # two attributes short of the limit
SHARED = [Person(pk=1, cio_id="s1", id="dup", email=None, created_at=5, updated_at=5),
          Person(pk=2, cio_id="s2", id="dup", email=None, created_at=3, updated_at=3),
          Person(pk=3, cio_id="s3", id=None, email="lead@x.io", created_at=3, updated_at=3),
          Person(pk=4, cio_id="s4", id="full", email=None, created_at=3, updated_at=3, attrs=dict(MANY)),
          Person(pk=5, cio_id="s5", id="mailed", email="Mailed@X.io", created_at=3, updated_at=3, last_ts=10**10),
          Person(pk=6, cio_id="s6", id="other", email="taken@x.io", created_at=4, updated_at=4)]  # fmt: skip
PEOPLE = ["u1", "u2", "u3", "u4", "dup", "full", "mailed", "other", "new-x"]
PATHS: list[str] = [*PEOPLE, *PEOPLE, "cio_s1", "cio_new1", "u1@x.io", "odd@name", "", "L" * 151, "é" * 38, "é" * 40,
                    "sp%20ace", "42"]  # fmt: skip
EMAILS: list[Any] = [None, "", "same", "same", "SAME", " same ", "new", "lead@x.io", "taken@x.io", "mailed@x.io",
                     5, "e" * 140 + "@x.io", "é" * 40 + "@x.io", ["a@x.io"]]  # fmt: skip
VALUES: list[Any] = ["free", "pro", None, "", 0, 1.5, True, False, 10**19, "v" * 250, "v" * 251, "é" * 300,
                     "v" * 1001, {"nested": {"a": 1}}, [1, 2], {"big": "x" * 2000}]  # fmt: skip
NAMES: list[Any] = ["plan", "plan", "logins", "n" * 150, "n" * 151, "é" * 70, "é" * 80, "cio_subscription_preferences",
                    "anonymous_id"]  # fmt: skip
RESERVED: list[Any] = [("created_at", 1_600_000_000), ("created_at", 1_600_000_000.9), ("created_at", "2023-05-01"),
                       ("created_at", "2023-05-01T10:00:00Z"), ("created_at", "not a date"), ("created_at", None),
                       ("created_at", ""), ("created_at", True), ("unsubscribed", True), ("unsubscribed", "true"),
                       ("unsubscribed", 1), ("unsubscribed", "no"), ("_update", True), ("_update", False),
                       ("id", "u1"), ("id", "changed"), ("cio_id", "x"), ("_timestamp", 5), ("__email", "raw@x.io"),
                       ("cio_relationships", [{"identifiers": {"object_type_id": "1", "object_id": "o1"}}]),
                       ("cio_relationships", [])]  # fmt: skip
STAMPS: list[Any] = [None, None, 0, -5, True, "2024-01-01", 1.5]  # and around the clock, below
IDS: list[Any] = [{"email": "u1@x.io"}, {"cio_id": "s1"}, {"anonymous_id": "anon-u1"}, {"id": 7}, {"id": ""},
                  {"id": "u1", "email": "u1@x.io"}, {}, "u1", None, {"id": None}]  # fmt: skip


def _attributes(rng: random.Random, person: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.7:
        email = rng.choice(EMAILS)
        attrs["email"] = f"{person}@x.io".upper() if email == "SAME" else (
            f"{person}@x.io" if email == "same" else (f" {person}@x.io " if email == " same " else (
                f"{person}-{rng.randrange(3)}@x.io" if email == "new" else email)))  # fmt: skip
    for _ in range(rng.choice([0, 1, 2, 3])):
        attrs[rng.choice(NAMES)] = rng.choice(VALUES)
    if rng.random() < 0.5:
        attrs["anonymous_id"] = rng.choice([f"anon-{person}", f"anon-{person}", "anon-shared", "", 7, None])
    if rng.random() < 0.3:
        key, value = rng.choice(RESERVED)
        attrs[key] = value
    if rng.random() < 0.02:
        attrs.update({f"m{n}": n for n in range(rng.choice([3, 299, 301]))})
    return attrs


def _operation(rng: random.Random, now: int) -> tuple[str, str, Any]:
    roll = rng.random()
    person = rng.choice(PEOPLE)
    if roll < 0.35:  # v2 identify
        op: dict[str, Any] = {"type": "person", "action": "identify", "attributes": _attributes(rng, person)}
        op["identifiers"] = {"id": person} if rng.random() < 0.85 else rng.choice(IDS)
        if rng.random() < 0.8:
            op["timestamp"] = rng.choice([now, now, now - 100, now + 100, *STAMPS])
        if rng.random() < 0.05:
            op["attributes"] = rng.choice([None, [], "text", [1], 0])
        if rng.random() < 0.03:
            op["cio_relationships"] = rng.choice(
                [[], None, [{"identifiers": {"object_type_id": "1", "object_id": "2"}}]]
            )
        return "POST", "/api/v2/entity", op
    if roll < 0.65:  # v1 identify
        body: Any = _attributes(rng, person)
        if rng.random() < 0.05:
            body = rng.choice([None, [], "text", [1]])
        return "PUT", f"/api/v1/customers/{rng.choice(PATHS)}", body
    if roll < 0.80:  # anonymous events, to be merged by an identify carrying their anonymous_id
        anon = rng.choice([f"anon-{person}", "anon-shared"])
        action = rng.choice(["event", "page"])
        return "POST", "/api/v2/entity", {"type": "person", "action": action, "identifiers": {"anonymous_id": anon},
                                          "name": "Viewed", "attributes": {"n": 1}}  # fmt: skip
    if roll < 0.88:  # events on people (they create the ones they name)
        return "POST", f"/api/v1/customers/{person}/events", {"name": "Bought", "data": {"v": 1}}
    if roll < 0.92:
        action = rng.choice(["suppress", "unsuppress", "suppress", "unsuppress", "delete"])
        return "POST" if action != "delete" else "DELETE", f"/api/v1/customers/{person}" + (
            f"/{action}" if action != "delete" else ""), {}  # fmt: skip
    if roll < 0.96:
        other = rng.choice(PEOPLE)
        return "POST", "/api/v2/entity", {"type": "person", "action": "merge", "primary": {"id": person},
                                          "secondary": {"id": other}}  # fmt: skip
    anonymous = {"anonymous_id": f"anon-{person}"}  # an anonymous identify
    return (
        "POST",
        "/api/v2/entity",
        {"type": "person", "action": "identify", "identifiers": anonymous, "attributes": {}},
    )


def _outcome(rec: OpRecord) -> tuple[object, ...]:
    return (rec.kind, rec.roles, rec.facts, rec.activities, rec.error, rec.details, rec.behaviours, rec.changes)


def _state(store: MemoryStorage) -> tuple[object, ...]:
    return (store.people, store.activities, store.event_ids, store.anonymous_events, store.suppressions,
            store.device_rows, store._index, store._keys, store._next, store._named, store._activity_pk,
            store.objects, store.relationships)  # fmt: skip


SETTINGS = [WorkspaceSettings(), WorkspaceSettings(mode="id_only"), WorkspaceSettings(auto_merge=False),
            WorkspaceSettings(email_update_by_id=True), WorkspaceSettings(anonymous_merge=False),
            WorkspaceSettings(ignore_older_updates=False)]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: repr(s)[18:60])
def test_the_identify_shortcut_answers_what_the_general_path_answers(
    seed: int, settings: WorkspaceSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = taken_by(monkeypatch, "person_identify")
    rng = random.Random(seed)
    now = 1_700_000_000
    fast, general = engine_pair(SHARED, settings, lambda: now)
    kinds: set[str] = set()
    for _ in range(2500):
        # the clock moves as a replay's does, sometimes by more than the 30 days of the anonymous merge
        now += rng.choice([0, 1, 60, 3600, 40 * 86_400])
        method, path, body = _operation(rng, now)
        sent = copy.deepcopy(body)
        want = general.execute(method, path, copy.deepcopy(body))
        got = fast.execute(method, path, body)
        assert body == sent, "the request was changed"
        assert (got.status, got.body) == (want.status, want.body), (path, body)
        assert [_outcome(r) for r in got.records] == [_outcome(r) for r in want.records], (path, body)
        assert _outcome(fast.ops.rec) == _outcome(general.ops.rec), (path, body)
        assert _state(fast.storage) == _state(general.storage), (path, body)  # type: ignore[arg-type]
        kinds.update(r.kind for r in want.records)
    # the general path decided identifies of many other kinds meanwhile
    assert {"rejected", "updates_person", "creates_person"} <= kinds
    if settings.email_is_identifier:
        assert {"assigns_id_to_lead", "dropped_suppressed"} <= kinds
        assert len(taken) > 150
        taken_kinds = {r.kind for r in taken}
        assert {"updates_person", "creates_person"} <= taken_kinds
        assert ("update_ignored_older" in taken_kinds) == settings.ignore_older_updates
        assert any(r.facts.get("anonymous_events_merged") for r in taken) == settings.anonymous_merge
    else:
        assert taken == []  # in an id-only workspace email is an attribute: the general path decides every one


def _engine() -> tuple[Engine, MemoryStorage]:
    store = MemoryStorage()
    for person in SHARED:
        store.add_person(person)
    return Engine(store, WorkspaceSettings(), clock=lambda: 1_800_000_000, behaviours=False), store


def _v2(engine: Engine, ids: object, attributes: object, **more: object) -> OpRecord:
    op = {"type": "person", "action": "identify", "identifiers": ids, "attributes": attributes, **more}
    return engine.execute("POST", "/api/v2/entity", op).record


@pytest.mark.parametrize(
    ("path", "body", "kind"),
    [
        ("dup", {"plan": "x"}, "updates_person"),  # two people hold the id: the oldest, with a detail
        ("lead@x.io", {"plan": "x"}, "updates_person"),  # an email path
        ("cio_s1", {"plan": "x"}, "updates_person"),
        ("u9", {"email": "lead@x.io"}, "assigns_id_to_lead"),
        ("u9", {"email": "taken@x.io"}, "id_change_refused"),
        ("mailed", {"email": "other@x.io"}, "email_change_refused"),
        ("u9", {"_update": True}, "update_only_no_person"),
        ("other", {"id": "u10"}, "id_change_refused"),
        ("u9", {"created_at": "not a date"}, "rejected"),
        ("u9", {"email": "e" * 151}, "rejected"),
        ("u9", {"n" * 151: 1}, "rejected"),
        ("u9", {"v": "v" * 1001}, "rejected"),
        ("full", {"x": 1, "y": 2, "z": 3}, "rejected"),
        ("u9", [1], "rejected"),
        ("L" * 151, {}, "rejected"),
    ],
)
def test_the_general_path_decides_what_the_shortcut_cannot(path: str, body: object, kind: str) -> None:
    """Each identify the shortcut hands back, alone: what the general path answers for it."""
    engine, _store = _engine()
    assert engine.execute("PUT", f"/api/v1/customers/{path}", body).record.kind == kind


def test_what_the_shortcut_decides() -> None:
    engine, store = _engine()
    rec = _v2(engine, {"id": "u1"}, {"email": "U1@x.io", "plan": "free", "created_at": "2023-05-01",
                                     "anonymous_id": "anon-1", "unsubscribed": "true"}, timestamp=1000)  # fmt: skip
    assert (rec.kind, rec.activities, rec.facts) == ("creates_person", [("new1", "profile_create", None)], {})
    person = store.people["new1"]
    assert (person.id, person.email, person.created_at, person.unsubscribed, person.last_ts) == (
        "u1", "U1@x.io", 1_682_899_200, True, 1000)  # fmt: skip
    assert person.attrs == {"plan": "free", "anonymous_id": "anon-1"}
    assert store.by_anonymous_id("anon-1")[0].cio_id == "new1"
    assert _v2(engine, {"id": "u1"}, {"plan": "pro"}, timestamp=999).kind == "update_ignored_older"
    assert store.people["new1"].attrs["plan"] == "free"
    engine.execute("POST", "/api/v2/entity", {"type": "person", "action": "page", "name": "P",
                                              "identifiers": {"anonymous_id": "anon-2"}})  # fmt: skip
    rec = engine.execute(
        "PUT", "/api/v1/customers/u1", {"email": "u1@X.IO", "plan": "", "anonymous_id": "anon-2"}
    ).record
    assert (rec.kind, rec.roles, rec.activities) == ("updates_person", {"new1": "updated"}, [("new1", "page", "P")])
    assert rec.facts == {"anonymous_events_merged": 1}
    assert rec.details == ["1 anonymous event(s) of anonymous_id anon-2 join cio_new1 (id u1, email U1@x.io)."]
    assert store.people["new1"].attrs == {"anonymous_id": "anon-2"}
    assert store.people["new1"].last_ts == 1_800_000_000  # a v1 identify is as of now
    rec = engine.execute("PUT", "/api/v1/customers/other", {"plan": "x"}).record
    assert (rec.kind, rec.roles) == ("updates_person", {"s6": "updated"})


def test_a_name_that_is_not_a_string_goes_to_the_general_path() -> None:
    """A caller's body (not JSON) may have one: the shortcut leaves it to the general path, before any change."""
    _, store = _engine()
    before = dict(store.people)
    assert person_identify(store, "u1", {"plan": "x", 5: "y"}, WorkspaceSettings(), lambda: 1) is None
    assert person_identify(store, "u1", {"v": "v" * 300, 5: "y"}, WorkspaceSettings(), lambda: 1) is None
    assert store.people == before and store._activity_pk == 0
