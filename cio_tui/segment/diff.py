"""What differs between the classic and the Actions requests for one call (docs/reference/segment-classic.md,
docs/reference/segment-actions.md).

The two destinations speak different APIs (Track v1 paths vs v2 bodies), so both sides are first reduced to the same
*effect* fields: operation, person, name, attributes/data, timestamp, dedupe id, device, relationships. The diff
compares those; every entry carries JSON pointers into each side's request list (``/0/body/attributes/plan``) so
a viewer can mark the exact lines.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import unquote

from pydantic import BaseModel

from cio_tui.segment.wire import HttpRequest

Change = Literal["added", "removed", "changed"]
Flat = dict[str, tuple[Any, str]]  # field -> (value, JSON pointer)


class DiffEntry(BaseModel):
    field: str
    change: Change
    classic: object = None
    actions: object = None
    classic_at: str | None = None
    actions_at: str | None = None

    def describe(self) -> str:
        mark = {"added": "+", "removed": "-", "changed": "~"}[self.change]
        if self.change == "added":
            return f"{mark} {self.field}: only Actions sends {_show(self.actions)}"
        if self.change == "removed":
            return f"{mark} {self.field}: only classic sends {_show(self.classic)}"
        return f"{mark} {self.field}: {_show(self.classic)} -> {_show(self.actions)}"


def _show(value: object) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _esc(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _person_from_path(segment: str) -> str:
    value = unquote(segment)
    if value.startswith("cio_"):
        return f"cio_id {value[4:]}"
    if "@" in value:
        return f"email {value}"
    return f"id {value}"


def _person_from_ids(identifiers: object) -> str | None:
    if not isinstance(identifiers, dict) or not identifiers:
        return None
    return " ".join(f"{k} {v}" for k, v in identifiers.items())


def _flatten(flat: Flat, prefix: str, value: object, pointer: str) -> None:
    if isinstance(value, dict) and value:
        for key, sub in value.items():
            _flatten(flat, f"{prefix}.{key}", sub, f"{pointer}/{_esc(str(key))}")
    else:
        flat[prefix] = (value, pointer)


def classic_effect(request: HttpRequest, index: int) -> Flat:
    base = f"/{index}"
    parts = request.path.split("/")  # ['', 'api', 'v1', 'customers', who, ...]
    flat: Flat = {}
    body = request.body if isinstance(request.body, dict) else {}
    if len(parts) < 5 or parts[3] != "customers":
        flat["operation"] = (f"{request.method} {request.path}", f"{base}/path")
        return flat
    flat["person"] = (_person_from_path(parts[4]), f"{base}/path")
    tail = parts[5:]
    if not tail:
        flat["operation"] = ("identify person", f"{base}/method")
        _flatten(flat, "attributes", body, f"{base}/body")
    elif tail[0] == "events":
        flat["operation"] = ("page view" if body.get("type") == "page" else "event", f"{base}/path")
        flat["name"] = (body.get("name"), f"{base}/body/name")
        _flatten(flat, "data", body.get("data") or {}, f"{base}/body/data")
    elif tail[0] == "devices":
        if request.method == "DELETE":
            flat["operation"] = ("delete device", f"{base}/method")
            flat["device.token"] = (unquote(tail[1]) if len(tail) > 1 else None, f"{base}/path")
        else:
            flat["operation"] = ("add device", f"{base}/method")
            device = body.get("device") or {}
            flat["device.token"] = (device.get("id"), f"{base}/body/device/id")
            if "platform" in device:
                flat["device.platform"] = (device["platform"], f"{base}/body/device/platform")
    return flat


_OPERATIONS = {
    ("person", "identify"): "identify person",
    ("person", "event"): "event",
    ("person", "page"): "page view",
    ("person", "screen"): "screen view",
    ("person", "add_device"): "add device",
    ("person", "delete_device"): "delete device",
    ("person", "delete"): "delete person",
    ("person", "suppress"): "suppress person",
    ("person", "unsuppress"): "unsuppress person",
    ("person", "merge"): "merge people",
    ("object", "identify"): "identify object",
    ("object", "identify_anonymous"): "identify object",
    ("object", "delete"): "delete object",
    ("object", "delete_relationships"): "delete relationship",
}


def actions_effect(request: HttpRequest, index: int) -> Flat:
    base = f"/{index}/body"
    body = request.body if isinstance(request.body, dict) else {}
    flat: Flat = {}
    if "type" not in body:
        flat["operation"] = (f"report delivery metric {body.get('metric')}", f"/{index}/path")
        return flat
    kind: tuple[Any, Any] = (body.get("type"), body.get("action"))
    operation = _OPERATIONS.get(kind, f"{body.get('type')} {body.get('action')}")
    flat["operation"] = (operation, f"{base}/action")
    if body.get("type") == "person" and "identifiers" in body:
        flat["person"] = (_person_from_ids(body["identifiers"]), f"{base}/identifiers")
    elif body.get("type") == "object":
        flat["object"] = (_person_from_ids(body.get("identifiers")), f"{base}/identifiers")
    if body.get("action") == "merge":
        flat["primary"] = (_person_from_ids(body.get("primary")), f"{base}/primary")
        flat["secondary"] = (_person_from_ids(body.get("secondary")), f"{base}/secondary")
    if "name" in body:
        flat["name"] = (body["name"], f"{base}/name")
    key = "attributes" if body.get("action") == "identify" else "data"
    if "attributes" in body:
        _flatten(flat, key, body["attributes"], f"{base}/attributes")
    for extra in ("timestamp", "id", "created_at"):
        if extra in body:
            label = {"id": "dedupe id", "created_at": "created_at (object root)"}.get(extra, extra)
            flat[label] = (body[extra], f"{base}/{extra}")
    if isinstance(body.get("device"), dict):
        for dk, dv in body["device"].items():
            _flatten(flat, f"device.{dk}", dv, f"{base}/device/{_esc(dk)}")
    if "cio_relationships" in body:
        flat["relationships"] = (body["cio_relationships"], f"{base}/cio_relationships")
    return flat


def diff_requests(classic: list[HttpRequest], actions: list[HttpRequest]) -> list[DiffEntry]:
    entries: list[DiffEntry] = []
    for i in range(max(len(classic), len(actions))):
        left = classic_effect(classic[i], i) if i < len(classic) else {}
        right = actions_effect(actions[i], i) if i < len(actions) else {}
        if not left or not right:
            side = right or left
            op, at = side.get("operation", ("request", f"/{i}"))
            entries.append(
                DiffEntry(
                    field="request",
                    change="added" if right else "removed",
                    classic=None if right else op,
                    actions=op if right else None,
                    classic_at=None if right else f"/{i}",
                    actions_at=f"/{i}" if right else None,
                )
            )
            continue
        for key in list(left) + [k for k in right if k not in left]:
            if key in left and key in right:
                if left[key][0] != right[key][0]:
                    entries.append(
                        DiffEntry(
                            field=key,
                            change="changed",
                            classic=left[key][0],
                            actions=right[key][0],
                            classic_at=left[key][1],
                            actions_at=right[key][1],
                        )
                    )
            elif key in left:
                entries.append(DiffEntry(field=key, change="removed", classic=left[key][0], classic_at=left[key][1]))
            else:
                entries.append(DiffEntry(field=key, change="added", actions=right[key][0], actions_at=right[key][1]))
    return entries
