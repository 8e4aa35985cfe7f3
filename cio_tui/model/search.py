"""App API audience filters: ``and``/``or``/``not``/``segment``/``attribute`` with ``eq``/``exists``, compiled
into a predicate over a ``Person`` (the grammar of the App API's search and export filters,
https://docs.customer.io/integrations/api/app/). Segment membership comes from the storage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from cio_tui.model.person import Person, norm_email
from cio_tui.model.validation import InvalidRequest, as_string

APPLIES = ("app_search",)  # the behaviour row this grammar implements

Predicate = Callable[[Person], bool]


class SegmentMembers(Protocol):
    def segment_member_set(self, segment_id: int) -> set[str]: ...


def field_value(p: Person, name: str) -> object:
    if name == "cio_id":
        return p.cio_id
    if name == "id":
        return p.id
    if name == "email":
        return p.email
    if name == "created_at":
        return p.created_at
    if name == "unsubscribed":
        return p.unsubscribed or None
    return p.attrs.get(name)


def compile_filter(node: object, store: SegmentMembers) -> Predicate:
    """Validate a filter and turn it into a predicate; InvalidRequest (400) when it breaks the grammar."""
    if not isinstance(node, dict) or len(node) != 1:
        raise InvalidRequest("a filter holds exactly one of and, or, not, segment, attribute", "filter")
    ((key, value),) = node.items()
    if key in ("and", "or"):
        if not isinstance(value, list) or not value:
            raise InvalidRequest(f"'{key}' takes a non-empty array of filters", "filter")
        parts = [compile_filter(v, store) for v in value]
        if key == "and":
            return lambda p: all(f(p) for f in parts)
        return lambda p: any(f(p) for f in parts)
    if key == "not":
        inner = compile_filter(value, store)
        return lambda p: not inner(p)
    if key == "segment":
        if not isinstance(value, dict) or not isinstance(value.get("id"), int):
            raise InvalidRequest("'segment' takes {\"id\": <integer>}", "filter")
        members = store.segment_member_set(value["id"])
        return lambda p: p.cio_id in members
    if key == "attribute":
        return _attribute(value)
    raise InvalidRequest(f"unknown filter '{key}'", "filter")


def _attribute(spec: object) -> Predicate:
    if not isinstance(spec, dict) or not isinstance(spec.get("field"), str) or not spec["field"]:
        raise InvalidRequest("'attribute' needs a field", "filter")
    name, op = spec["field"], spec.get("operator")
    if op == "exists":
        return lambda p: field_value(p, name) not in (None, "")
    if op == "eq":
        if "value" not in spec:
            raise InvalidRequest("operator 'eq' needs a value", "filter")
        if name == "email":
            want = norm_email(as_string(spec["value"]))
            return lambda p: norm_email(p.email) == want
        want_s = as_string(spec["value"])
        return lambda p: (v := field_value(p, name)) is not None and as_string(v) == want_s
    raise InvalidRequest(f"unsupported operator '{op}' (only eq and exists)", "filter")


def email_values(node: object) -> list[str] | None:
    """The emails of a filter that is only ``email eq`` tests (one, or an ``or`` of them), else None: such a search
    is answered from the email index instead of a scan (the preview reads a paste's emails this way)."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    ((key, value),) = node.items()
    if key == "or" and isinstance(value, list) and value:
        parts = [email_values(v) for v in value]
        return None if any(p is None for p in parts) else [e for p in parts for e in p or []]
    is_email_eq = isinstance(value, dict) and value.get("field") == "email" and value.get("operator") == "eq"
    if key == "attribute" and is_email_eq:
        return [as_string(value.get("value"))]
    return None
