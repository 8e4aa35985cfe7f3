"""Leads (people with an email and no id): find them, attach ids, check every id, and plan the conversion.

Finding them live uses the search filter "email exists AND NOT id exists"; a workspace that refuses ``id`` as a
filter field gets "email exists" and the people whose id is empty are kept. An export CSV works too.
Every id is checked before planning; rows that fail are left out with their line, the reason and what to do. An id
already held by someone else becomes a merge proposal, never a merge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.errors import InvalidInputError
from cio_tui.customerio.identifiers import Identifier, IdentifierError, check_new_id, normalize_email
from cio_tui.customerio.models import PersonRef
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import PlanSource
from cio_tui.identity.rows import (
    ExcludedRow,
    MergeProposal,
    PlanBuild,
    exclude_repeats,
    holders_of_emails,
    holders_of_ids,
    plan_build,
    read_csv,
    split_checked,
)
from cio_tui.model.validation import looks_like_email

EMAIL_EXISTS: dict[str, Any] = {"attribute": {"field": "email", "operator": "exists"}}
LEADS_FILTER: dict[str, Any] = {"and": [EMAIL_EXISTS, {"not": {"attribute": {"field": "id", "operator": "exists"}}}]}


class IdRow(BaseModel):
    """One ``email,id`` pair to attach (``line`` is the CSV line, None when typed)."""

    model_config = ConfigDict(frozen=True)

    line: int | None = None
    email: str
    id: str


async def find_leads(
    client: CioClient, *, limit: int | None = None, scanned: Callable[[int], None] | None = None, every: int = 100
) -> list[PersonRef]:
    """Every lead in the workspace (live search), sorted by email. ``scanned(n)`` is called each time another
    ``every`` people have been read (the search returns leads and non-leads alike), for a progress line."""
    try:
        found = await _collect(client, LEADS_FILTER, limit, scanned, every)
    except InvalidInputError:  # the workspace refuses `id` as a filter field
        found = await _collect(client, EMAIL_EXISTS, limit, scanned, every)
    return sorted(found, key=lambda r: normalize_email(r.email or ""))


async def _collect(
    client: CioClient, audience: dict[str, Any], limit: int | None, scanned: Callable[[int], None] | None, every: int
) -> list[PersonRef]:
    out: list[PersonRef] = []
    count = 0
    async for ref in client.iter_search(audience):
        count += 1
        if scanned is not None and count % every == 0:
            scanned(count)
        if ref.is_lead:
            out.append(ref)
            if limit is not None and len(out) >= limit:
                break
    return out


def leads_from_export(path: str | Path) -> list[PersonRef]:
    """Leads from a people export CSV (columns ``cio_id``, ``email`` and optionally ``id``)."""
    out = []
    for _line, row in read_csv(path, ["cio_id", "email"], optional=("id",)):
        ref = PersonRef(cio_id=row["cio_id"], email=row["email"] or None, id=row["id"] or None)
        if ref.is_lead:
            out.append(ref)
    return sorted(out, key=lambda r: normalize_email(r.email or ""))


def read_id_rows(path: str | Path = "ids.csv", *, text: str | None = None) -> list[IdRow]:
    """Rows of an ``email,id`` CSV (a file, or pasted ``text``). Values are kept as written; checks come later."""
    return [
        IdRow(line=line, email=row["email"], id=row["id"]) for line, row in read_csv(path, ["email", "id"], text=text)
    ]


def check_row(row: IdRow) -> str | None:
    """The local problem with a row (no workspace needed), or None. Used for inline validation in the TUI."""
    if not looks_like_email(row.email):
        return f"{row.email!r} is not an email address"
    try:
        check_new_id(row.id)
    except IdentifierError as exc:
        return str(exc)
    return None


def _excluded(row: IdRow, reason: str, action: str) -> ExcludedRow:
    return ExcludedRow(line=row.line, key=row.email, value=row.id, reason=reason, action=action)


def _in_file_duplicates(rows: list[IdRow]) -> tuple[list[IdRow], list[ExcludedRow]]:
    """Drop exact repeats (keeping the first) and every row of an id or email given more than one way."""
    kept: list[IdRow] = []
    out: list[ExcludedRow] = []
    first: dict[tuple[str, str], IdRow] = {}
    for row in rows:
        key = (normalize_email(row.email), row.id)
        if key in first:
            out.append(_excluded(row, f"repeats line {first[key].line}", "nothing to do: the first one is planned"))
        else:
            first[key] = row
            kept.append(row)
    by_id: dict[str, list[IdRow]] = {}
    by_email: dict[str, list[IdRow]] = {}
    for row in kept:
        by_id.setdefault(row.id, []).append(row)
        by_email.setdefault(normalize_email(row.email), []).append(row)
    bad = exclude_repeats(
        ((what, same) for group, what in ((by_id, "the id"), (by_email, "the email")) for same in group.values()),
        lambda row, what, lines: _excluded(
            row,
            f"{what} appears on several lines ({lines}) with different values",
            "keep one line per person and per id, then plan again",
        ),
    )
    return [r for r in kept if id(r) not in bad], out + list(bad.values())


async def plan_lead_conversion(
    client: CioClient,
    rows: Iterable[IdRow],
    *,
    workspace_fingerprint: str,
    workspace_name: str,
    leads: list[PersonRef] | None = None,
    created_at: datetime | None = None,
) -> PlanBuild:
    """Check every row and plan ``assign_id`` for the good ones. ``leads`` (from ``find_leads`` or an export)
    saves a search; emails not among them are looked up one by one."""
    proposals: list[MergeProposal] = []
    fine, excluded = split_checked(rows, check_row, _excluded)
    fine, dup = _in_file_duplicates(fine)
    excluded += dup
    index = {normalize_email(r.email or ""): r for r in (leads if leads is not None else await find_leads(client))}
    resolved: list[tuple[IdRow, PersonRef]] = []
    missing = [row for row in fine if normalize_email(row.email) not in index]
    by_email = await holders_of_emails(client, (row.email for row in missing)) if missing else {}
    listed = [lead for row in fine if (lead := index.get(normalize_email(row.email))) is not None]
    now = await _current(client, listed) if listed else {}
    for row in fine:
        lead = index.get(normalize_email(row.email))
        if lead is not None:  # the leads list may be stale (an apply since it was read): trust the live person
            lead_or_problem = _still_a_lead(lead, now.get(lead.cio_id))
            if isinstance(lead_or_problem, tuple):
                excluded.append(_excluded(row, *lead_or_problem))
                continue
            lead = lead_or_problem
        else:
            if by_email is None:  # email is not an identifier here: look it up as an attribute
                found = await client.customers_by_email(row.email)
            else:
                found = [p.ref for p in by_email.get(normalize_email(row.email), [])]
            lead_or_problem = _lead_among(found)
            if isinstance(lead_or_problem, tuple):
                excluded.append(_excluded(row, *lead_or_problem))
                continue
            lead = lead_or_problem
        resolved.append((row, lead))
    holders = await holders_of_ids(client, (row.id for row, _ in resolved))
    operations = []
    for row, lead in resolved:
        holder = holders.get(row.id)
        if holder is not None and holder.cio_id != lead.cio_id:
            excluded.append(
                _excluded(
                    row,
                    f"the id is already used by another person (cio_{holder.cio_id}, {holder.email or 'no email'})",
                    "listed as a merge proposal: merge the lead into that person if they are the same",
                )
            )
            proposals.append(MergeProposal(line=row.line, identifier=row.id, primary=holder.ref, secondary=lead))
        else:
            operations.append(ops.assign_id(lead, row.id))
    return plan_build(
        PlanSource.CONVERT_LEADS,
        f"convert {len(operations)} lead(s) into customers",
        operations,
        excluded,
        proposals,
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        created_at=created_at,
    )


async def _current(client: CioClient, leads: list[PersonRef]) -> dict[str, PersonRef]:
    """Each listed lead as the workspace has them now (bulk reads by cio_id); people gone are absent."""
    people = await client.get_people([Identifier.cio(lead.cio_id) for lead in leads])
    return {p.cio_id: p.ref for p in people}


def _still_a_lead(listed: PersonRef, now: PersonRef | None) -> PersonRef | tuple[str, str]:
    """The listed lead if they still are one, or (reason, what to do) when they changed since the list was read."""
    if now is None:
        return (
            f"cio_{listed.cio_id} is no longer in this workspace (deleted or merged away)",
            "reload the leads (r), then plan again",
        )
    return _lead_among([now])


def _lead_among(found: list[PersonRef]) -> PersonRef | tuple[str, str]:
    """The lead among the people holding an email (the leads list may be stale), or (reason, what to do)."""
    if not found:
        return "no person has this email", "check the spelling; identify the person first if they are new"
    if len(found) > 1:
        return (f"{len(found)} people have this email", "merge them first (Duplicates), then plan again")
    if found[0].id:
        return (
            f"not a lead: cio_{found[0].cio_id} already has the id {found[0].id!r}",
            "to change it, use `cio-tui plan fix-identifiers`",
        )
    return found[0]


__all__ = [
    "EMAIL_EXISTS",
    "LEADS_FILTER",
    "IdRow",
    "check_row",
    "find_leads",
    "leads_from_export",
    "plan_lead_conversion",
    "read_id_rows",
]
