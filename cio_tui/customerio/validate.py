"""Region detection and live credential checks for a profile, one clear outcome per key.

- Track key (with the site id): ``GET /api/v1/accounts/region`` on the US host (it answers on either host for
  either region) or on the profile's ``track_url``. 200 gives the region and environment id; 401 means the site id
  or the key is wrong.
- App key: a cheap read, ``GET /v1/customers?email=nobody@example.invalid``, redirects off, on the App host of the
  region. 200 is fine; a 3xx or "wrong datacenter" names the other region; on 401 the other region's host is tried
  (200 there means the key belongs to that region, 401 on both means a bad key); 403 means a scope problem.
"""

from __future__ import annotations

from typing import Literal, Protocol, cast

import httpx
from pydantic import BaseModel, SecretStr

from cio_tui.customerio.client import CustomerIOClient
from cio_tui.customerio.errors import (
    AuthError,
    CustomerIOError,
    NetworkError,
    PermissionDeniedError,
    RegionError,
)
from cio_tui.customerio.models import RegionInfo
from cio_tui.regions import US_TRACK, Region, default_origins

Outcome = Literal["ok", "invalid", "forbidden", "wrong_region", "unreachable", "missing", "error"]
PROBE_EMAIL = "nobody@example.invalid"
AUTH_OUTCOMES = frozenset({"invalid", "forbidden", "missing"})


class ProfileLike(Protocol):
    """What a check needs of a profile (``cio_tui.config.Profile`` fits)."""

    name: str
    region: Region
    site_id: str
    track_url: str | None
    app_url: str | None


class KeyCheck(BaseModel):
    key: Literal["track", "app"]
    outcome: Outcome
    message: str
    right_region: Region | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def label(self) -> str:
        return "Track API key" if self.key == "track" else "App API key"


class ProfileCheck(BaseModel):
    profile: str
    configured_region: Region
    detected_region: Region | None = None
    environment_id: int | None = None
    track: KeyCheck
    app: KeyCheck

    @property
    def region_ok(self) -> bool:
        return self.detected_region is None or self.detected_region == self.configured_region

    @property
    def ok(self) -> bool:
        return self.track.ok and self.app.ok and self.region_ok

    def exit_code(self) -> int:
        """0 all good, 3 a key is rejected/missing/under-scoped, 4 region or network problem."""
        if self.ok:
            return 0
        if self.track.outcome in AUTH_OUTCOMES or self.app.outcome in AUTH_OUTCOMES:
            return 3
        return 4

    def lines(self) -> list[str]:
        out = [f"{c.label}: {'ok' if c.ok else 'FAILED'}: {c.message}" for c in (self.track, self.app)]
        if not self.region_ok:
            out.append(
                f"Region: the profile says {self.configured_region.upper()} but the workspace is in "
                f"{(self.detected_region or '?').upper()}: set --region {self.detected_region}"
            )
        return out


def _client(
    track_origin: str,
    app_origin: str,
    site_id: str,
    track_key: SecretStr,
    app_key: SecretStr,
    transport: httpx.AsyncBaseTransport | None,
) -> CustomerIOClient:
    return CustomerIOClient(
        track_origin=track_origin,
        app_origin=app_origin,
        site_id=site_id,
        track_key=track_key,
        app_key=app_key,
        transport=transport,
        max_retries=1,
        timeout=10.0,
    )


async def detect_region(
    site_id: str,
    track_key: SecretStr,
    *,
    origin: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RegionInfo:
    """``GET /api/v1/accounts/region`` with the Track credentials (raises the client's typed errors)."""
    async with _client(origin or US_TRACK, origin or US_TRACK, site_id, track_key, SecretStr(""), transport) as client:
        return await client.region()


def _failure(key: Literal["track", "app"], exc: CustomerIOError, what: str) -> KeyCheck:
    if isinstance(exc, AuthError):
        return KeyCheck(key=key, outcome="invalid", message=f"authentication failed (HTTP 401): {what}")
    if isinstance(exc, PermissionDeniedError):
        return KeyCheck(
            key=key,
            outcome="forbidden",
            message="the key is valid but not allowed to make this call (HTTP 403): give it a wider scope",
        )
    if isinstance(exc, RegionError):
        right = exc.right_region
        where = f"the workspace is in the {right.upper()} region" if right else "the region looks wrong"
        region = cast("Region | None", right)  # RegionError names one of the two regions (or none)
        return KeyCheck(key=key, outcome="wrong_region", message=f"redirected: {where}", right_region=region)
    if isinstance(exc, NetworkError):
        return KeyCheck(key=key, outcome="unreachable", message=exc.message)
    return KeyCheck(key=key, outcome="error", message=str(exc))


async def check_track_key(
    site_id: str,
    track_key: SecretStr | None,
    *,
    track_url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> tuple[KeyCheck, RegionInfo | None]:
    if track_key is None or not track_key.get_secret_value():
        return KeyCheck(key="track", outcome="missing", message="no Track API key is stored"), None
    try:
        info = await detect_region(site_id, track_key, origin=track_url, transport=transport)
    except CustomerIOError as exc:
        return _failure("track", exc, "the site id or the Track API key is wrong; check both"), None
    env = f", environment {info.environment_id}" if info.environment_id is not None else ""
    message = f"valid; workspace in the {info.region.upper()} region{env}"
    return KeyCheck(key="track", outcome="ok", message=message), info


async def _app_probe(origin: str, app_key: SecretStr, transport: httpx.AsyncBaseTransport | None) -> None:
    async with _client(origin, origin, "unused", SecretStr(""), app_key, transport) as client:
        await client.customers_by_email(PROBE_EMAIL)


async def check_app_key(
    app_key: SecretStr | None,
    region: Region,
    *,
    app_url: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> KeyCheck:
    if app_key is None or not app_key.get_secret_value():
        return KeyCheck(key="app", outcome="missing", message="no App API key is stored")
    origin = app_url or default_origins(region)[1]
    try:
        await _app_probe(origin, app_key, transport)
        return KeyCheck(key="app", outcome="ok", message=f"valid ({'custom host' if app_url else region.upper()})")
    except AuthError as exc:
        if app_url:
            return _failure("app", exc, "the App API key is wrong or revoked")
        other: Region = "eu" if region == "us" else "us"
        try:
            await _app_probe(default_origins(other)[1], app_key, transport)
        except CustomerIOError:
            return _failure("app", exc, "the App API key is wrong or revoked")
        return KeyCheck(
            key="app",
            outcome="wrong_region",
            right_region=other,
            message=f"the App API key belongs to a workspace in the {other.upper()} region",
        )
    except CustomerIOError as exc:
        return _failure("app", exc, "the App API key is wrong or revoked")


async def check_profile(
    profile: ProfileLike,
    track_key: SecretStr | None,
    app_key: SecretStr | None,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> ProfileCheck:
    """Check both keys of ``profile`` live, one outcome per key; never raises for a bad key."""
    region = profile.region
    track_check, info = await check_track_key(
        profile.site_id, track_key, track_url=profile.track_url, transport=transport
    )
    detected = info.region if info else None
    if track_check.outcome == "wrong_region" and track_check.right_region:
        detected = track_check.right_region
    app_check = await check_app_key(app_key, detected or region, app_url=profile.app_url, transport=transport)
    if detected is None and app_check.outcome == "wrong_region":
        detected = app_check.right_region
    return ProfileCheck(
        profile=profile.name,
        configured_region=region,
        detected_region=detected,
        environment_id=info.environment_id if info else None,
        track=track_check,
        app=app_check,
    )


__all__ = ["KeyCheck", "ProfileCheck", "check_app_key", "check_profile", "check_track_key", "detect_region"]
