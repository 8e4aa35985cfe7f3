"""Async client for the Customer.io Track (v1, v2) and App APIs.

CONTRACT (other layers code against these signatures; keep them stable, extend freely):
- ``CustomerIOClient(endpoints, site_id, track_key, app_key, *, transport=None, track_rps=100, app_rps=10, ...)``
  One ``httpx.AsyncClient`` per API, created once, closed by ``aclose()`` (or ``async with``).
- Writes raise ``UncertainWriteError`` when the outcome is unknown (never resent blindly).
- Reads retry 408/429/5xx/timeouts (bounded), honouring ``Retry-After``.
- 3xx -> ``RegionError`` naming the right region. Errors never contain keys or payloads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
from pydantic import SecretStr

from cio_tui.customerio.identifiers import Identifier, IdKind
from cio_tui.customerio.models import (
    Activity,
    BatchResult,
    ExportInfo,
    Message,
    Person,
    PersonRef,
    RegionInfo,
    SearchPage,
    SegmentRef,
    WorkspaceInfo,
)

US_TRACK = "https://track.customer.io"
EU_TRACK = "https://track-eu.customer.io"
US_APP = "https://api.customer.io"
EU_APP = "https://api-eu.customer.io"


def default_origins(region: str) -> tuple[str, str]:
    """(track_origin, app_origin) for a region. Origins have no path: the client adds /api/v1, /api/v2, /v1."""
    return (EU_TRACK, EU_APP) if region == "eu" else (US_TRACK, US_APP)


class CustomerIOClient:
    def __init__(
        self,
        *,
        track_origin: str,
        app_origin: str,
        site_id: str,
        track_key: SecretStr,
        app_key: SecretStr,
        transport: httpx.AsyncBaseTransport | None = None,
        track_rps: float = 100.0,
        app_rps: float = 10.0,
        timeout: float = 15.0,
        max_retries: int = 4,
    ) -> None:
        raise NotImplementedError

    async def aclose(self) -> None: ...
    async def __aenter__(self) -> CustomerIOClient: ...
    async def __aexit__(self, *exc: object) -> None: ...

    # -- Track v1 -------------------------------------------------------------------------------------
    async def region(self) -> RegionInfo: ...
    async def identify(self, who: Identifier, attributes: dict[str, Any]) -> None: ...
    async def delete(self, who: Identifier) -> None: ...
    async def suppress(self, who: Identifier) -> None: ...
    async def unsuppress(self, who: Identifier) -> None: ...
    async def merge(self, primary: Identifier, secondary: Identifier) -> None: ...
    async def track_event(self, who: Identifier, name: str, data: dict[str, Any] | None = None) -> None: ...

    # -- Track v2 -------------------------------------------------------------------------------------
    async def entity(self, operation: dict[str, Any]) -> None: ...
    async def batch(self, operations: list[dict[str, Any]]) -> BatchResult: ...

    # -- App API --------------------------------------------------------------------------------------
    async def customers_by_email(self, email: str) -> list[PersonRef]: ...
    async def get_person(self, who: Identifier) -> Person | None:
        """Attributes of one person, or None when Customer.io answers 404."""

    async def get_people(self, who: list[Identifier]) -> list[Person]:
        """Bulk attributes, 100 per call (all identifiers of one call must share a kind; mixed lists are split).
        Unknown people are left out."""

    async def search(self, audience: dict[str, Any], *, start: str | None = None, limit: int = 1000) -> SearchPage: ...
    def iter_search(self, audience: dict[str, Any], *, limit: int = 1000) -> AsyncIterator[PersonRef]: ...
    async def segments(self, who: Identifier) -> list[SegmentRef]: ...
    async def activities(
        self, who: Identifier, *, activity_type: str | None = None, limit: int = 50
    ) -> list[Activity]: ...
    async def messages(self, who: Identifier, *, limit: int = 50) -> list[Message]: ...
    async def workspaces(self) -> list[WorkspaceInfo]: ...
    async def start_export(self, filters: dict[str, Any], attributes: list[str] | None = None) -> ExportInfo: ...
    async def get_export(self, export_id: int) -> ExportInfo: ...
    async def download_export(self, export_id: int, dest: Any) -> None:
        """Resolve the signed link (``url`` or ``link``) and stream the file to ``dest`` (a path), no auth header."""


__all__ = ["CustomerIOClient", "default_origins", "IdKind"]
