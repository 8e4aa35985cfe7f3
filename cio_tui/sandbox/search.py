"""App API search paging over the SQLite store and the people export CSV (header
``cio_id,id,email,created_at,...attributes``); the filter grammar itself is the engine's (``cio_tui.model.search``)."""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator

from cio_tui.model.person import Person
from cio_tui.model.search import Predicate, compile_filter, email_values, field_value
from cio_tui.model.validation import InvalidRequest, as_string
from cio_tui.sandbox.store import Store

__all__ = ["Predicate", "compile_filter", "email_values", "field_value"]
FIXED_COLUMNS = ("cio_id", "id", "email", "created_at")


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
