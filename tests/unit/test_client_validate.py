"""Region detection and per-key credential checks, with one clear outcome per key."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from cio_tui.config import Profile
from cio_tui.customerio.validate import check_profile

GOOD_TRACK, GOOD_APP = "trk-good-0001", "app-good-0001"


def fake_cio(account_region: str, *, app_scope_ok: bool = True):
    """Answers like Customer.io for an account in ``account_region``; records the hosts asked."""
    hosts: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        hosts.append(f"{request.method} {host}{request.url.path}")
        if request.url.path == "/api/v1/accounts/region":
            expected = httpx.BasicAuth("site", GOOD_TRACK)._auth_header
            if request.headers.get("authorization") != expected:
                return httpx.Response(401, json={"meta": {"error": "unauthorized"}})
            url = "https://track-eu.customer.io" if account_region == "eu" else "https://track.customer.io"
            return httpx.Response(200, json={"url": url, "region": account_region, "environment_id": 77})
        if request.headers.get("authorization") != f"Bearer {GOOD_APP}":
            return httpx.Response(401, json={"errors": [{"detail": "unauthorized", "status": "401"}]})
        host_region = "eu" if "-eu." in host else "us"
        if host_region != account_region:
            if account_region == "eu":
                return httpx.Response(
                    301,
                    headers={"Location": f"https://api-eu.customer.io{request.url.path}"},
                    json={"errors": [{"detail": "wrong datacenter", "status": "301"}]},
                )
            return httpx.Response(401, json={"errors": [{"detail": "unauthorized", "status": "401"}]})
        if not app_scope_ok:
            return httpx.Response(403, json={"errors": [{"detail": "forbidden", "status": "403"}]})
        return httpx.Response(200, json={"results": []})

    return httpx.MockTransport(handler), hosts


async def run(profile: Profile, track: str | None, app: str | None, **kw):
    transport, hosts = fake_cio(**kw)
    result = await check_profile(
        profile, SecretStr(track) if track else None, SecretStr(app) if app else None, transport=transport
    )
    return result, hosts


async def test_all_good_us() -> None:
    result, hosts = await run(Profile(name="p", site_id="site"), GOOD_TRACK, GOOD_APP, account_region="us")
    assert result.ok and result.exit_code() == 0
    assert (result.detected_region, result.environment_id) == ("us", 77)
    assert result.lines() == [
        "Track API key: ok: valid; workspace in the US region, environment 77",
        "App API key: ok: valid (US)",
    ]
    assert hosts == ["GET track.customer.io/api/v1/accounts/region", "GET api.customer.io/v1/customers"]


async def test_eu_account_on_us_profile_names_the_region() -> None:
    result, hosts = await run(Profile(name="p", site_id="site"), GOOD_TRACK, GOOD_APP, account_region="eu")
    assert result.track.ok and result.app.ok  # the app probe went to the detected region's host
    assert result.detected_region == "eu" and not result.region_ok and result.exit_code() == 4
    assert "set --region eu" in result.lines()[-1]
    assert hosts[-1] == "GET api-eu.customer.io/v1/customers"


async def test_bad_track_key_then_app_redirect_detects_region() -> None:
    result, _ = await run(Profile(name="p", site_id="site"), "wrong", GOOD_APP, account_region="eu")
    assert result.track.outcome == "invalid" and "site id or the Track API key" in result.track.message
    assert result.app.outcome == "wrong_region" and result.app.right_region == "eu"
    assert result.exit_code() == 3


async def test_app_key_of_other_region_found_by_retrying_other_host() -> None:
    result, hosts = await run(Profile(name="p", site_id="site", region="eu"), None, GOOD_APP, account_region="us")
    assert result.track.outcome == "missing"
    assert result.app.outcome == "wrong_region" and "US region" in result.app.message
    assert hosts == ["GET api-eu.customer.io/v1/customers", "GET api.customer.io/v1/customers"]


async def test_bad_app_key_and_scope() -> None:
    result, _ = await run(Profile(name="p", site_id="site"), GOOD_TRACK, "nope", account_region="us")
    assert result.app.outcome == "invalid" and "App API key is wrong" in result.app.message
    result, _ = await run(
        Profile(name="p", site_id="site"), GOOD_TRACK, GOOD_APP, account_region="us", app_scope_ok=False
    )
    assert result.app.outcome == "forbidden" and "scope" in result.app.message and result.exit_code() == 3


async def test_unreachable_custom_host() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused")

    profile = Profile(name="p", site_id="site", track_url="http://127.0.0.1:1", app_url="http://127.0.0.1:1")
    result = await check_profile(
        profile, SecretStr(GOOD_TRACK), SecretStr(GOOD_APP), transport=httpx.MockTransport(down)
    )
    assert result.track.outcome == "unreachable" and result.app.outcome == "unreachable"
    assert result.exit_code() == 4 and "cannot connect to http://127.0.0.1:1" in result.track.message
