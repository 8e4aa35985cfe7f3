"""Identifier fixes: change a person's id and/or email through ``cio_<cio_id>``, one at a time (People view) or
from a ``cio_id,new_id,new_email`` CSV, with the same checks as lead conversion. A change that would collide
with another person is refused with why, and listed as a merge proposal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier, IdentifierError, check_new_id, normalize_email
from cio_tui.customerio.models import Person
from cio_tui.identity import operations as ops
from cio_tui.identity.plan import PlanSource
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


class IdentifierChange(BaseModel):
    """Change the id and/or the email of the person ``cio_id`` (raw or ``cio_``-prefixed)."""

    model_config = ConfigDict(frozen=True)

    line: int | None = None
    cio_id: str
    new_id: str | None = None
    new_email: str | None = None

    def describe(self) -> str:
        parts = [f"id -> {self.new_id}" if self.new_id else "", f"email -> {self.new_email}" if self.new_email else ""]
        return ", ".join(p for p in parts if p) or "(no change)"


def read_changes(path: str | Path = "changes.csv", *, text: str | None = None) -> list[IdentifierChange]:
    rows = read_csv(path, ["cio_id"], text=text, optional=("new_id", "new_email"))
    header = (text if text is not None else Path(path).read_text(encoding="utf-8-sig")).splitlines()[0].lower()
    if "new_id" not in header and "new_email" not in header:
        raise CsvFormatError(f"{path}: the header needs new_id and/or new_email; it must be `cio_id,new_id,new_email`")
    return [
        IdentifierChange(line=line, cio_id=r["cio_id"], new_id=r["new_id"] or None, new_email=r["new_email"] or None)
        for line, r in rows
    ]


def check_change(change: IdentifierChange) -> str | None:
    """The local problem with a change (no workspace needed), or None. Used for inline validation in the TUI."""
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
    # the row may carry the cio_id raw or already prefixed (rows refused before normalising): prefix it once
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
    fine = [c.model_copy(update={"cio_id": Identifier.cio(c.cio_id).value}) for c in fine]
    fine, dup = _duplicates(fine)
    excluded += dup
    found = await client.get_people([Identifier.cio(c.cio_id) for c in fine]) if fine else []
    people: dict[str, Person] = {p.cio_id: p for p in found}
    id_holders = await holders_of_ids(client, (c.new_id for c in fine if c.new_id))
    email_holders = await holders_of_emails(client, (c.new_email for c in fine if c.new_email)) or {}
    operations = []
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
    return plan_build(
        PlanSource.FIX_IDENTIFIERS,
        f"change identifiers of {len(operations)} person(s)",
        operations,
        excluded,
        proposals,
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        created_at=created_at,
    )


__all__ = ["IdentifierChange", "check_change", "plan_identifier_fixes", "read_changes"]
