"""The contract scenarios: together they exercise every behaviour row of the engine (a test checks it)."""

from __future__ import annotations

from cio_tui.sandbox.generator import BASE_TIME
from cio_tui.sandbox.store import Store
from tests.contract.harness import BATCH, ENTITY, Scenario, path, v2

DAY = 86_400
ADV = ("ADVANCE", "", 60)


def _dupes(store: Store) -> None:
    """Legacy data: one email on two people (only old or ID-only workspaces can hold it)."""
    store.insert_person(id="old1", email="dup@x.io", created_at=BASE_TIME - 100, attrs={})
    store.insert_person(id="old2", email="dup@x.io", created_at=BASE_TIME - 50, attrs={})


def _obj(action: str, object_id: str, **fields: object) -> tuple[str, str, object]:
    return (
        "POST",
        ENTITY,
        {"type": "object", "action": action, "identifiers": {"object_type_id": "1", "object_id": object_id}, **fields},
    )


SCENARIOS: list[Scenario] = [
    Scenario(
        "create_and_update",
        [
            ("PUT", path("u1"), {"email": "a@x.io", "plan": "pro"}),
            ("PUT", path("u1"), {"plan": "", "age": 3}),
            ("PUT", path("A@X.io"), {"seen": True}),
        ],
        [("id", "u1")],
    ),
    Scenario("update_only", [("PUT", path("nobody"), {"_update": True, "plan": "x"})], [("id", "nobody")]),
    Scenario(
        "lead_gets_id_from_the_path",
        [("PUT", path("userId123"), {"email": "person@example.com"})],
        [("email", "person@example.com")],
        setup=[("PUT", path("person@example.com"), {"email": "person@example.com"})],
    ),
    Scenario(
        "lead_gets_id_from_the_body",
        [("PUT", path("lead2@x.io"), {"id": "u2"})],
        [("email", "lead2@x.io")],
        setup=[("PUT", path("lead2@x.io"), {})],
    ),
    Scenario(
        "id_change_through_cio",
        [
            ("PUT", path("cio_$cio:u3"), {"id": "u3new"}),
            ("PUT", path("u3new"), {"plan": "after"}),
            ("PUT", path("u3"), {"plan": "old-id"}),
        ],
        [("id", "u3new"), ("id", "u3")],
        setup=[("PUT", path("u3"), {"email": "c@x.io"})],
    ),
    Scenario(
        "cio_change_to_a_taken_id",
        [("PUT", path("cio_$cio:u4"), {"id": "u5"})],
        [("id", "u4"), ("id", "u5")],
        setup=[("PUT", path("u4"), {}), ("PUT", path("u5"), {})],
    ),
    Scenario(
        "unknown_and_invalid_cio",
        [
            ("PUT", path("cio_zzz9"), {"plan": 1}),
            ("PUT", path("cio_!!"), {}),
        ],
        [("id", "zzz9")],
    ),
    Scenario(
        "identifier_changes_refused",
        [
            ("PUT", path("u6"), {"id": "other", "plan": "x"}),
            ("PUT", path("e6@x.io"), {"email": "other6@x.io"}),
            ("PUT", path("u6"), {"email": "moved6@x.io"}),
        ],
        [("id", "u6")],
        setup=[("PUT", path("u6"), {"email": "e6@x.io"})],
    ),
    Scenario(
        "email_update_by_id",
        [("PUT", path("u7"), {"email": "new7@x.io"})],
        [("id", "u7")],
        setup=[("PUT", path("u7"), {"email": "e7@x.io"})],
        settings={"email_update_by_id": True},
    ),
    Scenario(
        "two_people_without_auto_merge",
        [("PUT", path("u8"), {"email": "e8@x.io", "plan": "p"})],
        [("id", "u8"), ("email", "e8@x.io")],
        setup=[("PUT", path("u8"), {}), ("PUT", path("e8@x.io"), {})],
        settings={"auto_merge": False},
    ),
    Scenario(
        "new_id_with_the_email_of_a_person_with_an_id",
        [("PUT", path("u10"), {"email": "e9@x.io"})],
        [("id", "u10"), ("id", "u9")],
        setup=[("PUT", path("u9"), {"email": "e9@x.io"})],
    ),
    Scenario(
        "auto_merge_keeps_the_older",
        [v2("identify", {"id": "u11"}, attributes={"email": "e11@x.io"})],
        [("id", "u11"), ("email", "e11@x.io")],
        setup=[("PUT", path("e11@x.io"), {"from": "lead"}), ADV, ("PUT", path("u11"), {"from": "id"})],
    ),
    Scenario(
        "merge_moves_the_last_30_days",
        [
            v2("event", {"id": "u13"}, name="old", timestamp=BASE_TIME - 60 * DAY),
            v2("event", {"id": "u13"}, name="recent", timestamp=BASE_TIME - DAY),
            ("POST", "/api/v1/merge_customers", {"primary": {"id": "u12"}, "secondary": {"id": "u13"}}),
        ],
        [("id", "u12"), ("id", "u13")],
        setup=[("PUT", path("u12"), {"a": "primary"}), ("PUT", path("u13"), {"a": "secondary", "b": "filled"})],
    ),
    Scenario(
        "merge_that_does_nothing",
        [
            ("POST", "/api/v1/merge_customers", {"primary": {"id": "ghost"}, "secondary": {"id": "u14"}}),
            ("POST", "/api/v1/merge_customers", {"primary": {"id": "u14"}, "secondary": {"id": "ghost"}}),
            ("POST", "/api/v1/merge_customers", {"primary": {"id": "u14"}, "secondary": {"email": "e14@x.io"}}),
            ("POST", "/api/v1/merge_customers", {"primary": {"id": "u14", "email": "e14@x.io"}, "secondary": {}}),
            v2("merge", primary={"id": "u14"}, secondary={"id": "ghost"}),
        ],
        [("id", "u14")],
        setup=[("PUT", path("u14"), {"email": "e14@x.io"})],
    ),
    Scenario(
        "delete",
        [("DELETE", path("u15"), None), ("DELETE", path("nobody15"), None)],
        [("id", "u15")],
        setup=[("PUT", path("u15"), {})],
    ),
    Scenario(
        "suppress_and_unsuppress",
        [
            ("POST", path("u16", "suppress"), None),
            ("PUT", path("u16"), {"plan": "blocked"}),
            ("PUT", path("e16@x.io"), {"plan": "blocked"}),
            ("POST", path("u16", "unsuppress"), None),
            ("PUT", path("u16"), {"plan": "fresh"}),
            ("POST", path("never16", "suppress"), None),
            v2("unsuppress", {"id": "not-suppressed"}),
        ],
        [("id", "u16"), ("email", "e16@x.io")],
        setup=[("PUT", path("u16"), {"email": "e16@x.io"})],
    ),
    Scenario(
        "v1_events",
        [
            ("POST", path("u17", "events"), {"name": " Paid ", "id": "01HZX0000000000000000000A1"}),
            ("POST", path("u17", "events"), {"name": "Paid", "id": "01HZX0000000000000000000A1"}),
            ("POST", path("u17", "events"), {"name": "Home", "type": "screen"}),
            ("POST", path("u17", "events"), {"name": "https://x.io/a", "type": "page"}),
            ("POST", path("u18", "events"), {"name": "creates"}),
            ("POST", path("cio_zz18", "events"), {"name": "dropped"}),
            ("POST", path("u17", "events"), {"name": "   "}),
        ],
        [("id", "u17"), ("id", "u18")],
        setup=[("PUT", path("u17"), {})],
    ),
    Scenario(
        "anonymous_events_merge_on_identify",
        [
            ("POST", "/api/v1/events", {"anonymous_id": "an1", "name": "watched"}),
            v2("page", {"anonymous_id": "an1"}, name="/pricing", attributes={"url": "https://x.io/pricing"}),
            v2("event", {"anonymous_id": "an1"}, name="too old", timestamp=BASE_TIME - 40 * DAY),
            ("POST", "/api/v1/events", {"name": "nobody's"}),
            v2("identify", {"id": "u19"}, attributes={"anonymous_id": "an1"}),
        ],
        [("id", "u19")],
    ),
    Scenario(
        "anonymous_merging_off",
        [
            ("POST", "/api/v1/events", {"anonymous_id": "an2", "name": "watched"}),
            v2("identify", {"id": "u20"}, attributes={"anonymous_id": "an2"}),
        ],
        [("id", "u20")],
        settings={"anonymous_merge": False},
    ),
    Scenario(
        "anonymous_identify",
        [
            v2("identify", {"anonymous_id": "an3"}, attributes={"email": "a3@x.io", "plan": "trial"}),
            v2("identify", {"anonymous_id": "an4"}, attributes={"plan": "trial"}),
        ],
        [("email", "a3@x.io")],
    ),
    Scenario(
        "content_events",
        [
            v2("viewed_content", {"id": "u21"}, attributes={"content": "banner"}),
            v2("clicked_content", {"anonymous_id": "an5"}, attributes={"content": "banner"}),
        ],
        [("id", "u21")],
        setup=[("PUT", path("u21"), {})],
    ),
    Scenario(
        "metrics",
        [
            ("POST", "/api/v1/metrics", {"delivery_id": "d1", "metric": "opened", "timestamp": BASE_TIME}),
            ("POST", "/api/v1/metrics", {"delivery_id": "d2"}),
            (
                "POST",
                ENTITY,
                {
                    "type": "delivery",
                    "action": "event",
                    "identifiers": {"id": "d3"},
                    "name": "delivered",
                    "attributes": {"device_token": "tok"},
                },
            ),
        ],
        [],
    ),
    Scenario(
        "devices",
        [
            ("PUT", path("u22", "devices"), {"device": {"id": "tok1", "platform": "ios", "last_used": BASE_TIME}}),
            ("PUT", path("u22", "devices"), {"device": {"id": "tok2", "platform": "android"}}),
            ("DELETE", path("u22", "devices", "tok1"), None),
            v2("add_device", {"id": "u23"}, device={"token": "tok3", "platform": "ios"}),
            v2("delete_device", {"id": "ghost23"}, device={"token": "tok3"}),
            ("PUT", path("u22", "devices"), {"device": {}}),
        ],
        [("id", "u22"), ("id", "u23")],
        setup=[("PUT", path("u22"), {})],
    ),
    Scenario(
        "objects_and_relationships",
        [
            _obj(
                "identify",
                "acme",
                attributes={"name": "Acme", "tier": "gold"},
                cio_relationships=[{"identifiers": {"id": "u24"}, "relationship_attributes": {"role": "admin"}}],
            ),
            _obj("identify", "acme", attributes={"tier": ""}),
            _obj("identify_anonymous", "beta", cio_relationships=[{"identifiers": {"anonymous_id": "an6"}}]),
            v2("identify", {"id": "u25"}, attributes={"anonymous_id": "an6"}),
            _obj("add_relationships", "gamma", cio_relationships=[{"identifiers": {"id": "u24"}}]),
            _obj("delete_relationships", "acme", cio_relationships=[{"identifiers": {"id": "u24"}}]),
            v2(
                "add_relationships",
                {"id": "u25"},
                cio_relationships=[{"identifiers": {"object_type_id": "1", "object_id": "delta"}}],
            ),
            v2(
                "delete_relationships",
                {"id": "u25"},
                cio_relationships=[{"identifiers": {"object_type_id": "1", "object_id": "beta"}}],
            ),
            v2(
                "identify",
                {"id": "u24"},
                attributes={"plan": "team"},
                cio_relationships=[{"identifiers": {"object_type_id": "2", "object_id": "team-9"}}],
            ),
            _obj("delete", "gamma"),
            _obj("identify", ""),
        ],
        [("id", "u24"), ("id", "u25")],
        setup=[("PUT", path("u24"), {})],
    ),
    Scenario(
        "batch_with_a_failure",
        [
            (
                "POST",
                BATCH,
                {
                    "batch": [
                        {
                            "type": "person",
                            "action": "identify",
                            "identifiers": {"id": "u26"},
                            "attributes": {"plan": "a"},
                        },
                        {"type": "person", "action": "fly", "identifiers": {"id": "u26"}},
                        {"type": "person", "action": "event", "identifiers": {"id": "u26"}, "name": "after"},
                        {"type": "thing", "action": "identify"},
                    ]
                },
            ),
            ("POST", BATCH, {"batch": []}),
        ],
        [("id", "u26")],
    ),
    Scenario(
        "size_limits",
        [
            ("PUT", path("u27"), {"bio": "x" * 1001}),
            ("PUT", path("u" * 151), {}),
            v2("identify", {"id": "u27"}, attributes={"blob": "y" * 900, **{f"k{i}": "v" * 100 for i in range(330)}}),
            v2("event", {"id": "u27"}, name="n" * 101),
        ],
        [("id", "u27")],
        covers=("size_limits",),
    ),
    Scenario(
        "created_at_strings",
        [
            ("PUT", path("u28"), {"created_at": "2024-01-01T00:00:00Z"}),
            ("PUT", path("u29"), {"created_at": "1704067200"}),
            ("PUT", path("u30"), {"created_at": "soon"}),
            ("PUT", path("u31"), {"created_at": "Mon, 01 Jan 2024 10:00:00 GMT"}),
        ],
        [("id", "u28"), ("id", "u29"), ("id", "u30"), ("id", "u31")],
    ),
    Scenario(
        "unsubscribed_spellings",
        [
            ("PUT", path("u32"), {"unsubscribed": "TRUE"}),
            ("PUT", path("u33"), {"unsubscribed": 1}),
            ("PUT", path("u34"), {"unsubscribed": "1"}),
            ("PUT", path("u35"), {"unsubscribed": "yes"}),
            ("PUT", path("u32"), {"unsubscribed": False}),
        ],
        [("id", "u32"), ("id", "u33"), ("id", "u34"), ("id", "u35")],
    ),
    Scenario(
        "older_v2_update_ignored",
        [
            v2("identify", {"id": "u36"}, attributes={"plan": "new"}, timestamp=BASE_TIME + 10),
            v2("identify", {"id": "u36"}, attributes={"plan": "replayed"}, timestamp=BASE_TIME - DAY),
        ],
        [("id", "u36")],
    ),
    Scenario(
        "older_v2_update_applied_when_off",
        [
            v2("identify", {"id": "u37"}, attributes={"plan": "new"}, timestamp=BASE_TIME + 10),
            v2("identify", {"id": "u37"}, attributes={"plan": "replayed"}, timestamp=BASE_TIME - DAY),
        ],
        [("id", "u37")],
        settings={"ignore_older_updates": False},
    ),
    Scenario(
        "phone_identifiers",
        [
            v2("identify", {"phone": "+14155550100"}, attributes={"plan": "sms"}),
            v2("event", {"phone": "+14155550100"}, name="texted"),
            v2("identify", {"phone": "+14155550100"}, attributes={"id": "u38"}),
            v2("identify", {"phone": "0044"}, attributes={}),
        ],
        [("phone", "+14155550100")],
        settings={"phone_identifiers": True},
    ),
    Scenario("phone_not_enabled", [v2("identify", {"phone": "+14155550101"}, attributes={})], []),
    Scenario(
        "id_only_workspace",
        [
            ("PUT", path("a@x.io"), {"email": "a@x.io"}),
            v2("identify", {"email": "b@x.io"}, attributes={}),
            ("PUT", path("u39"), {"email": "shared@x.io"}),
            ("PUT", path("u40"), {"email": "shared@x.io"}),
            ("POST", "/api/v1/merge_customers", {"primary": {"email": "shared@x.io"}, "secondary": {"id": "u40"}}),
        ],
        [("id", "a@x.io"), ("email", "shared@x.io")],
        settings={"mode": "id_only"},
    ),
    Scenario(
        "one_email_on_two_people",
        [("PUT", path("dup@x.io"), {"plan": "x"})],
        [("email", "dup@x.io")],
        store_setup=_dupes,
    ),
]
