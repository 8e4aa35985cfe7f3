"""App API over a loopback sandbox: search paging, bulk lookups, exports, lists and rate limits."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.integration.conftest import SandboxApi

LEADS = {
    "and": [
        {"attribute": {"field": "email", "operator": "exists"}},
        {"not": {"attribute": {"field": "id", "operator": "exists"}}},
    ]
}


def _search_all(api: SandboxApi, flt: dict, limit: int) -> list[dict]:
    found, start, pages = [], None, 0
    while True:
        params = {"limit": limit, **({"start": start} if start else {})}
        r = api.app("POST", "/v1/customers", params=params, json={"filter": flt})
        assert r.status_code == 200, r.text
        body = r.json()
        assert set(body) == {"identifiers", "ids", "next"}
        assert body["ids"] == [i["id"] or "" for i in body["identifiers"]]
        found += body["identifiers"]
        pages += 1
        start = body["next"]
        if not start:
            return found


def test_search_filters_and_paging(api: SandboxApi) -> None:
    api.identify("lead-s@test.io", {"plan": "pro"})
    leads = _search_all(api, LEADS, limit=2)
    assert leads and all(p["id"] is None and p["email"] for p in leads)
    assert "lead-s@test.io" in {p["email"] for p in leads}
    assert _search_all(api, LEADS, limit=1000) == leads  # same people, whatever the page size
    pro = _search_all(api, {"attribute": {"field": "plan", "operator": "eq", "value": "pro"}}, limit=50)
    assert all(api.person(p["cio_id"], "cio_id")["attributes"]["plan"] == "pro" for p in pro)
    seg = _search_all(api, {"or": [{"segment": {"id": 1}}, {"segment": {"id": 2}}]}, limit=50)
    assert all(
        {
            s["id"]
            for s in api.app("GET", f"/v1/customers/{p['cio_id']}/segments", params={"id_type": "cio_id"}).json()[
                "segments"
            ]
        }
        & {1, 2}
        for p in seg
    )
    for bad in (
        {"attribute": {"field": "plan", "operator": "gt", "value": 1}},
        {"and": []},
        {"attribute": {"field": "plan", "operator": "eq"}},
        {"segment": {"id": 1}, "not": {}},
    ):
        r = api.app("POST", "/v1/customers", json={"filter": bad})
        assert r.status_code == 400 and r.json()["errors"][0]["status"] == "400"
    assert api.app("POST", "/v1/customers", params={"limit": 1001}, json={"filter": LEADS}).status_code == 400


def test_bulk_attributes(api: SandboxApi) -> None:
    api.identify("b-1", {"email": "b1@test.io"})
    api.identify("b-2", {})
    r = api.app("POST", "/v1/customers/attributes", json={"ids": ["b-1", "nobody", "b-2"]})
    assert [c["customer"]["id"] for c in r.json()["customers"]] == ["b-1", "b-2"]
    by_email = api.app("POST", "/v1/customers/attributes", params={"id_type": "email"}, json={"ids": ["B1@test.io"]})
    assert by_email.json()["customers"][0]["customer"]["identifiers"]["id"] == "b-1"
    too_many = api.app("POST", "/v1/customers/attributes", json={"ids": [str(i) for i in range(101)]})
    assert too_many.status_code == 400
    phone = api.app("GET", "/v1/customers/%2B4912/attributes", params={"id_type": "phone"})
    assert phone.status_code == 400


def test_cio_id_type_accepts_raw_and_prefixed(api: SandboxApi) -> None:
    api.identify("c-1", {})
    cio = api.person("c-1")["identifiers"]["cio_id"]
    assert api.person(cio, "cio_id")["id"] == "c-1"
    assert api.person(f"cio_{cio}", "cio_id")["id"] == "c-1"


def test_export_flow_and_csv(api: SandboxApi, http: httpx.Client) -> None:
    assert api.app("GET", "/v1/exports").json() == {"exports": None}
    start = api.app("POST", "/v1/exports/customers", json={"filters": LEADS, "attributes": ["plan"]})
    export = start.json()["export"]
    assert export["status"] == "pending" and export["total"] == 0 and export["type"] == "customers"
    status = api.app("GET", f"/v1/exports/{export['id']}").json()["export"]
    assert status["status"] == "done" and status["failed"] is False
    link = api.app("GET", f"/v1/exports/{export['id']}/download").json()
    assert set(link) == {"url"} and link["url"].startswith(str(http.base_url).rstrip("/"))
    csv_text = httpx.get(link["url"]).text  # no Authorization header, as with a signed link
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0] == ["cio_id", "id", "email", "created_at", "plan"]
    assert len(rows) - 1 == status["total"] and all(r[1] == "" and r[2] for r in rows[1:])
    assert api.app("GET", "/v1/exports/999").status_code == 404
    assert httpx.get(link["url"].replace(".csv", "x.csv")).status_code == 404


def test_lists_and_workspace(api: SandboxApi) -> None:
    ws = api.app("GET", "/v1/workspaces").json()["workspaces"][0]
    assert set(ws) == {"id", "name", "messages_sent", "billable_messages_sent", "people", "object_types", "objects"}
    assert ws["people"] == 30
    for n in range(3):
        api.track("POST", "/api/v1/customers/l-1/events", json={"name": f"E{n}"})
    page1 = api.app("GET", "/v1/customers/l-1/activities", params={"type": "event", "limit": 2}).json()
    assert [a["name"] for a in page1["activities"]] == ["E2", "E1"] and page1["next"]
    page2 = api.app(
        "GET", "/v1/customers/l-1/activities", params={"type": "event", "limit": 2, "start": page1["next"]}
    ).json()
    assert [a["name"] for a in page2["activities"]] == ["E0"] and page2["next"] == ""
    msgs = api.app("GET", "/v1/customers/l-1/messages").json()
    assert msgs == {"messages": [], "next": ""}
    assert api.app("GET", "/v1/customers/l-1/segments").json() == {"segments": []}


@pytest.mark.parametrize("sandbox_server", [{"app_rps": 2, "track_rps": 3}], indirect=True)
def test_rate_limits_answer_429_with_retry_after(api: SandboxApi) -> None:
    app = [api.app("GET", "/v1/workspaces") for _ in range(4)]
    assert [r.status_code for r in app][:2] == [200, 200]
    limited = [r for r in app if r.status_code == 429]
    assert limited and int(limited[0].headers["Retry-After"]) >= 1
    assert limited[0].json() == {"errors": [{"detail": "rate limited to 2 requests per 1s", "status": "429"}]}
    track = [api.identify("rl-1", {}).status_code for _ in range(5)]
    assert track[:3] == [200, 200, 200] and 429 in track
