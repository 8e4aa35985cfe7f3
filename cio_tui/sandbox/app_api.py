"""App API routes (Bearer App key): lookups, search, segments/activities/messages, workspaces, exports."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.responses import Response

from cio_tui.model import reads
from cio_tui.model.person import Person
from cio_tui.model.validation import MAX_BULK_IDS, MAX_SEARCH_LIMIT, InvalidRequest
from cio_tui.sandbox import search
from cio_tui.sandbox.routing import Ctx, Router, json_response

DOWNLOAD_PREFIX = "/_sandbox/downloads"

T = TypeVar("T")


def app_error(detail: str, status: int) -> Response:
    return json_response({"errors": [{"detail": detail, "status": str(status)}]}, status)


def not_found() -> Response:
    return app_error("resource not found", 404)


def _id_type(ctx: Ctx) -> str:
    return reads.id_type_of(ctx.query("id_type"), ctx.sb.flags())


def _person(ctx: Ctx) -> Person | None:
    return reads.person(ctx.sb.store, reads.ident(_id_type(ctx), ctx.params["customer"]))


def _of_person(ctx: Ctx, read: Callable[[Person], T]) -> tuple[Person, T] | None:
    """The person the path names and ``read(person)``, both under the store lock; None when nobody matches."""
    with ctx.sb.store.lock:
        p = _person(ctx)
        return None if p is None else (p, read(p))


def _next_token(rows: list[Any], limit: int) -> str:
    """Pages are read ``limit + 1`` rows at a time: an extra row means a next page, after the last row shown."""
    return search.encode_token(rows[limit - 1][0]) if len(rows) > limit else ""


ref = reads.ref


def customer_json(ctx: Ctx, p: Person) -> dict[str, Any]:
    return reads.customer_json(ctx.sb.store, p)


def _limit(ctx: Ctx, default: int, maximum: int) -> int:
    raw = ctx.query("limit")
    try:
        limit = int(raw) if raw else default
    except ValueError as exc:
        raise InvalidRequest("limit must be an integer", "limit") from exc
    if not 1 <= limit <= maximum:
        raise InvalidRequest(f"limit must be between 1 and {maximum}", "limit")
    return limit


def _before(ctx: Ctx) -> int | None:
    start = ctx.query("start")
    return search.decode_token(start) if start else None


def handles_invalid(fn: Callable[[Ctx], Awaitable[Response]]) -> Callable[[Ctx], Awaitable[Response]]:
    async def wrapper(ctx: Ctx) -> Response:
        try:
            return await fn(ctx)
        except InvalidRequest as exc:
            return app_error(exc.message, 400)

    wrapper.__name__ = fn.__name__
    return wrapper


# -- customers --------------------------------------------------------------------------------------
@handles_invalid
async def by_email(ctx: Ctx) -> Response:
    email = ctx.query("email")
    if not email:
        raise InvalidRequest("the email query parameter is required", "email")
    with ctx.sb.store.lock:
        people = ctx.sb.store.by_email(email)
    return json_response({"results": [ref(p) for p in people]})


@handles_invalid
async def attributes(ctx: Ctx) -> Response:
    found = _of_person(ctx, lambda p: customer_json(ctx, p))
    return not_found() if found is None else json_response({"customer": found[1]})


@handles_invalid
async def bulk_attributes(ctx: Ctx) -> Response:
    id_type = _id_type(ctx)
    body = await ctx.json(empty={})
    ids = body.get("ids") if isinstance(body, dict) else None
    if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_BULK_IDS:
        raise InvalidRequest(f"ids must be a list of 1 to {MAX_BULK_IDS} values", "ids")
    out = []
    with ctx.sb.store.lock:
        for value in ids:
            p = reads.person(ctx.sb.store, reads.ident(id_type, str(value)))
            if p is not None:
                out.append({"customer": customer_json(ctx, p)})
    return json_response({"customers": out})


@handles_invalid
async def search_people(ctx: Ctx) -> Response:
    body = await ctx.json(empty={})
    if not isinstance(body, dict) or "filter" not in body:
        raise InvalidRequest("the body needs a filter", "filter")
    limit = _limit(ctx, 50, MAX_SEARCH_LIMIT)
    predicate = search.compile_filter(body["filter"], ctx.sb.store)
    emails = search.email_values(body["filter"])
    people, nxt = search.search_page(ctx.sb.store, predicate, ctx.query("start"), limit, emails=emails)
    return json_response({"identifiers": [ref(p) for p in people], "ids": [p.id or "" for p in people], "next": nxt})


@handles_invalid
async def segments(ctx: Ctx) -> Response:
    found = _of_person(ctx, lambda p: ctx.sb.store.segments_of(p.cio_id))
    if found is None:
        return not_found()
    keys = ("id", "name", "description", "type")
    return json_response({"segments": [dict(zip(keys, r, strict=True)) for r in found[1]]})


@handles_invalid
async def activities(ctx: Ctx) -> Response:
    limit = _limit(ctx, 50, 100)
    found = _of_person(
        ctx,
        lambda p: ctx.sb.store.activities(
            p.cio_id, type_=ctx.query("type"), name=ctx.query("name"), before=_before(ctx), limit=limit + 1
        ),
    )
    if found is None:
        return not_found()
    p, rows = found
    items = [
        {
            "id": str(pk),
            "type": type_,
            "name": name,
            "timestamp": ts,
            "data": json.loads(data),
            "customer_id": p.id or "",
            "customer_identifiers": ref(p),
            "delivery_id": None,
            "delivery_type": None,
        }
        for pk, type_, name, ts, data in rows[:limit]
    ]
    return json_response({"activities": items, "next": _next_token(rows, limit)})


@handles_invalid
async def messages(ctx: Ctx) -> Response:
    limit = _limit(ctx, 50, 1000)
    found = _of_person(ctx, lambda p: ctx.sb.store.messages(p.cio_id, before=_before(ctx), limit=limit + 1))
    if found is None:
        return not_found()
    p, rows = found
    items = [
        {
            "id": str(pk),
            "type": type_,
            "subject": subject,
            "created": created,
            "metrics": json.loads(metrics or "{}"),
            "customer_id": p.id,
            "customer_identifiers": ref(p),
        }
        for pk, type_, subject, created, metrics in rows[:limit]
    ]
    return json_response({"messages": items, "next": _next_token(rows, limit)})


async def workspaces(ctx: Ctx) -> Response:
    sb = ctx.sb
    with sb.store.lock:
        people = sb.store.count_people()
        sent = sb.store.db.execute("SELECT count(*) FROM messages").fetchone()[0]
    ws = {
        "id": sb.environment_id,
        "name": sb.workspace_name,
        "messages_sent": sent,
        "billable_messages_sent": sent,
        "people": people,
        "object_types": 0,
        "objects": 0,
    }
    return json_response({"workspaces": [ws]})


# -- exports ----------------------------------------------------------------------------------------
def export_json(e: dict[str, Any]) -> dict[str, Any]:
    done = e["status"] == "done"
    return {
        "id": e["id"],
        "type": "customers",
        "status": e["status"],
        "failed": False,
        "total": e["total"] if done else 0,
        "downloads": 0,
        "description": e["description"],
        "created_at": e["created_at"],
        "updated_at": e["updated_at"],
        "user_id": None,
        "user_email": None,
        "deduplicate_id": None,
    }


@handles_invalid
async def start_export(ctx: Ctx) -> Response:
    body = await ctx.json(empty={})
    if not isinstance(body, dict):
        raise InvalidRequest("the body must be a JSON object")
    flt = body.get("filters")
    attrs = body.get("attributes")
    if attrs is not None and (not isinstance(attrs, list) or not all(isinstance(a, str) for a in attrs)):
        raise InvalidRequest("attributes must be a list of attribute names", "attributes")
    store = ctx.sb.store
    predicate = search.compile_filter(flt, store) if flt else None
    people = list(search.matching(store, predicate))
    data = search.export_csv(people, [a for a in attrs if isinstance(a, str)] if attrs is not None else None)
    now = ctx.sb.clock()
    with store.tx():
        number = len(store.list_exports()) + 1  # a deterministic link token keeps screenshots stable
        token = hashlib.sha256(f"{ctx.sb.environment_id}:{number}:{now}".encode()).hexdigest()[:16]
        export_id = store.create_export(
            description="Customers export (sandbox)", now=now, token=token, total=len(people), csv=data
        )
        e = store.get_export(export_id)
    assert e is not None
    return json_response({"export": export_json(e)})


def _export(ctx: Ctx) -> dict[str, Any] | None:
    try:
        export_id = int(ctx.params["export"])
    except ValueError:
        return None
    with ctx.sb.store.tx():
        e = ctx.sb.store.get_export(export_id)
        if e is not None and e["status"] == "pending":  # the first status read finds it finished
            ctx.sb.store.finish_export(export_id, ctx.sb.clock())
            e = ctx.sb.store.get_export(export_id)
    return e


async def get_export(ctx: Ctx) -> Response:
    e = _export(ctx)
    return json_response({"export": export_json(e)}) if e else not_found()


async def list_exports(ctx: Ctx) -> Response:
    with ctx.sb.store.lock:
        exports = ctx.sb.store.list_exports()
    return json_response({"exports": [export_json(e) for e in exports] or None})


async def download_link(ctx: Ctx) -> Response:
    e = _export(ctx)
    if e is None:
        return not_found()
    return json_response({"url": f"{ctx.origin}{DOWNLOAD_PREFIX}/{e['id']}/{e['token']}.csv"})


async def download_file(ctx: Ctx) -> Response:
    """The signed link: no Authorization header needed, the token in the path is the signature."""
    try:
        export_id = int(ctx.params["export"])
    except ValueError:
        return Response("not found", 404)
    with ctx.sb.store.lock:
        e = ctx.sb.store.get_export(export_id)
        data = ctx.sb.store.export_csv(export_id) if e else None
    if e is None or data is None or ctx.params["file"] != f"{e['token']}.csv":
        return Response("not found", 404, media_type="text/plain")
    return Response(data, media_type="text/csv")


def register(router: Router) -> None:
    c = "/v1/customers/{customer}"
    router.add("GET", "/v1/customers", by_email)
    router.add("POST", "/v1/customers", search_people)
    router.add("POST", "/v1/customers/attributes", bulk_attributes)
    router.add("GET", c + "/attributes", attributes)
    router.add("GET", c + "/segments", segments)
    router.add("GET", c + "/activities", activities)
    router.add("GET", c + "/messages", messages)
    router.add("GET", "/v1/workspaces", workspaces)
    router.add("POST", "/v1/exports/customers", start_export)
    router.add("GET", "/v1/exports", list_exports)
    router.add("GET", "/v1/exports/{export}", get_export)
    router.add("GET", "/v1/exports/{export}/download", download_link)
    router.add("GET", DOWNLOAD_PREFIX + "/{export}/{file}", download_file)
