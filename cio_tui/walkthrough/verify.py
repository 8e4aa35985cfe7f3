"""Step 8: after the switch, sample recent people and check what Actions is writing.

Read-only: App API search, bulk attributes, email lookups and activities. Checks: identifiers as expected, the new
``anonymous_id`` attribute, timestamps stored as numbers, no new duplicates since the cut-over, no bursts of
``failed_attribute_change`` activities.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from cio_tui.customerio.identifiers import Identifier, looks_like_email, normalize_email
from cio_tui.customerio.models import Person
from cio_tui.walkthrough.models import CheckResult, VerifyResult

EVERYONE = {
    "or": [
        {"attribute": {"field": "id", "operator": "exists"}},
        {"attribute": {"field": "email", "operator": "exists"}},
    ]
}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
IGNORED_ATTRIBUTES = {"id", "email", "cio_id", "anonymous_id"}


def _label(p: Person) -> str:
    return p.id or p.email or f"cio_{p.cio_id}"


async def _recent_people(client: Any, *, scan: int, sample: int, since: datetime | None) -> list[Person]:
    refs = []
    async for ref in client.iter_search(EVERYONE, limit=min(scan, 1000)):
        refs.append(ref)
        if len(refs) >= scan:
            break
    people: list[Person] = []
    for start in range(0, len(refs), 100):
        chunk = [Identifier.cio(r.cio_id) for r in refs[start : start + 100]]
        people.extend(await client.get_people(chunk))
    people.sort(key=lambda p: p.created_at or 0, reverse=True)
    if since is not None:
        after = [p for p in people if (p.created_at or 0) >= since.timestamp()]
        people = after + [p for p in people if p not in after]
    return people[:sample]


def _check_identifiers(people: list[Person], since: datetime | None) -> CheckResult:
    new = [p for p in people if since is not None and (p.created_at or 0) >= since.timestamp()]
    basis = f"created since the cut-over ({len(new)})" if new else "sampled (none created since the cut-over yet)"
    checked = new or people
    if since is None:
        basis = "sampled"
    bad = [f"{_label(p)}: id is an email" for p in checked if p.id and looks_like_email(p.id)]
    bad += [f"{_label(p)}: email-only lead" for p in checked if p.is_lead]
    return CheckResult(
        key="identifiers",
        title="Identifiers as expected",
        passed=not bad,
        detail=(
            f"every person {basis} has a real id" if not bad else
            f"{len(bad)} of {len(checked)} people {basis} have an email as id or no id: check the userId the app "
            "sends, and repair them in step 5"
        ),
        examples=bad[:10],
    )


def _check_anonymous_id(people: list[Person]) -> CheckResult:
    having = [p for p in people if p.attributes.get("anonymous_id")]
    return CheckResult(
        key="anonymous_id",
        title="New anonymous_id attribute",
        passed=bool(having),
        detail=(
            f"{len(having)} of {len(people)} sampled people carry anonymous_id (written by Actions)" if having else
            "no sampled person carries anonymous_id: Actions identify calls may not be arriving yet, or the "
            "Create or Update Person mapping lacks anonymous_id"
        ),
        examples=[_label(p) for p in having[:5]],
    )


def _check_timestamps(people: list[Person]) -> CheckResult:
    found: Counter[str] = Counter()
    examples: list[str] = []
    for p in people:
        for name, value in p.attributes.items():
            if name not in IGNORED_ATTRIBUTES and isinstance(value, str) and ISO_DATE.match(value.strip()):
                found[name] += 1
                if len(examples) < 10:
                    examples.append(f"{_label(p)}: {name} = {value}")
    return CheckResult(
        key="timestamps",
        title="Timestamps stored as numbers",
        passed=not found,
        detail=(
            "no sampled attribute holds a date as text" if not found else
            "dates stored as text (segment conditions compare them as text): "
            + ", ".join(f"{k} ({n})" for k, n in found.most_common(5))
        ),
        examples=examples,
    )


async def _check_duplicates(client: Any, people: list[Person], since: datetime | None) -> CheckResult:
    new = [p for p in people if since is None or (p.created_at or 0) >= since.timestamp()]
    dups: list[str] = []
    seen: set[str] = set()
    for p in new:
        if not p.email or normalize_email(p.email) in seen:
            continue
        seen.add(normalize_email(p.email))
        matches = await client.customers_by_email(p.email)
        if len({m.cio_id for m in matches}) > 1:
            dups.append(f"{p.email}: {len(matches)} people (" + ", ".join(f"cio_{m.cio_id}" for m in matches) + ")")
    when = f"since {since.isoformat()}" if since else "in the sample"
    return CheckResult(
        key="duplicates",
        title="No new duplicates since the cut-over",
        passed=not dups,
        detail=(
            f"{len(new)} people created {when}; none shares an email with another person" if not dups else
            f"{len(dups)} email(s) of people created {when} belong to several people: run Duplicates again"
        ),
        examples=dups[:10],
    )


async def _check_failures(
    client: Any, people: list[Person], since: datetime | None, burst: int
) -> CheckResult:
    total = 0
    examples: list[str] = []
    for p in people:
        acts = await client.activities(Identifier.cio(p.cio_id), activity_type="failed_attribute_change", limit=50)
        recent = [a for a in acts if since is None or a.timestamp >= since.timestamp()]
        if recent:
            total += len(recent)
            examples.append(f"{_label(p)}: {len(recent)} failed attribute change(s)")
    return CheckResult(
        key="failed_attribute_change",
        title="No failed_attribute_change bursts",
        passed=total < burst,
        detail=(
            f"{total} failed attribute change(s) on sampled people"
            + (" since the cut-over" if since else "")
            + ("" if total < burst else ": an identifier the app sends already belongs to another person; "
               "look at the examples in People, then merge or fix identifiers")
        ),
        examples=examples[:10],
    )


async def verify_workspace(
    client: Any,
    *,
    now: datetime,
    since: datetime | None,
    sample: int = 20,
    scan: int = 500,
    burst: int = 3,
) -> VerifyResult:
    """Run every check on a sample of the most recently created people (created after ``since`` first)."""
    people = await _recent_people(client, scan=scan, sample=sample, since=since)
    checks = [
        _check_identifiers(people, since),
        _check_anonymous_id(people),
        _check_timestamps(people),
        await _check_duplicates(client, people, since),
        await _check_failures(client, people, since, burst),
    ]
    return VerifyResult(ran_at=now, since=since, sampled=len(people), checks=checks)
