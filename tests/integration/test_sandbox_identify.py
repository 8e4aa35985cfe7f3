"""Track v1 identify semantics over a real loopback sandbox (docs/reference/customerio-track.md, "Identify")."""

from __future__ import annotations

import pytest

from tests.integration.conftest import TRACK_AUTH, SandboxApi


def test_auth_region_and_error_shapes(http, api: SandboxApi, sandbox_server: str) -> None:
    r = http.get("/api/v1/accounts/region", auth=TRACK_AUTH)
    assert r.status_code == 200
    assert r.json() == {"url": sandbox_server, "region": "us", "environment_id": 90210}
    bad = http.get("/api/v1/accounts/region", auth=("sandbox", "wrong"))
    assert (bad.status_code, bad.json()) == (401, {"meta": {"error": "Unauthorized request"}})
    bad_app = http.get("/v1/workspaces", headers={"Authorization": "Bearer nope"})
    assert (bad_app.status_code, bad_app.json()) == (401, {"errors": [{"detail": "unauthorized", "status": "401"}]})
    assert http.get("/v1/workspaces", auth=TRACK_AUTH).status_code == 401  # Track credentials on the App API
    missing = api.app("GET", "/v1/customers/nobody/attributes")
    not_found = {"errors": [{"detail": "resource not found", "status": "404"}]}
    assert (missing.status_code, missing.json()) == (404, not_found)


def test_identify_creates_then_updates_and_app_returns_strings(api: SandboxApi, sandbox_clock) -> None:
    assert api.identify("t-1", {"email": "T1@Test.io", "plan": "pro", "logins": 3, "vip": True}).json() == {}
    sandbox_clock.advance(60)
    assert api.identify("t-1", {"logins": 4, "plan": None}).status_code == 200
    person = api.person("t-1")
    assert person["identifiers"]["id"] == "t-1" and person["identifiers"]["email"] == "T1@Test.io"
    assert person["attributes"]["logins"] == "4" and person["attributes"]["vip"] == "true"
    assert "plan" not in person["attributes"]  # null removes the attribute
    assert person["attributes"]["created_at"] == str(sandbox_clock.now - 60)
    assert [a["type"] for a in api.activities("t-1")] == ["profile_create"]


def test_ids_are_case_sensitive_and_emails_are_not(api: SandboxApi) -> None:
    api.identify("Case-A", {"email": "case@test.io"})
    api.identify("case-a", {})
    a, b = api.person("Case-A"), api.person("case-a")
    assert a["identifiers"]["cio_id"] != b["identifiers"]["cio_id"]
    assert [p["id"] for p in api.by_email("CASE@TEST.IO")] == ["Case-A"]
    api.identify("CASE@test.io", {"city": "Oslo"})  # email path, any case: the same person
    assert api.person("Case-A")["attributes"]["city"] == "Oslo"


def test_lead_conversion_both_ways(api: SandboxApi) -> None:
    api.identify("lead1@test.io", {"first_name": "Lea"})
    lead = api.by_email("lead1@test.io")[0]
    assert lead["id"] is None
    api.identify("new-1", {"email": "lead1@test.io"})  # path id new, body email matches: the lead gets the id
    assert api.person("new-1")["identifiers"]["cio_id"] == lead["cio_id"]
    api.identify("lead2@test.io", {})
    cio = api.by_email("lead2@test.io")[0]["cio_id"]
    api.identify("lead2@test.io", {"id": "new-2"})  # email path, body id: the id is set
    assert api.person("new-2")["identifiers"]["cio_id"] == cio


def test_cio_path_changes_id_and_email_and_unknown_cio_is_dropped(api: SandboxApi) -> None:
    api.identify("old-id", {"email": "old@test.io"})
    cio = api.person("old-id")["identifiers"]["cio_id"]
    api.identify(f"cio_{cio}", {"id": "fresh-id", "email": "fresh@test.io"})
    assert api.person("old-id") is None
    moved = api.person("fresh-id")
    assert moved["identifiers"] == {"email": "fresh@test.io", "id": "fresh-id", "cio_id": cio}
    assert api.identify("cio_ffffffff", {"id": "ghost"}).status_code == 200
    assert api.person("ghost") is None


def test_changing_a_set_identifier_without_cio_path_fails_with_activity(api: SandboxApi) -> None:
    api.identify("keep-id", {"email": "keep@test.io"})
    assert api.identify("keep-id", {"email": "other@test.io"}).status_code == 200  # setting off: refused
    assert api.person("keep-id")["identifiers"]["email"] == "keep@test.io"
    failed = api.activities("keep-id", "failed_attribute_change")
    assert failed[0]["data"]["attribute"] == "email" and failed[0]["data"]["value"] == "other@test.io"


@pytest.mark.parametrize("sandbox_server", [{"email_update_by_id": True}], indirect=True)
def test_email_update_by_id_setting(api: SandboxApi) -> None:
    api.identify("eu-1", {"email": "before@test.io"})
    api.identify("eu-1", {"email": "after@test.io"})
    assert api.person("eu-1")["identifiers"]["email"] == "after@test.io"
    assert api.activities("eu-1", "failed_attribute_change") == []


def test_two_people_conflict_answers_200_and_records_failure(api: SandboxApi) -> None:
    api.identify("p-1", {"email": "p1@test.io"})
    api.identify("p-2", {"email": "p2@test.io"})
    r = api.identify("p-1", {"email": "p2@test.io", "color": "red"})
    assert r.status_code == 200 and r.json() == {}
    p1 = api.person("p-1")
    assert p1["identifiers"]["email"] == "p1@test.io" and p1["attributes"]["color"] == "red"
    failed = api.activities("p-1", "failed_attribute_change")[0]
    assert failed["data"]["conflicting_cio_id"] == api.person("p-2")["identifiers"]["cio_id"]


def test_auto_merge_when_conditions_hold_older_is_primary(api: SandboxApi, sandbox_clock) -> None:
    api.identify("lead-am@test.io", {"source": "form", "plan": "free"})  # older: email only
    sandbox_clock.advance(100)
    api.identify("am-1", {"plan": "pro"})  # newer: id only
    lead_cio = api.by_email("lead-am@test.io")[0]["cio_id"]
    assert api.identify("am-1", {"email": "lead-am@test.io"}).status_code == 200
    merged = api.person("am-1")
    assert merged["identifiers"] == {"email": "lead-am@test.io", "id": "am-1", "cio_id": lead_cio}
    assert merged["attributes"]["plan"] == "free"  # the primary's value wins
    assert merged["attributes"]["source"] == "form"
    assert len(api.by_email("lead-am@test.io")) == 1
    assert api.activities("am-1", "profile_merge")[0]["data"]["automatic"] is True


def test_no_auto_merge_when_the_id_person_has_an_email(api: SandboxApi) -> None:
    api.identify("lead-x@test.io", {})
    api.identify("nx-1", {"email": "nx1@test.io"})
    api.identify("nx-1", {"email": "lead-x@test.io"})
    assert len(api.by_email("lead-x@test.io")) == 1 and api.by_email("lead-x@test.io")[0]["id"] is None
    assert api.activities("nx-1", "failed_attribute_change")


@pytest.mark.parametrize("sandbox_server", [{"auto_merge": False}], indirect=True)
def test_auto_merge_off_gives_failed_change(api: SandboxApi) -> None:
    api.identify("lead-off@test.io", {})
    api.identify("off-1", {})
    api.identify("off-1", {"email": "lead-off@test.io"})
    assert api.person("off-1")["identifiers"]["email"] is None
    assert api.activities("off-1", "failed_attribute_change")[0]["data"]["attribute"] == "email"


def test_update_only_never_creates(api: SandboxApi) -> None:
    assert api.identify("upd-1", {"_update": True, "a": 1}).status_code == 200
    assert api.person("upd-1") is None


def test_size_limits_answer_400(api: SandboxApi) -> None:
    long_id = "x" * 151
    r = api.identify(long_id, {})
    assert r.status_code == 400 and "150 bytes" in r.json()["meta"]["errors"][0]
    assert api.identify("ok-1", {"big": "v" * 1001}).status_code == 400
    assert api.identify("ok-1", {f"a{i}": i for i in range(301)}).status_code == 400
    assert api.identify("ok-1", {"n" * 151: 1}).status_code == 400
    ev = api.track("POST", "/api/v1/customers/ok-1/events", json={"name": "e" * 101})
    assert ev.status_code == 400
    assert api.person("ok-1") is None  # nothing was applied


def test_events_create_people_and_land_in_activities(api: SandboxApi) -> None:
    r = api.track("POST", "/api/v1/customers/ev-1/events", json={"name": "Order Completed", "data": {"value": 9}})
    assert r.status_code == 200
    events = api.activities("ev-1", "event")
    assert events[0]["name"] == "Order Completed" and events[0]["data"] == {"value": 9}


def test_delete_and_missing_delete(api: SandboxApi) -> None:
    api.identify("del-1", {"email": "del1@test.io"})
    assert api.track("DELETE", "/api/v1/customers/del-1").json() == {}
    assert api.person("del-1") is None and api.by_email("del1@test.io") == []
    assert api.track("DELETE", "/api/v1/customers/never-existed").status_code == 200


def test_suppress_blocks_identifiers_and_unsuppress_frees_without_restoring(api: SandboxApi) -> None:
    api.identify("sup-1", {"email": "sup1@test.io", "plan": "pro"})
    assert api.track("POST", "/api/v1/customers/sup-1/suppress").json() == {}
    assert api.person("sup-1") is None
    api.identify("sup-1", {"plan": "again"})
    api.identify("sup1@test.io", {})
    assert api.person("sup-1") is None and api.by_email("sup1@test.io") == []  # blocked
    api.track("POST", "/api/v1/customers/sup1%40test.io/unsuppress")  # frees both identifiers of the profile
    api.identify("sup-1", {"email": "sup1@test.io"})
    fresh = api.person("sup-1")
    assert fresh is not None and "plan" not in fresh["attributes"]  # a fresh person, no history
    assert [a["type"] for a in api.activities("sup-1")] == ["profile_create"]


def test_devices_v1(api: SandboxApi) -> None:
    api.identify("dv-1", {})
    body = {"device": {"id": "tok-1", "platform": "ios", "last_used": 1700000000}}
    assert api.track("PUT", "/api/v1/customers/dv-1/devices", json=body).status_code == 200
    assert api.person("dv-1")["devices"] == [{"id": "tok-1", "platform": "ios", "last_used": 1700000000}]
    api.track("DELETE", "/api/v1/customers/dv-1/devices/tok-1")
    assert api.person("dv-1")["devices"] == []


def test_percent_encoded_ids_stay_one_segment(api: SandboxApi) -> None:
    api.identify("a/b c+d", {"k": "v"})
    assert api.person("a/b c+d")["attributes"]["k"] == "v"
