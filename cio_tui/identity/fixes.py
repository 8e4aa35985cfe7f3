"""Identifier fixes: change a person's id and/or email through ``cio_<cio_id>``, one at a time (People view) or
from a ``cio_id,new_id,new_email`` CSV, with the same checks as lead conversion. A change that would collide
with another person is refused with why, and listed as a merge proposal.

The CSV may name each person by ``id`` or ``email`` instead of ``cio_id`` (the first of ``cio_id``, ``id``,
``email`` in its header is the person's column): those rows are resolved to a cio_id through the workspace (bulk
reads) before anything is checked; nobody, or several people sharing an email, leaves the row out with its line
and what to do: the change always goes through the one cio_id it names."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier, IdentifierError, check_new_id, normalize_email
from cio_tui.customerio.models import Person
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import PlanSource
from cio_tui.identity.preview_ids import case_variant_holders
from cio_tui.identity.rows import (
    CsvFormatError,
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
from cio_tui.segment.id_checks import case_variant


class IdentifierChange(BaseModel):
    """Change the id and/or the email of the person ``cio_id`` (raw or ``cio_``-prefixed)."""

    model_config = ConfigDict(frozen=True)

    line: int | None = None
    cio_id: str
    new_id: str | None = None
    new_email: str | None = None
    by: Literal["cio_id", "id", "email"] = "cio_id"
    """What the row names the person by; an ``id``/``email`` row has ``subject`` and an empty ``cio_id`` until
    ``resolve_subjects`` finds the one person it names."""
    subject: str = ""

    def describe(self) -> str:
        parts = [f"id -> {self.new_id}" if self.new_id else "", f"email -> {self.new_email}" if self.new_email else ""]
        return ", ".join(p for p in parts if p) or "(no change)"


SUBJECT_COLUMNS: tuple[Literal["cio_id", "id", "email"], ...] = ("cio_id", "id", "email")


def _header_names(header: str) -> set[str]:
    return {cell.strip().strip('"').strip().lower() for cell in header.split(",")}


def header_problem(header: str) -> str | None:
    """What is wrong with the header line of a changes CSV (the CLI and the Identifiers screen both refuse such a
    file with these words), or None."""
    names = _header_names(header)
    by = next((name for name in SUBJECT_COLUMNS if name in names), None)
    if by is None:
        return (
            "the header names no person column: it needs cio_id, id or email, e.g. `cio_id,new_id,new_email`"
            " or `email,new_id`"
        )
    if "new_id" not in names and "new_email" not in names:
        return f"the header needs new_id and/or new_email, e.g. `{by},new_id,new_email`"
    return None


def read_changes(path: str | Path = "changes.csv", *, text: str | None = None) -> list[IdentifierChange]:
    raw = text if text is not None else Path(path).read_text(encoding="utf-8-sig")
    header = next((line for line in raw.splitlines() if line.strip()), "")
    problem = header_problem(header)
    if problem is not None:
        raise CsvFormatError(f"{path}: {problem}")
    names = _header_names(header)
    by = next(name for name in SUBJECT_COLUMNS if name in names)
    rows = read_csv(path, [by], text=raw, optional=("new_id", "new_email"))
    return [
        IdentifierChange(
            line=line,
            cio_id=r[by] if by == "cio_id" else "",
            by=by,
            subject="" if by == "cio_id" else r[by],
            new_id=r["new_id"] or None,
            new_email=r["new_email"] or None,
        )
        for line, r in rows
    ]


def check_change(change: IdentifierChange) -> str | None:
    """The local problem with a change (no workspace needed), or None. Used for inline validation in the TUI."""
    if change.by == "email" and not change.cio_id:
        if not looks_like_email(change.subject):
            return f"{change.subject!r} is not an email address (the email column names the person to change)"
    elif change.by == "id" and not change.cio_id:
        if not change.subject:
            return "the id column is empty (it names the person to change)"
    else:
        try:
            Identifier.cio(change.cio_id)
        except (IdentifierError, ValueError):
            return f"{change.cio_id!r} is not a cio_id"
    if not change.new_id and not change.new_email:
        return "neither a new id nor a new email is given"
    if change.new_id:
        try:
            check_new_id(change.new_id)
        except IdentifierError as exc:
            return str(exc)
    if change.new_email and not looks_like_email(change.new_email):
        return f"{change.new_email!r} is not an email address"
    return None


def _excluded(c: IdentifierChange, reason: str, action: str) -> ExcludedRow:
    # the row may carry the cio_id raw or already prefixed (rows refused before normalising): prefix it once;
    # a row naming its person by id or email that was not resolved says what it named
    if not c.cio_id and c.by != "cio_id":
        return ExcludedRow(line=c.line, key=f"{c.by} {c.subject}", value=c.describe(), reason=reason, action=action)
    key = c.cio_id if c.cio_id.startswith("cio_") else f"cio_{c.cio_id}"
    return ExcludedRow(line=c.line, key=key, value=c.describe(), reason=reason, action=action)


def _duplicates(changes: list[IdentifierChange]) -> tuple[list[IdentifierChange], list[ExcludedRow]]:
    groups: dict[tuple[str, str], list[IdentifierChange]] = {}
    for c in changes:
        groups.setdefault(("person", c.cio_id), []).append(c)
        if c.new_id:
            groups.setdefault(("new id", c.new_id), []).append(c)
        if c.new_email:
            groups.setdefault(("new email", normalize_email(c.new_email)), []).append(c)
    bad = exclude_repeats(
        ((what, same) for (what, _), same in groups.items()),
        lambda c, what, lines: _excluded(
            c,
            f"the same {what} is on several lines ({lines})",
            "keep one line per person and per new value, then plan again",
        ),
    )
    return [c for c in changes if id(c) not in bad], list(bad.values())


async def resolve_subjects(
    client: CioClient, changes: Iterable[IdentifierChange]
) -> tuple[list[IdentifierChange], list[ExcludedRow]]:
    """Rows naming their person by id or email, with the cio_id of the one person each names (bulk reads); rows
    naming nobody, or an email several people share, are left out with why (never guessed)."""
    changes = list(changes)
    ids = sorted({c.subject for c in changes if c.by == "id" and not c.cio_id})
    by_id = {p.id: p for p in await client.get_people([Identifier.id(v) for v in ids])} if ids else {}
    emails = [c.subject for c in changes if c.by == "email" and not c.cio_id]
    by_email = await holders_of_emails(client, emails) if emails else {}
    out: list[IdentifierChange] = []
    excluded: list[ExcludedRow] = []
    for c in changes:
        if c.cio_id:
            out.append(c)
            continue
        if c.by == "id":
            holders = [by_id[c.subject]] if c.subject in by_id else []
            cio_ids = [p.cio_id for p in holders]
        elif by_email is None:  # email is not an identifier in this workspace: search by the attribute
            cio_ids = list(dict.fromkeys(r.cio_id for r in await client.customers_by_email(c.subject)))
        else:
            cio_ids = list(dict.fromkeys(p.cio_id for p in by_email.get(normalize_email(c.subject), [])))
        if not cio_ids:
            excluded.append(
                _excluded(c, f"no person has the {c.by} {c.subject!r}", "check it in People, or name them by cio_id")
            )
        elif len(cio_ids) > 1:
            shown = ", ".join(f"cio_{v}" for v in cio_ids[:5])
            excluded.append(
                _excluded(
                    c,
                    f"{len(cio_ids)} people have the {c.by} {c.subject!r} ({shown}); the change is not guessed",
                    "put the cio_id of the one to change in a cio_id column",
                )
            )
        else:
            out.append(c.model_copy(update={"cio_id": cio_ids[0]}))
    return out, excluded


async def plan_identifier_fixes(
    client: CioClient,
    changes: Iterable[IdentifierChange],
    *,
    workspace_fingerprint: str,
    workspace_name: str,
    created_at: datetime | None = None,
) -> PlanBuild:
    proposals: list[MergeProposal] = []
    fine, excluded = split_checked(changes, check_change, _excluded)
    fine, unresolved = await resolve_subjects(client, fine)
    excluded += unresolved
    fine = [c.model_copy(update={"cio_id": Identifier.cio(c.cio_id).value}) for c in fine]
    fine, dup = _duplicates(fine)
    excluded += dup
    found = await client.get_people([Identifier.cio(c.cio_id) for c in fine]) if fine else []
    people: dict[str, Person] = {p.cio_id: p for p in found}
    id_holders = await holders_of_ids(client, (c.new_id for c in fine if c.new_id))
    email_holders = await holders_of_emails(client, (c.new_email for c in fine if c.new_email)) or {}
    operations = []
    new_ids: dict[str, str] = {}  # new id -> the cio_id of the person planned to get it
    for c in fine:
        person = people.get(c.cio_id)
        if person is None:
            excluded.append(_excluded(c, "no person has this cio_id", "look the person up in the People view"))
            continue
        new_id = c.new_id if c.new_id and c.new_id != person.id else None
        same_email = c.new_email and person.email and normalize_email(c.new_email) == normalize_email(person.email)
        new_email = c.new_email if c.new_email and not same_email else None
        if not new_id and not new_email:
            excluded.append(_excluded(c, "the person already has these identifiers", "nothing to do"))
            continue
        holder = id_holders.get(new_id) if new_id else None
        others = (
            [p for p in email_holders.get(normalize_email(new_email), []) if p.cio_id != c.cio_id] if new_email else []
        )
        clash, value = (
            (holder, new_id)
            if holder and holder.cio_id != c.cio_id
            else (others[0], new_email)
            if others
            else (None, None)
        )
        if clash is not None:
            excluded.append(
                _excluded(
                    c,
                    f"{value!r} already belongs to another person (cio_{clash.cio_id}); Customer.io would refuse "
                    "the change (failed attribute change) or merge the two",
                    "listed as a merge proposal: merge them if they are the same person, or choose another value",
                )
            )
            proposals.append(MergeProposal(line=c.line, identifier=str(value), primary=clash.ref, secondary=person.ref))
            continue
        operations.append(ops.change_identifiers(person.ref, new_id=new_id, new_email=new_email))
        if new_id:
            new_ids[new_id] = c.cio_id
    build = plan_build(
        PlanSource.FIX_IDENTIFIERS,
        f"change identifiers of {len(operations)} person(s)",
        operations,
        excluded,
        proposals,
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        created_at=created_at,
    )
    for value, (spelling, other) in (await case_variant_holders(client, new_ids)).items():
        if other.cio_id != new_ids[value]:
            where = f"of cio_{other.cio_id}"
            build.warnings[new_ids[value]] = case_variant("the new id", value, spelling, where).explanation
    return build


__all__ = [
    "SUBJECT_COLUMNS",
    "IdentifierChange",
    "check_change",
    "plan_identifier_fixes",
    "read_changes",
    "resolve_subjects",
]
