"""The Segment cut-over against the sandbox's emulated Segment workspace: status, plans, apply (resume, stale
refusal, exactly once), rollback, access problems, and a rehearsal with real traffic through the emulated source."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from cio_tui.cli import main
from cio_tui.customerio.client import CustomerIOClient
from cio_tui.customerio.identifiers import Identifier
from cio_tui.cutover.apply import SegmentApplyEngine, StalePlanError
from cio_tui.cutover.plan import SegmentPlan, load_segment_plan
from cio_tui.cutover.planner import ACTIONS_NAME, plan_cutover, plan_rollback
from cio_tui.identity.journal import Journal, OpState
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.sandbox.segment_state import CLASSIC_ID, SOURCE_ID, TOKEN_NO_SUBSCRIPTIONS, WRITE_KEY
from cio_tui.segment_api.client import SegmentClient
from cio_tui.segment_api.models import ACTIONS_METADATA_ID, EU_REGION, US_REGION, region_value

SEGMENT_URL = SANDBOX_ORIGIN + "/segment"
WS = {"site_id": SANDBOX_SITE_ID, "workspace_fingerprint": "us:test", "workspace_name": "sandbox"}


class Killed(BaseException):
    """The process dies: raised after the server handled a request, before its answer is read."""


class KillAfter(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, writes: int) -> None:
        self.inner, self.left = inner, writes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        resp = await self.inner.handle_async_request(request)
        if request.method != "GET" and request.url.path.startswith("/segment/"):
            self.left -= 1
            if self.left == 0:
                raise Killed
        return resp


@pytest.fixture
def transport(tmp_path: Path) -> httpx.AsyncBaseTransport:
    return embedded_transport(tmp_path / "sb.db", people=30)


def seg(transport: httpx.AsyncBaseTransport, token: str = "sandbox-segment-token") -> SegmentClient:
    limits = {"default": 100_000, "subscriptions": 100_000}
    return SegmentClient(SEGMENT_URL, SecretStr(token), transport=transport, limits=limits)


async def _snapshot(client: SegmentClient, dest_id: str) -> dict[str, Any]:
    d = await client.get_destination(dest_id)
    filters = sorted((f.model_dump(by_alias=True) for f in await client.list_filters(dest_id)), key=lambda f: f["id"])
    return {"destination": d.model_dump(by_alias=True), "filters": filters}


async def _actions(client: SegmentClient) -> list[Any]:
    return [d for d in await client.list_destinations() if d.metadata.id == ACTIONS_METADATA_ID]


async def test_cutover_applied_then_reapplied_creates_nothing_twice(transport, tmp_path):
    client = seg(transport)
    plan = await plan_cutover(client, **WS, skip=["Merge People"])
    kinds = [op.kind for op in plan.operations]
    assert kinds[0] == "create_destination" and kinds.count("create_subscription") == 14
    assert kinds.count("create_filter") == 2 and kinds[-2:] == ["update_destination", "update_destination"]
    body = plan.operations[0].request.body
    assert body["settings"]["apiKey"]["$secret"] == "classic.apiKey"  # the key never enters the plan file
    assert SANDBOX_TRACK_KEY not in plan.to_json()
    assert body["settings"]["accountRegion"] == US_REGION and body["enabled"] is False

    with Journal(tmp_path / "j.sqlite") as journal:
        result = await SegmentApplyEngine(client, journal, plan).run()
        assert result.ok and result.sent == len(plan.operations)
        again = await SegmentApplyEngine(client, journal, plan).run()
        assert again.ok and again.sent == 0
    [actions] = await _actions(client)
    assert actions.enabled and actions.name == ACTIONS_NAME
    assert actions.settings["apiKey"] == SANDBOX_TRACK_KEY and actions.settings["siteId"] == SANDBOX_SITE_ID
    subs = await client.list_subscriptions(actions.id)
    assert len(subs) == 14 and "mergePeople" not in {s.action_slug for s in subs}
    assert {f.title for f in await client.list_filters(actions.id)} == {"Drop QA bots", "Strip ssn trait"}
    assert not (await client.get_destination(CLASSIC_ID)).enabled

    # a new plan made after the cut-over plans no second destination, mapping or filter
    replan = await plan_cutover(client, **WS, skip=["Merge People"])
    assert {op.kind for op in replan.operations} == {"update_destination"}


async def test_killed_midway_and_resumed_creates_one_actions_destination(transport, tmp_path):
    client = seg(transport)
    plan = await plan_cutover(client, **WS)
    with Journal(tmp_path / "j.sqlite") as journal:
        dying = seg(KillAfter(transport, writes=1))  # dies right after the destination was created
        with pytest.raises(Killed):
            await SegmentApplyEngine(dying, journal, plan).run()
        assert journal.op_states(plan.plan_id)["op-00001"] == OpState.SENT
        dying = seg(KillAfter(transport, writes=4))  # resumed, dies again after three mappings
        with pytest.raises(Killed):
            await SegmentApplyEngine(dying, journal, plan).run()
        result = await SegmentApplyEngine(client, journal, plan).run()
        assert result.ok
        states = journal.op_states(plan.plan_id)
        assert states["op-00001"] == OpState.RECONCILED and states["op-00005"] == OpState.RECONCILED
        assert journal.attempts(plan.plan_id)["op-00001"] == 1
    [actions] = await _actions(client)
    subs = await client.list_subscriptions(actions.id)
    assert len(subs) == 15 and len({s.name for s in subs}) == 15  # every mapping once


class AnswerAfter(httpx.AsyncBaseTransport):
    """The Nth Segment write is applied by the sandbox, then answered ``status`` (a 520 from Cloudflare, say)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, nth: int, status: int) -> None:
        self.inner, self.left, self.status, self.writes = inner, nth, status, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        resp = await self.inner.handle_async_request(request)
        if request.method != "GET" and request.url.path.startswith("/segment/"):
            self.writes += 1
            self.left -= 1
            if self.left == 0:
                await resp.aread()
                return httpx.Response(self.status, text="origin error", request=request)
        return resp


async def test_a_write_answered_520_is_journaled_uncertain_and_reconciled_not_failed(transport, tmp_path):
    client = seg(transport)
    plan = await plan_cutover(client, **WS)
    odd = AnswerAfter(transport, nth=1, status=520)  # the destination is created, the answer is a 520
    with Journal(tmp_path / "j.sqlite") as journal:
        result = await SegmentApplyEngine(seg(odd), journal, plan).run()
        states = [e.state for e in journal.entries(plan.plan_id, "op-00001")]
        assert OpState.UNCERTAIN.value in states and states[-1] == OpState.RECONCILED.value, states
        assert result.ok and odd.writes == len(plan.operations)  # each write sent once
    assert len(await _actions(client)) == 1


async def test_rollback_restores_the_classic_state_exactly(transport, tmp_path):
    from datetime import UTC, datetime

    client = seg(transport)
    before = await _snapshot(client, CLASSIC_ID)
    at = datetime(2030, 1, 1, tzinfo=UTC)
    plan = await plan_cutover(client, **WS, method="filters", at=at)
    titles = [op.request.body.get("title") for op in plan.operations if op.kind == "create_filter"]
    conditions = [op.request.body["if"] for op in plan.operations if op.kind == "create_filter"]
    assert conditions[-2:] == ['receivedAt >= "2030-01-01T00:00:00.000Z"', 'receivedAt < "2030-01-01T00:00:00.000Z"']
    assert any("classic drops events from" in (t or "") for t in titles)
    with Journal(tmp_path / "j.sqlite") as journal:
        assert (await SegmentApplyEngine(client, journal, plan).run()).ok
        during = await _snapshot(client, CLASSIC_ID)
        assert len(during["filters"]) == 3 and during["destination"]["enabled"]
        back = await plan_rollback(client, **WS)
        assert [op.kind for op in back.operations] == ["update_destination", "remove_filter", "remove_filter"]
        assert (await SegmentApplyEngine(client, journal, back).run()).ok
    assert await _snapshot(client, CLASSIC_ID) == before
    [actions] = await _actions(client)
    assert not actions.enabled
    assert all(not f.title.startswith("cio-tui cut-over") for f in await client.list_filters(actions.id))


async def test_a_stale_plan_is_refused_before_anything_is_sent(transport, tmp_path):
    client = seg(transport)
    plan = await plan_cutover(client, **WS)
    await client.update_destination(CLASSIC_ID, {"settings": {"convertToUnixTime": False}})
    with Journal(tmp_path / "j.sqlite") as journal, pytest.raises(StalePlanError) as err:
        await SegmentApplyEngine(client, journal, plan).run()
    assert "settings of the classic destination Customer.io changed since planning" in str(err.value)
    assert await _actions(client) == []


def test_region_values_are_segments_literal_strings():
    assert region_value("eu") == EU_REGION == "EU 🇪🇺"
    assert region_value("") == US_REGION == "US 🇺🇸"


# -- the commands --------------------------------------------------------------------------------------------
@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
        return runner.invoke(main, ["--sandbox", *args], input=stdin, env=env, catch_exceptions=False)

    return invoke


def test_status_json_has_the_documented_keys(cli):
    out = cli("segment", "status", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    [dest] = data["destinations"]
    assert set(dest) == {
        "id",
        "name",
        "source_id",
        "metadata_id",
        "kind",
        "enabled",
        "settings",
        "subscriptions",
        "filters",
    }
    assert dest["kind"] == "classic" and dest["enabled"] and dest["source_id"] == SOURCE_ID
    assert dest["settings"]["apiKey"].startswith("****") and SANDBOX_TRACK_KEY not in out.stdout
    assert dest["filters"][0] == {"if": 'match(userId, "qa-bot-*")', "actions": [{"type": "drop"}], "enabled": True}
    assert data["sources"] == [{"id": SOURCE_ID, "name": "Website", "slug": "website", "enabled": True}]


def test_plan_apply_rollback_through_the_cli(cli, tmp_path):
    plan_file, back_file = tmp_path / "cut.json", tmp_path / "back.json"
    out = cli(
        "plan",
        "cutover",
        "--skip-preset",
        "Merge People",
        "--skip-preset",
        "createUpdateObject",
        "--out",
        str(plan_file),
    )
    assert out.exit_code == 0, out.output
    assert "finding: alias: merges two people" not in out.stdout  # skipped
    assert "finding: page: the activity is named by properties.url" in out.stdout
    assert "<the classic destination's API key, read when applying>" in out.stdout
    out = cli("apply", str(plan_file), stdin="nope\n")
    assert out.exit_code == 1 and "not applied" in out.output
    out = cli("apply", str(plan_file), stdin="sandbox\n")
    assert out.exit_code == 0 and "18 of 18 Segment operation(s) done (18 sent now" in out.output
    status = json.loads(cli("segment", "status", "--json").stdout)
    kinds = {d["kind"]: d for d in status["destinations"]}
    assert not kinds["classic"]["enabled"] and kinds["actions"]["enabled"]
    assert len(kinds["actions"]["subscriptions"]) == 13
    assert set(kinds["actions"]["subscriptions"][0]) == {"action_slug", "enabled", "trigger"}
    out = cli("plan", "cutover", "--skip-preset", "Nope", "--out", str(tmp_path / "x.json"))
    assert out.exit_code == 1 and "is not a preset of the Actions destination" in out.output
    out = cli("plan", "rollback", "--out", str(back_file))
    assert out.exit_code == 0 and load_segment_plan(back_file).method == "rollback"
    assert cli("apply", str(back_file), "--yes").exit_code == 0
    status = json.loads(cli("segment", "status", "--json").stdout)
    assert {d["kind"]: d["enabled"] for d in status["destinations"]} == {"classic": True, "actions": False}


def test_a_token_without_access_gets_a_clear_message_and_the_checklist(cli, tmp_path):
    plan_file = tmp_path / "p.json"
    out = cli("plan", "cutover", "--out", str(plan_file), env={"CIO_TUI_SEGMENT_TOKEN": "not-a-token"})
    assert out.exit_code == 3
    assert "Segment refused the token (HTTP 401)" in out.output and "What to ask for:" in out.output
    assert "Meanwhile, do the cut-over by hand:" in out.output and "Copy each destination filter" in out.output
    assert "not-a-token" not in out.output and not plan_file.exists()


def test_subscriptions_not_enabled_stop_the_apply_with_what_to_ask_for(cli, tmp_path):
    plan_file = tmp_path / "p.json"
    env = {"CIO_TUI_SEGMENT_TOKEN": TOKEN_NO_SUBSCRIPTIONS}
    assert cli("plan", "cutover", "--out", str(plan_file), env=env).exit_code == 0
    out = cli("apply", str(plan_file), "--yes", env=env)
    assert out.exit_code == 3
    assert "destination subscriptions (HTTP 403): they are not enabled" in out.output
    assert "Segment support to enable Destination Subscriptions" in out.output
    assert "do the cut-over by hand" in out.output
    # once Segment enables them, the same plan resumes: still one Actions destination
    assert cli("apply", str(plan_file), "--yes").exit_code == 0
    status = json.loads(cli("segment", "status", "--json").stdout)
    assert [d["kind"] for d in status["destinations"]].count("actions") == 1


# -- rehearsal: real traffic through the emulated source --------------------------------------------------
async def _send(http: httpx.AsyncClient, kind: str, body: dict[str, Any]) -> None:
    auth = "Basic " + base64.b64encode(f"{WRITE_KEY}:".encode()).decode()
    resp = await http.post(f"/segment/tracking/v1/{kind}", json=body, headers={"Authorization": auth})
    assert resp.status_code == 200, resp.text


async def test_rehearsal_before_during_and_after_the_switch(transport, tmp_path):
    client = seg(transport)
    cio = CustomerIOClient(
        track_origin=SANDBOX_ORIGIN,
        app_origin=SANDBOX_ORIGIN,
        site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY),
        app_key=SecretStr(SANDBOX_APP_KEY),
        transport=transport,
    )

    async def orders(user: str) -> int:
        acts = await cio.activities(Identifier.id(user), limit=100)
        return sum(1 for a in acts if a.name == "Order Completed")

    async with httpx.AsyncClient(transport=transport, base_url=SANDBOX_ORIGIN) as http:
        await _send(http, "identify", {"userId": "rehearse-1", "traits": {"email": "r1@example.test"}})
        await _send(http, "track", {"userId": "rehearse-1", "event": "Order Completed"})
        assert await orders("rehearse-1") == 1  # before: classic only

        plan = await plan_cutover(client, **WS)
        with Journal(tmp_path / "j.sqlite") as journal:
            engine = SegmentApplyEngine(client, journal, plan)
            # the operator enables Actions without disabling classic: both run, unfiltered
            both = SegmentPlan.model_validate(
                plan.model_dump(exclude={"plan_id"})
                | {"operations": [op for op in plan.operations if op.summary != "disable the classic destination"]}
            )
            await SegmentApplyEngine(client, journal, both).run()
            [actions] = await _actions(client)
            assert actions.enabled and (await client.get_destination(CLASSIC_ID)).enabled
            await _send(http, "track", {"userId": "rehearse-1", "event": "Order Completed"})
            assert await orders("rehearse-1") == 3  # during: the one event landed twice
            assert (await engine.run()).ok  # the switch: classic off
            await _send(http, "track", {"userId": "rehearse-1", "event": "Order Completed"})
            assert await orders("rehearse-1") == 4  # after: each event once
            await _send(http, "track", {"userId": "qa-bot-7", "event": "Order Completed"})  # copied filter drops it

    window = {"source_id": SOURCE_ID, "start": "2000-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"}
    classic_ok = await client.delivery_count("successful-delivery", destination_id=CLASSIC_ID, **window)
    assert classic_ok.total == 3  # identify, track before, track during
    track = next(s for s in await client.list_subscriptions(actions.id) if s.action_slug == "trackEvent")
    sub_ok = await client.delivery_count(
        "successful-delivery", destination_id=actions.id, subscription_id=track.id, **window
    )
    assert sub_ok.total == 2  # during and after
    dropped = await client.delivery_count("filtered-at-destination", destination_id=actions.id, **window)
    assert dropped.total == 1
    await cio.aclose()


def test_an_unsigned_segment_plan_is_refused_unless_allowed(cli, tmp_path):
    plan_file = tmp_path / "cut.json"
    assert cli("plan", "cutover", "--out", str(plan_file)).exit_code == 0
    data = json.loads(plan_file.read_text())
    assert data["signature"]
    data["signature"] = ""
    plan_file.write_text(json.dumps(data))
    out = cli("apply", str(plan_file), "--yes")
    assert out.exit_code == 1 and "the plan is not signed" in out.output
    out = cli("apply", str(plan_file), "--yes", "--allow-unsigned")
    assert out.exit_code == 0 and "--allow-unsigned was given" in out.output


def test_verify_after_the_switch_passes_then_fails_on_a_failing_mapping(cli, tmp_path):
    import asyncio

    from cio_tui.config import load_settings
    from cio_tui.workspace_sandbox import sandbox_db_path

    plan_file = tmp_path / "cut.json"
    assert cli("plan", "cutover", "--out", str(plan_file)).exit_code == 0
    assert cli("apply", str(plan_file), "--yes").exit_code == 0
    transport = embedded_transport(sandbox_db_path(load_settings()))

    async def traffic(*messages: tuple[str, dict[str, Any]]) -> None:
        async with httpx.AsyncClient(transport=transport, base_url=SANDBOX_ORIGIN) as http:
            for kind, body in messages:
                await _send(http, kind, body)

    asyncio.run(
        traffic(
            ("identify", {"userId": "after-1", "anonymousId": "anon-1", "traits": {"email": "after-1@example.test"}}),
            ("track", {"userId": "after-1", "event": "Signed Up"}),
        )
    )
    out = cli("segment", "verify", "--sample", "1", "--scan", "5000", "--json")
    report = json.loads(out.stdout)
    assert out.exit_code == 0, out.stdout
    assert report["received"] == 2 and report["passed"]
    delivered = {m["action_slug"]: m["delivered"] for m in report["mappings"]}
    assert delivered["createUpdatePerson"] == 1 and delivered["trackEvent"] == 1 and delivered["mergePeople"] == 0

    asyncio.run(traffic(("page", {"userId": "after-1", "name": "Home"})))  # no properties.url: Actions refuses it
    out = cli("segment", "verify", "--sample", "1", "--scan", "5000")
    assert out.exit_code == 1
    assert "FAIL Actions mappings deliver: 1 mapping(s) with failures" in out.stdout
    assert "trackPageView: 1 failed delivery(ies)" in out.stdout


def test_no_public_api_on_the_plan_says_so(cli):
    from cio_tui.sandbox.segment_state import TOKEN_NO_PUBLIC_API

    out = cli("segment", "status", env={"CIO_TUI_SEGMENT_TOKEN": TOKEN_NO_PUBLIC_API})
    assert out.exit_code == 3
    assert "not on a plan that includes the Public API" in out.output
    assert "Public API access (Business tier)" in out.output and "do the cut-over by hand" in out.output


def test_the_served_sandbox_emulates_segment_too(sandbox_server):
    import asyncio

    async def go() -> tuple[list[Any], dict[str, int]]:
        async with SegmentClient(sandbox_server + "/segment", SecretStr("sandbox-segment-token")) as client:
            async with httpx.AsyncClient(base_url=sandbox_server) as http:
                await _send(http, "track", {"userId": "served-1", "event": "Order Completed"})
            return await client.list_destinations(), await client.delivery_metrics(CLASSIC_ID, source_id=SOURCE_ID)

    destinations, metrics = asyncio.run(go())
    assert [d.id for d in destinations] == [CLASSIC_ID]
    assert metrics["successes"] == 1


def test_the_journal_lists_and_searches_with_a_segment_plan_in_it(cli, tmp_path):
    plan_file = tmp_path / "cut.json"
    assert cli("plan", "cutover", "--out", str(plan_file)).exit_code == 0
    assert cli("apply", str(plan_file), "--yes").exit_code == 0
    plan_id = json.loads(plan_file.read_text())["plan_id"]
    listed = json.loads(cli("journal", "list", "--json").stdout)
    assert [(r["plan_id"], r["source"]) for r in listed] == [(plan_id, "segment-cutover")]
    shown = cli("journal", "show", plan_id)
    assert shown.exit_code == 0 and "POST /destinations" in shown.stdout and SANDBOX_TRACK_KEY not in shown.stdout
    searched = cli("journal", "search", "u0000001")  # the Segment plan is skipped, not misread as a people plan
    assert searched.exit_code == 1 and "never touched 'u0000001'" in searched.output


class Counting(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner, self.paths = inner, []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)


async def test_the_apply_spends_the_subscription_budget_on_writes(transport, tmp_path):
    """5 requests a minute on the subscription endpoints: 15 mappings cost 15 writes and a single listing."""
    plan = await plan_cutover(seg(transport), **WS)
    counting = Counting(transport)
    with Journal(tmp_path / "j.sqlite") as journal:
        assert (await SegmentApplyEngine(seg(counting), journal, plan).run()).ok
    subs = [p for p in counting.paths if "/subscriptions" in p]
    assert len(subs) == 16 and sum(p.startswith("GET") for p in subs) == 1


def test_prepare_only_then_the_cutover_plans_only_the_switch(cli, tmp_path):
    first, second = tmp_path / "prep.json", tmp_path / "cut.json"
    assert cli("plan", "cutover", "--prepare-only", "--out", str(first)).exit_code == 0
    prep = load_segment_plan(first)
    assert prep.method == "prepare" and "update_destination" not in {op.kind for op in prep.operations}
    assert cli("apply", str(first), "--yes").exit_code == 0
    out = cli("plan", "cutover", "--method", "filters", "--at", "2030-01-01T00:00:00Z", "--out", str(second))
    assert out.exit_code == 0, out.output
    assert [op.kind for op in load_segment_plan(second).operations] == [
        "create_filter",
        "create_filter",
        "update_destination",
    ]


def test_workspace_text_is_escaped_on_the_terminal(cli, tmp_path):
    import asyncio

    from cio_tui.config import load_settings
    from cio_tui.workspace_sandbox import sandbox_db_path

    assert cli("segment", "status").exit_code == 0  # seeds the sandbox
    transport = embedded_transport(sandbox_db_path(load_settings()))

    async def rename() -> None:
        async with seg(transport) as client:
            await client.update_destination(CLASSIC_ID, {"name": "Customer.io\x1b[2J\u202e"})

    asyncio.run(rename())
    out = cli("segment", "status")
    assert "\x1b" not in out.stdout and "\u202e" not in out.stdout
    assert "Customer.io\\x1b[2J\\u202e (dst_classic_cio)" in out.stdout


@pytest.mark.parametrize("sandbox_server", [{"latency_ms": 20}], indirect=True)
def test_the_served_source_takes_concurrent_traffic(sandbox_server):
    """Requests arriving together are all delivered and counted (nothing holds the server while it delivers: with
    latency the deliveries wait on the event loop, which another request must not block)."""
    import asyncio

    async def go() -> int:
        async with httpx.AsyncClient(base_url=sandbox_server, timeout=10) as http:
            await asyncio.gather(
                *(_send(http, "track", {"userId": f"c-{i}", "event": "Order Completed"}) for i in range(12))
            )
        async with SegmentClient(sandbox_server + "/segment", SecretStr("sandbox-segment-token")) as client:
            window = {"source_id": SOURCE_ID, "start": "2000-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"}
            return (await client.delivery_count("successful-delivery", destination_id=CLASSIC_ID, **window)).total

    assert asyncio.run(go()) == 12
