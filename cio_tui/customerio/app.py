"""App API reads (Bearer auth): people lookups, search, segments, activities, messages, workspaces, exports.

Per-person paths use ``Identifier.app_path_segment()`` with ``id_type`` set to the identifier's kind.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from cio_tui.customerio import parse
from cio_tui.customerio.errors import (
    CustomerIOError,
    InvalidInputError,
    NetworkError,
    NotFoundError,
    UncertainWriteError,
)
from cio_tui.customerio.http import ApiHttp
from cio_tui.customerio.identifiers import Identifier, IdKind
from cio_tui.customerio.models import (
    Activity,
    ExportInfo,
    Message,
    Person,
    PersonRef,
    SearchPage,
    SegmentRef,
    WorkspaceInfo,
)

V1 = "/v1"
BULK_MAX = 100
SEARCH_MAX = 1000


def person_path(who: Identifier, *rest: str) -> tuple[str, dict[str, str]]:
    """(``/v1/customers/<value>[/rest]``, ``{"id_type": kind}``)."""
    return "/".join((f"{V1}/customers", who.app_path_segment(), *rest)), {"id_type": who.kind.value}


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def export_may_have_started(exc: UncertainWriteError) -> UncertainWriteError:
    """``exc`` (a start-export request whose outcome is unknown) in words for the operator: an export job may be
    running on the workspace, so look before starting another. It changes no person: nothing to reconcile."""
    what = exc.message.removesuffix("; it may or may not have taken effect")
    return UncertainWriteError(
        message=f"{what}; an export job may have started on the workspace",
        status=exc.status,
        details=exc.details,
        api=exc.api,
        hint=(
            "Before starting another, look at the workspace's exports in Customer.io (Data & Integrations > "
            "Exports). If this one is there, wait for it to finish, download it and load that file (--from-export "
            "FILE on the command line) rather than start a new export"
        ),
    )


class AppMixin:
    _app: ApiHttp
    _transport: httpx.AsyncBaseTransport | None

    async def customers_by_email(self, email: str) -> list[PersonRef]:
        """``GET /v1/customers?email=``: every person with that email (several in id-only workspaces)."""
        data = await self._app.get_json(f"{V1}/customers", "people by email", params={"email": email.strip()})
        return parse.refs(data, "results")

    async def get_person(self, who: Identifier) -> Person | None:
        """``GET /v1/customers/{id}/attributes?id_type=``; None when Customer.io answers 404."""
        path, params = person_path(who, "attributes")
        try:
            data = await self._app.get_json(path, "person attributes", params=params)
        except NotFoundError:
            return None
        return parse.person(data)

    async def get_people(self, who: list[Identifier]) -> list[Person]:
        """``POST /v1/customers/attributes?id_type=``: 100 per call, one kind per call (mixed lists are split).
        Unknown people are left out; the order follows the requests, one kind after the other."""
        by_kind: dict[IdKind, list[str]] = {}
        for ident in who:
            values = by_kind.setdefault(ident.kind, [])
            if ident.value not in values:
                values.append(ident.value)
        found: list[Person] = []
        for kind, values in by_kind.items():
            for chunk in chunked(values, BULK_MAX):
                resp = await self._app.request(
                    "POST",
                    f"{V1}/customers/attributes",
                    "bulk person attributes",
                    write=False,
                    params={"id_type": kind.value},
                    json={"ids": chunk},
                )
                found.extend(parse.people(ApiHttp.json_body(resp)))
        return found

    async def search(
        self, audience: dict[str, Any], *, start: str | None = None, limit: int = SEARCH_MAX
    ) -> SearchPage:
        """``POST /v1/customers?start=&limit=`` with ``{"filter": audience}``: one page of matching people."""
        if not 1 <= limit <= SEARCH_MAX:
            raise InvalidInputError(message=f"App API search: limit must be 1 to {SEARCH_MAX}", api="app")
        resp = await self._app.request(
            "POST",
            f"{V1}/customers",
            "search",
            write=False,
            params={"start": start or None, "limit": limit},
            json={"filter": audience},
        )
        return parse.search_page(ApiHttp.json_body(resp))

    async def iter_search(self, audience: dict[str, Any], *, limit: int = SEARCH_MAX) -> AsyncIterator[PersonRef]:
        """Every person matching ``audience``, following ``next`` until it is empty (or repeats)."""
        start: str | None = None
        seen: set[str] = set()
        while True:
            page = await self.search(audience, start=start, limit=limit)
            for ref in page.identifiers:
                yield ref
            if not page.next or page.next in seen or not page.identifiers:
                return
            seen.add(page.next)
            start = page.next

    async def segments(self, who: Identifier) -> list[SegmentRef]:
        path, params = person_path(who, "segments")
        return parse.segments(await self._app.get_json(path, "person segments", params=params))

    async def activities(self, who: Identifier, *, activity_type: str | None = None, limit: int = 50) -> list[Activity]:
        """Recent activities of a person, newest first; ``activity_type`` e.g. ``failed_attribute_change``."""
        path, params = person_path(who, "activities")
        query: dict[str, Any] = {**params, "type": activity_type, "limit": max(1, min(limit, 100))}
        items = parse.activities(await self._app.get_json(path, "person activities", params=query))
        return sorted(items, key=lambda a: a.timestamp, reverse=True)[:limit]

    async def messages(self, who: Identifier, *, limit: int = 50) -> list[Message]:
        path, params = person_path(who, "messages")
        query: dict[str, Any] = {**params, "limit": max(1, min(limit, 100))}
        return parse.messages(await self._app.get_json(path, "person messages", params=query))[:limit]

    async def workspaces(self) -> list[WorkspaceInfo]:
        return parse.workspaces(await self._app.get_json(f"{V1}/workspaces", "workspaces"))

    # -- exports ----------------------------------------------------------------------------------------
    async def start_export(self, filters: dict[str, Any], attributes: list[str] | None = None) -> ExportInfo:
        """``POST /v1/exports/customers``.

        Not idempotent: every request that reaches Customer.io may start one more export job. So it is sent as a
        write: retried only when it surely did not arrive (a failure to connect, a 429); a 5xx, a 408, a timeout or
        a dropped answer raises ``UncertainWriteError`` at once, saying an export may have started and how to check.
        """
        body: dict[str, Any] = {"filters": filters}
        if attributes:
            body["attributes"] = list(attributes)
        try:
            resp = await self._app.request("POST", f"{V1}/exports/customers", "start export", write=True, json=body)
        except UncertainWriteError as exc:
            raise export_may_have_started(exc) from None
        return parse.export(ApiHttp.json_body(resp))

    async def get_export(self, export_id: int) -> ExportInfo:
        return parse.export(await self._app.get_json(f"{V1}/exports/{int(export_id)}", "export status"))

    async def wait_export(
        self, export_id: int, *, timeout: float = 900.0, first_poll: float = 1.0, max_poll: float = 15.0
    ) -> ExportInfo:
        """Poll an export with back-off until it is done or failed (or ``timeout`` seconds pass)."""
        deadline = time.monotonic() + timeout
        delay = first_poll
        while True:
            info = await self.get_export(export_id)
            if info.status in ("done", "failed"):
                return info
            if time.monotonic() + delay > deadline:
                raise NetworkError(
                    message=f"App API export {export_id}: still pending after {timeout:.0f} s",
                    api="app",
                    hint="poll it again later",
                )
            await asyncio.sleep(delay)
            delay = min(max_poll, delay * 2)

    async def export_link(self, export_id: int) -> str:
        """``GET /v1/exports/{id}/download``: the signed link (``url`` or ``link``), valid about 15 minutes."""
        data = await self._app.get_json(f"{V1}/exports/{int(export_id)}/download", "export download link")
        link = parse.download_link(data)
        if not link:
            raise CustomerIOError(message=f"App API export {export_id}: the download answer has no link", api="app")
        return link

    async def download_export(self, export_id: int, dest: str | os.PathLike[str]) -> None:
        """Resolve the signed link and stream the file to ``dest`` (a path), without any auth header."""
        link = await self.export_link(export_id)
        dest_path = Path(dest)
        dest_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest_path.with_name(dest_path.name + ".part")
        # A separate client without auth; an injected transport is shared with the API clients, so not closed here.
        plain = httpx.AsyncClient(transport=self._transport, follow_redirects=True, timeout=60.0)
        try:
            async with plain.stream("GET", link) as resp:
                if resp.status_code != 200:
                    raise CustomerIOError(
                        message=f"App API export {export_id}: download failed with HTTP {resp.status_code}",
                        status=resp.status_code,
                        api="app",
                        hint="the link expires after 15 minutes; try again",
                    )
                with tmp.open("wb") as fh:
                    async for chunk in resp.aiter_bytes():
                        fh.write(chunk)
        except httpx.TransportError as exc:
            tmp.unlink(missing_ok=True)
            raise NetworkError(
                message=f"App API export {export_id}: download interrupted ({type(exc).__name__})", api="app"
            ) from None
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            if self._transport is None:
                await plain.aclose()
        os.replace(tmp, dest_path)


__all__ = ["AppMixin", "person_path"]
