"""The verify step: after the switch, sample recent people and check what Actions is writing.

Read-only: App API search, bulk attributes, email lookups and activities. Checks: identifiers as expected, the new
``anonymous_id`` attribute, timestamps stored as numbers, no new duplicates since the cut-over, no bursts of
``failed_attribute_change`` activities.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier, normalize_email
from cio_tui.customerio.models import Person
from cio_tui.model.validation import looks_like_email
from cio_tui.walkthrough.models import CheckResult, VerifyResult
from cio_tui.walkthrough.steps import step_ref

if TYPE_CHECKING:
    from cio_tui.cutover.verify import CutoverVerifyResult
    from cio_tui.segment_api.client import SegmentClient

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


async def _recent_people(client: CioClient, *, scan: int, sample: int, since: datetime | None) -> list[Person]:
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


def _since_cutover(people: list[Person], since: datetime) -> list[Person]:
    return [p for p in people if (p.created_at or 0) >= since.timestamp()]


def _not_yet(key: str, title: str, why: str) -> CheckResult:
    """A check with nothing to look at: it does not pass (a check that cannot see Actions' writes proves nothing), and
    it is not a failure either: "not yet verifiable"."""
    return CheckResult(key=key, title=title, passed=False, pending=True, detail=why)


def _check_identifiers(people: list[Person], since: datetime) -> CheckResult:
    checked = _since_cutover(people, since)
    basis = f"created since the cut-over ({len(checked)})"
    if not checked:
        return _not_yet("identifiers", "Identifiers as expected", NO_NEW_PEOPLE)
    bad = [f"{_label(p)}: id is an email" for p in checked if p.id and looks_like_email(p.id)]
    bad += [f"{_label(p)}: email-only lead" for p in checked if p.is_lead]
    return CheckResult(
        key="identifiers",
        title="Identifiers as expected",
        passed=not bad,
        detail=(
            f"every person {basis} has a real id"
            if not bad
            else f"{len(bad)} of {len(checked)} people {basis} have an email as id or no id: check the userId the app "
            f"sends, and repair them in {step_ref('repair')}"
        ),
        examples=bad[:10],
    )


def _check_anonymous_id(people: list[Person], since: datetime) -> CheckResult:
    # Only people created since the cut-over: an anonymous_id on an older person may come from anywhere (an import,
    # the classic era, seeded data), so it is no evidence that Actions writes it.
    new = _since_cutover(people, since)
    if not new:
        return _not_yet("anonymous_id", "New anonymous_id attribute", NO_NEW_PEOPLE)
    having = [p for p in new if p.attributes.get("anonymous_id")]
    return CheckResult(
        key="anonymous_id",
        title="New anonymous_id attribute",
        passed=bool(having),
        detail=(
            f"{len(having)} of {len(new)} people created since the cut-over carry anonymous_id (as Actions writes it)"
            if having
            else f"none of the {len(new)} people created since the cut-over carries anonymous_id: Actions identify "
            "calls may not be arriving yet, or the Create or Update Person mapping lacks anonymous_id"
        ),
        examples=[_label(p) for p in having[:5]],
    )


def _check_timestamps(people: list[Person]) -> CheckResult:
    """``people``: those created since the cut-over (older dates as text may predate Actions)."""
    if not people:
        return _not_yet("timestamps", "Timestamps stored as numbers", NO_NEW_PEOPLE)
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
            f"no attribute of the {len(people)} people created since the cut-over holds a date as text"
            if not found
            else "dates stored as text (segment conditions compare them as text): "
            + ", ".join(f"{k} ({n})" for k, n in found.most_common(5))
        ),
        examples=examples,
    )


async def _check_duplicates(client: CioClient, people: list[Person], since: datetime) -> CheckResult:
    new = _since_cutover(people, since)
    if not new:
        return _not_yet("duplicates", "No new duplicates since the cut-over", NO_NEW_PEOPLE)
    dups: list[str] = []
    seen: set[str] = set()
    for p in new:
        if not p.email or normalize_email(p.email) in seen:
            continue
        seen.add(normalize_email(p.email))
        matches = await client.customers_by_email(p.email)
        if len({m.cio_id for m in matches}) > 1:
            dups.append(f"{p.email}: {len(matches)} people (" + ", ".join(f"cio_{m.cio_id}" for m in matches) + ")")
    when = f"since {since.isoformat()}"
    return CheckResult(
        key="duplicates",
        title="No new duplicates since the cut-over",
        passed=not dups,
        detail=(
            f"{len(new)} people created {when}; none shares an email with another person"
            if not dups
            else f"{len(dups)} email(s) of people created {when} belong to several people: run Duplicates again"
        ),
        examples=dups[:10],
    )


async def _check_failures(client: CioClient, people: list[Person], since: datetime, burst: int) -> CheckResult:
    total = 0
    examples: list[str] = []
    for p in people:
        acts = await client.activities(Identifier.cio(p.cio_id), activity_type="failed_attribute_change", limit=50)
        recent = [a for a in acts if a.timestamp >= since.timestamp()]
        if recent:
            total += len(recent)
            examples.append(f"{_label(p)}: {len(recent)} failed attribute change(s)")
    return CheckResult(
        key="failed_attribute_change",
        title="No failed_attribute_change bursts",
        passed=total < burst,
        detail=(
            f"{total} failed attribute change(s) on sampled people since the cut-over"
            + (
                ""
                if total < burst
                else ": an identifier the app sends already belongs to another person; "
                "look at the examples in People, then merge or fix identifiers"
            )
        ),
        examples=examples[:10],
    )


async def verify_workspace(
    client: CioClient,
    *,
    now: datetime,
    since: datetime | None,
    sample: int = 20,
    scan: int = 500,
    burst: int = 3,
) -> VerifyResult:
    """Run every check on a sample of the most recently created people (created after ``since`` first).

    Before the cut-over (no time recorded, or a time still to come) nothing Actions wrote can be seen: every check
    says so and none passes. After it, the checks about new people look only at people created since then."""
    if since is None or since > now:
        why = (
            f"no cut-over time is recorded ({step_ref('cutover')}): record when Segment was switched, then verify"
            if since is None
            else f"the cut-over is planned for {since:%Y-%m-%d %H:%M} UTC and has not happened yet: verify after it"
        )
        return VerifyResult(ran_at=now, since=since, sampled=0, checks=[_not_yet(k, t, why) for k, t in TITLES])
    people = await _recent_people(client, scan=scan, sample=sample, since=since)
    checks = [
        _check_identifiers(people, since),
        _check_anonymous_id(people, since),
        _check_timestamps(_since_cutover(people, since)),
        await _check_duplicates(client, people, since),
        await _check_failures(client, people, since, burst),
    ]
    return VerifyResult(ran_at=now, since=since, sampled=len(people), checks=checks)


NO_NEW_PEOPLE = (
    "no sampled person was created since the cut-over yet, so nothing shows what Actions writes: let traffic "
    "arrive, then verify again"
)
TITLES = (
    ("identifiers", "Identifiers as expected"),
    ("anonymous_id", "New anonymous_id attribute"),
    ("timestamps", "Timestamps stored as numbers"),
    ("duplicates", "No new duplicates since the cut-over"),
    ("failed_attribute_change", "No failed_attribute_change bursts"),
)


async def verify_switch(
    seg: SegmentClient,
    client: CioClient,
    site_id: str,
    *,
    since: datetime | None,
    now: datetime,
    sample: int = 20,
    scan: int = 500,
    source_id: str | None = None,
) -> CutoverVerifyResult:
    """The switch verified from both ends as one result: Segment's side (``cutover.verify``), then the sample of
    Customer.io people created since the cut-over, in the same check shape (``segment verify`` and the
    Walkthrough's verify step alike)."""
    from cio_tui.cutover.verify import CheckResult as SwitchCheck
    from cio_tui.cutover.verify import verify_cutover

    result = await verify_cutover(seg, site_id, since=since, source_id=source_id, now=now)
    people = await verify_workspace(client, now=now, since=result.since, sample=sample, scan=scan)
    result.checks.extend(
        SwitchCheck(
            key=c.key, title=c.title, passed=c.passed, detail=c.detail, examples=list(c.examples), pending=c.pending
        )
        for c in people.checks
    )
    return result
