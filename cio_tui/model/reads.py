"""The App API reads cio-tui uses, over a ``Storage``: who an ``id_type`` + value names, and the documented
response shapes of people lookups (every attribute value a string)."""

from __future__ import annotations

from typing import Any

from cio_tui.model.person import Person, Storage
from cio_tui.model.settings import WorkspaceSettings
from cio_tui.model.validation import Ident, InvalidRequest, as_string

APPLIES = ("app_by_email", "app_attributes")  # the behaviour rows these reads implement


def id_type_of(raw: str | None, settings: WorkspaceSettings) -> str:
    """``id_type``: ``id`` (the default), ``email``, ``cio_id``, ``phone``; 400 for one the workspace lacks."""
    id_type = raw or "id"
    if id_type == "phone" and not settings.phone_identifiers:
        raise InvalidRequest("id_type phone is not enabled in this workspace", "id_type")
    if id_type not in ("id", "email", "cio_id", "phone"):
        raise InvalidRequest(f"unknown id_type '{id_type}'", "id_type")
    if id_type == "email" and not settings.email_is_identifier:
        raise InvalidRequest("id_type email is not available in an ID-only workspace", "id_type")
    return id_type


def ident(id_type: str, value: str) -> Ident:
    return Ident(id_type, value.removeprefix("cio_") if id_type == "cio_id" else value)


def person(store: Storage, who: Ident) -> Person | None:
    """The person an App API path names (the oldest when an email is shared)."""
    if who.kind == "cio_id":
        return store.by_cio(who.value)
    found = {"email": store.by_email, "phone": store.by_phone}.get(who.kind, store.by_id)(who.value)
    return found[0] if found else None


def ref(p: Person) -> dict[str, Any]:
    return {"email": p.email, "id": p.id, "cio_id": p.cio_id}


def customer_json(store: Storage, p: Person) -> dict[str, Any]:
    """``GET /v1/customers/{id}/attributes``'s ``customer`` object."""
    attributes = {k: as_string(v) for k, v in p.attrs.items()}
    attributes.update(cio_id=p.cio_id, created_at=str(p.created_at))
    if p.id is not None:
        attributes["id"] = p.id
    if p.email is not None:
        attributes["email"] = p.email
    if p.phone is not None:
        attributes["phone"] = p.phone
    if p.unsubscribed:
        attributes["unsubscribed"] = "true"
    devices = [{"id": d, "platform": platform, "last_used": last} for d, platform, last in store.devices(p.cio_id)]
    identifiers = ref(p)
    if p.phone is not None:
        identifiers["phone"] = p.phone
    return {
        "id": p.id,
        "identifiers": identifiers,
        "attributes": attributes,
        "timestamps": {"cio_id": p.created_at, "created_at": p.created_at, "_last_updated": p.updated_at},
        "unsubscribed": p.unsubscribed,
        "devices": devices,
    }
