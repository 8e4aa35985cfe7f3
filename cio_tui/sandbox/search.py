"""App API audience filters (``and``/``or``/``not``/``segment``/``attribute`` with ``eq``/``exists``), paging and
the people export CSV (header ``cio_id,id,email,created_at,...attributes``)."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from cio_tui.model.validation import InvalidRequest, as_string
from cio_tui.sandbox.store import Person, Store, norm_email

Predicate = Callable[[Person], bool]
FIXED_COLUMNS = ("cio_id", "id", "email", "created_at")


def field_value(p: Person, name: str) -> Any:
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


def compile_filter(node: Any, store: Store) -> Predicate:
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


def _attribute(spec: Any) -> Predicate:
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


def encode_token(pk: int) -> str:
    return base64.urlsafe_b64encode(f"pk:{pk}".encode()).decode().rstrip("=")


def decode_token(token: str | None) -> int:
    if not token:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if raw.startswith("pk:"):
            return int(raw[3:])
    except (ValueError, UnicodeDecodeError):
        pass
    raise InvalidRequest("invalid start token", "start")


def matching(store: Store, predicate: Predicate | None, after_pk: int = 0) -> Iterator[Person]:
    for p in store.iter_people(after_pk):
        if predicate is None or predicate(p):
            yield p


def email_values(node: Any) -> list[str] | None:
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


def _indexed(store: Store, emails: list[str], after_pk: int) -> Iterator[Person]:
    with store.lock:
        people = {p.pk: p for e in dict.fromkeys(emails) for p in store.by_email(e)}
    for pk in sorted(people):
        if pk > after_pk:
            yield people[pk]


def search_page(
    store: Store, predicate: Predicate, start: str | None, limit: int, *, emails: list[str] | None = None
) -> tuple[list[Person], str]:
    """One page and the ``next`` token ("" on the last page). ``emails``: the filter is only email equality
    (``email_values``), so the email index gives the same people, in the same order, without a scan."""
    found: list[Person] = []
    more = False
    after = decode_token(start)
    source = _indexed(store, emails, after) if emails is not None else matching(store, predicate, after)
    for p in source:
        if len(found) == limit:
            more = True
            break
        found.append(p)
    return found, (encode_token(found[-1].pk) if more and found else "")


def export_csv(people: list[Person], attributes: list[str] | None) -> bytes:
    """The export file: fixed identifier columns, then the requested attributes (or every attribute seen)."""
    if attributes:
        columns = [a for a in attributes if a not in FIXED_COLUMNS]
    else:
        columns = sorted({k for p in people for k in p.attrs})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *columns])
    for p in people:
        fixed = [p.cio_id, p.id or "", p.email or "", str(p.created_at)]
        writer.writerow([*fixed, *(as_string(p.attrs.get(c)) for c in columns)])
    return out.getvalue().encode()
