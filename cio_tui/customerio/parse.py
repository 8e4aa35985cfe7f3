"""Turn App API response bodies into the typed models, tolerating the documented variations
(numbers where strings are expected, wrapped and unwrapped customer objects, ``null`` lists)."""

from __future__ import annotations

import json
from typing import Any

from cio_tui.customerio.models import (
    EXPORT_STATUSES,
    Activity,
    Device,
    ExportInfo,
    ExportStatus,
    Message,
    Person,
    PersonRef,
    SearchPage,
    SegmentRef,
    WorkspaceInfo,
)
from cio_tui.json_types import object_or_empty


def _str_or_none(value: object) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def attribute_string(value: object) -> str:
    """App API attribute values are strings on the wire; coerce anything else the same way."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _items(data: object, key: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return []
    items = data.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def person_ref(raw: dict[str, Any]) -> PersonRef | None:
    cio_id = _str_or_none(raw.get("cio_id"))
    if not cio_id:
        return None
    return PersonRef(cio_id=cio_id, id=_str_or_none(raw.get("id")), email=_str_or_none(raw.get("email")))


def person(raw: object) -> Person | None:
    """``{"customer": {...}}`` or the bare customer object -> Person (None without a cio_id)."""
    if not isinstance(raw, dict):
        return None
    customer: dict[str, Any] = raw["customer"] if isinstance(raw.get("customer"), dict) else raw
    attributes: dict[str, Any] = customer["attributes"] if isinstance(customer.get("attributes"), dict) else {}
    identifiers: dict[str, Any] = customer["identifiers"] if isinstance(customer.get("identifiers"), dict) else {}
    cio_id = _str_or_none(identifiers.get("cio_id")) or _str_or_none(attributes.get("cio_id"))
    if not cio_id:
        return None
    person_id = identifiers.get("id") if "id" in identifiers else attributes.get("id", customer.get("id"))
    email = identifiers.get("email") if "email" in identifiers else attributes.get("email")
    devices = []
    for d in customer.get("devices") or []:
        if isinstance(d, dict) and d.get("id"):
            last_used = d.get("last_used")
            devices.append(
                Device(
                    id=str(d["id"]),
                    platform=_str_or_none(d.get("platform")),
                    last_used=int(last_used) if isinstance(last_used, int | float) else None,
                )
            )
    timestamps = {
        str(k): int(v)
        for k, v in (customer.get("timestamps") or {}).items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    return Person(
        cio_id=cio_id,
        id=_str_or_none(person_id),
        email=_str_or_none(email),
        attributes={str(k): attribute_string(v) for k, v in attributes.items()},
        unsubscribed=bool(customer.get("unsubscribed") or attributes.get("unsubscribed") in ("true", True)),
        devices=devices,
        timestamps=timestamps,
    )


def people(data: object) -> list[Person]:
    return [p for p in (person(item) for item in _items(data, "customers")) if p is not None]


def refs(data: object, key: str = "results") -> list[PersonRef]:
    return [r for r in (person_ref(item) for item in _items(data, key)) if r is not None]


def search_page(data: object) -> SearchPage:
    nxt = data.get("next") if isinstance(data, dict) else None
    return SearchPage(identifiers=refs(data, "identifiers"), next=_str_or_none(nxt))


def segments(data: object) -> list[SegmentRef]:
    out = []
    for raw in _items(data, "segments"):
        try:
            out.append(
                SegmentRef(
                    id=int(raw["id"]),
                    name=str(raw.get("name") or f"segment {raw['id']}"),
                    description=_str_or_none(raw.get("description")),
                    type=_str_or_none(raw.get("type")),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


def activities(data: object) -> list[Activity]:
    out = []
    for raw in _items(data, "activities"):
        ts = raw.get("timestamp")
        if raw.get("id") is None or not raw.get("type") or not isinstance(ts, int | float):
            continue
        out.append(
            Activity(
                id=str(raw["id"]),
                type=str(raw["type"]),
                name=_str_or_none(raw.get("name")),
                timestamp=int(ts),
                data=object_or_empty(raw.get("data")),
                customer_id=_str_or_none(raw.get("customer_id")),
            )
        )
    return out


def messages(data: object) -> list[Message]:
    out = []
    for raw in _items(data, "messages"):
        if raw.get("id") is None:
            continue
        created = raw.get("created")
        out.append(
            Message(
                id=str(raw["id"]),
                type=_str_or_none(raw.get("type")),
                subject=_str_or_none(raw.get("subject")),
                created=int(created) if isinstance(created, int | float) else None,
                metrics=object_or_empty(raw.get("metrics")),
            )
        )
    return out


def workspaces(data: object) -> list[WorkspaceInfo]:
    out = []
    for raw in _items(data, "workspaces"):
        try:
            out.append(WorkspaceInfo.model_validate({**raw, "id": int(raw["id"]), "name": str(raw.get("name", ""))}))
        except (KeyError, TypeError, ValueError):
            continue
    return out


def export(data: object) -> ExportInfo:
    raw = data.get("export") if isinstance(data, dict) and isinstance(data.get("export"), dict) else data
    if not isinstance(raw, dict) or raw.get("id") is None:
        raise ValueError("the export answer has no export id")
    said = raw.get("status")
    failed = bool(raw.get("failed"))
    status: ExportStatus = "failed" if failed else (said if said in EXPORT_STATUSES else "pending")
    total = raw.get("total")
    return ExportInfo(
        id=int(raw["id"]),
        status=status,
        failed=failed,
        total=int(total) if isinstance(total, int | float) else 0,
        description=_str_or_none(raw.get("description")),
        created_at=raw.get("created_at") if isinstance(raw.get("created_at"), int) else None,
        updated_at=raw.get("updated_at") if isinstance(raw.get("updated_at"), int) else None,
    )


def download_link(data: object) -> str | None:
    """The signed link of an export download answer: ``url`` (docs) or ``link`` (the Node client)."""
    if not isinstance(data, dict):
        return None
    return _str_or_none(data.get("url")) or _str_or_none(data.get("link"))
