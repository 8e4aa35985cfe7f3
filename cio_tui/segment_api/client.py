"""Async client for Segment's Public API (https://docs.segmentapis.com): the endpoints the cut-over uses.

CONTRACT: ``SegmentClient(origin, token, *, transport=None, limits=None, ...)``; one ``httpx.AsyncClient``, closed by
``aclose()`` (or ``async with``). Reads page through every cursor. Writes return the created/updated object.
``send(method, path, body)`` sends one planned request exactly as planned (the apply engine uses it).
Errors are the types of ``errors.py``; none carries the token.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Unpack
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from cio_tui.json_types import object_or_empty
from cio_tui.redaction import register_secret
from cio_tui.segment_api.errors import SegmentApiError
from cio_tui.segment_api.http import SegmentHttp
from cio_tui.segment_api.models import (
    DeliveryCount,
    Destination,
    DestinationFilter,
    DestinationMetadata,
    Source,
    Subscription,
)
from cio_tui.segment_api.versions import Bucket

if TYPE_CHECKING:
    from cio_tui.segment_api.http import HttpOptions

PAGE_SIZE = 200
MAX_PAGES = 500  # a cursor that never ends is a server bug; stop rather than loop forever


def seg(value: str) -> str:
    """One path segment, percent-encoded (ids are opaque strings)."""
    return quote(value, safe="")


def _data(body: object) -> dict[str, Any]:
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        raise SegmentApiError("Segment Public API: the answer has no 'data' object (an unexpected response shape)")
    return data


class SegmentClient:
    def __init__(
        self,
        origin: str,
        token: SecretStr,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: dict[Bucket, int] | None = None,
        **options: Unpack[HttpOptions],
    ) -> None:
        if not isinstance(token, SecretStr):
            raise TypeError("the Segment token is passed as SecretStr")
        register_secret(token)
        self.origin = origin.rstrip("/")
        self.http = SegmentHttp(self.origin, token, transport=transport, limits=limits, **options)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> SegmentClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"SegmentClient({self.origin!r})"

    # -- paging ------------------------------------------------------------------------------------------
    async def _pages(
        self, path: str, op: str, key: str, params: dict[str, Any] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            query = {**(params or {}), "pagination.count": PAGE_SIZE, "pagination.cursor": cursor}
            data = _data(await self.http.request("GET", path, op, params=query))
            for item in data.get(key) or []:
                if isinstance(item, dict):
                    yield item
            cursor = (data.get("pagination") or {}).get("next")
            if not cursor:
                return
        raise SegmentApiError(f"Segment Public API {op}: more than {MAX_PAGES} pages; stopped")

    # -- sources -------------------------------------------------------------------------------------------
    async def list_sources(self) -> list[Source]:
        return [Source.model_validate(x) async for x in self._pages("/sources", "list sources", "sources")]

    async def get_source(self, source_id: str) -> Source:
        data = _data(await self.http.request("GET", f"/sources/{seg(source_id)}", "get source"))
        return Source.model_validate(data["source"])

    async def connected_destinations(self, source_id: str) -> list[Destination]:
        path = f"/sources/{seg(source_id)}/connected-destinations"
        return [
            Destination.model_validate(x)
            async for x in self._pages(path, "list connected destinations", "destinations")
        ]

    # -- destinations --------------------------------------------------------------------------------------
    async def list_destinations(self) -> list[Destination]:
        return [
            Destination.model_validate(x)
            async for x in self._pages("/destinations", "list destinations", "destinations")
        ]

    async def get_destination(self, destination_id: str) -> Destination:
        data = _data(await self.http.request("GET", f"/destinations/{seg(destination_id)}", "get destination"))
        return Destination.model_validate(data["destination"])

    async def create_destination(self, body: dict[str, Any]) -> Destination:
        data = _data(await self.http.request("POST", "/destinations", "create destination", json=body))
        return Destination.model_validate(data["destination"])

    async def update_destination(self, destination_id: str, body: dict[str, Any]) -> Destination:
        path = f"/destinations/{seg(destination_id)}"
        data = _data(await self.http.request("PATCH", path, "update destination", json=body))
        return Destination.model_validate(data["destination"])

    # -- subscriptions (v1alpha) -------------------------------------------------------------------------------
    async def list_subscriptions(self, destination_id: str) -> list[Subscription]:
        path = f"/destinations/{seg(destination_id)}/subscriptions"
        return [
            Subscription.model_validate(x)
            async for x in self._pages(path, "list destination subscriptions", "subscriptions")
        ]

    async def create_subscription(self, destination_id: str, body: dict[str, Any]) -> Subscription:
        path = f"/destinations/{seg(destination_id)}/subscriptions"
        data = _data(await self.http.request("POST", path, "create destination subscription", json=body))
        return Subscription.model_validate(data["destinationSubscription"])

    async def update_subscription(
        self, destination_id: str, subscription_id: str, body: dict[str, Any]
    ) -> Subscription:
        path = f"/destinations/{seg(destination_id)}/subscriptions/{seg(subscription_id)}"
        data = _data(await self.http.request("PATCH", path, "update destination subscription", json=body))
        return Subscription.model_validate(data["subscription"])

    # -- destination filters -----------------------------------------------------------------------------------
    async def list_filters(self, destination_id: str) -> list[DestinationFilter]:
        path = f"/destination/{seg(destination_id)}/filters"
        return [
            DestinationFilter.model_validate(x) async for x in self._pages(path, "list destination filters", "filters")
        ]

    async def create_filter(self, destination_id: str, body: dict[str, Any]) -> DestinationFilter:
        path = f"/destination/{seg(destination_id)}/filters"
        data = _data(await self.http.request("POST", path, "create destination filter", json=body))
        return DestinationFilter.model_validate(data["filter"])

    async def update_filter(self, destination_id: str, filter_id: str, body: dict[str, Any]) -> DestinationFilter:
        path = f"/destination/{seg(destination_id)}/filters/{seg(filter_id)}"
        data = _data(await self.http.request("PATCH", path, "update destination filter", json=body))
        return DestinationFilter.model_validate(data["filter"])

    async def preview_filter(
        self, if_: str, actions: list[dict[str, Any]], payload: dict[str, Any]
    ) -> dict[str, Any] | None:
        """What a filter does to one payload: the filtered payload, or None when it is dropped."""
        body = {"filter": {"if": if_, "actions": actions}, "payload": payload}
        data = _data(
            await self.http.request("POST", "/destination/filters/preview", "preview destination filter", json=body)
        )
        result = data.get("result")
        return result if isinstance(result, dict) else None

    # -- catalog -----------------------------------------------------------------------------------------------
    async def destination_metadata(self, metadata_id: str) -> DestinationMetadata:
        path = f"/catalog/destinations/{seg(metadata_id)}"
        data = _data(await self.http.request("GET", path, "get destination metadata"))
        return DestinationMetadata.model_validate(data["destinationMetadata"])

    # -- delivery ----------------------------------------------------------------------------------------------
    async def delivery_count(
        self,
        metric: str,
        *,
        source_id: str,
        destination_id: str,
        start: str,
        end: str,
        subscription_id: str | None = None,
        granularity: str = "HOUR",
    ) -> DeliveryCount:
        """Total of one delivery-overview step (``successful-delivery``, ``failed-delivery``,
        ``filtered-at-destination``) for a destination (and one Actions subscription) in ``[start, end)``."""
        params: dict[str, Any] = {
            "sourceId": source_id,
            "destinationConfigId": destination_id,
            "startTime": start,
            "endTime": end,
            "granularity": granularity,
        }
        if subscription_id:
            params["filter"] = json.dumps({"subscriptionId": [subscription_id]})
        data = _data(
            await self.http.request("GET", f"/delivery-overview/{seg(metric)}", "delivery overview", params=params)
        )
        return DeliveryCount(total=int(data.get("total") or 0))

    async def delivery_metrics(
        self,
        destination_id: str,
        *,
        source_id: str,
        start: str | None = None,
        end: str | None = None,
        granularity: str = "HOUR",
    ) -> dict[str, int]:
        """The destination's delivery metrics summary (``v1beta``): metric name -> total in the window."""
        params = {"sourceId": source_id, "startTime": start, "endTime": end, "granularity": granularity}
        data = _data(
            await self.http.request(
                "GET", f"/destinations/{seg(destination_id)}/delivery-metrics", "delivery metrics", params=params
            )
        )
        summary = data.get("deliveryMetricsSummary") or {}
        return {
            str(m.get("metricName")): int(m.get("total") or 0)
            for m in summary.get("metrics") or []
            if isinstance(m, dict)
        }

    # -- planned requests --------------------------------------------------------------------------------------
    async def send(self, method: str, path: str, body: dict[str, Any] | None, op: str) -> dict[str, Any]:
        """Send one planned write exactly as planned; the answer's ``data``."""
        answer = await self.http.request(method, path, op, json=body)
        return object_or_empty(answer.get("data")) if isinstance(answer, dict) else {}


__all__ = ["SegmentClient", "seg"]
