"""``segment verify``: after the switch, delivery per Actions mapping from Segment's delivery overview, plus the
Customer.io-side sampling of the Walkthrough's verify step (added by the caller: that layer sits above this one).

Checks: each enabled mapping of the Actions destination delivered without failures since ``since`` (failures or
nothing delivered at all while events arrived fail the check); the classic destination delivered nothing since the
switch (it would mean events are doubled); then the verify step's checks on people sampled in Customer.io.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from cio_tui.cutover.status import read_status
from cio_tui.segment_api.client import SegmentClient


def check_mark(passed: bool, pending: bool = False) -> str:
    """The word in front of a check, for the CLI, the Walkthrough and the report alike. A pending check had nothing
    to look at yet (no traffic since the switch): it neither passed nor failed."""
    return "PASS" if passed else "NOT YET" if pending else "FAIL"


class CheckLike(Protocol):
    """A check as ``verdict`` reads it (this module's results and the Walkthrough's stored ones)."""

    @property
    def passed(self) -> bool: ...

    @property
    def pending(self) -> bool: ...


def verdict(checks: Sequence[CheckLike]) -> str:
    """One line over the checks: what failed comes first; "not yet verifiable" is never called a failure."""
    failed = [c for c in checks if not c.passed and not c.pending]
    pending = [c for c in checks if c.pending]
    if failed:
        return f"{len(failed)} check(s) failed" + (f", {len(pending)} not yet verifiable" if pending else "") + "."
    if pending:
        return (
            f"Nothing failed; {len(pending)} check(s) not yet verifiable (no traffic since the switch yet): "
            "let events arrive, then verify again."
        )
    return "Every check passed."


@dataclass
class CheckResult:
    """One check: the same fields as the Walkthrough's verify checks, so both print and export alike."""

    key: str
    title: str
    passed: bool
    detail: str = ""
    examples: list[str] = field(default_factory=list)
    pending: bool = False  # nothing to check yet: not passed, and not a failure either

    @property
    def mark(self) -> str:
        return check_mark(self.passed, self.pending)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@dataclass
class MappingDelivery:
    destination_id: str
    subscription_id: str
    action_slug: str
    delivered: int
    failed: int


@dataclass
class CutoverVerifyResult:
    since: datetime
    until: datetime
    received: int
    mappings: list[MappingDelivery] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "received": self.received,
            "passed": self.passed,
            "mappings": [m.__dict__ for m in self.mappings],
            "checks": [c.__dict__ for c in self.checks],
        }

    def lines(self) -> list[str]:
        out = [f"Since {self.since.isoformat()}: {self.received} event(s) received by the source"]
        for m in self.mappings:
            out.append(f"  mapping {m.action_slug}: {m.delivered} delivered, {m.failed} failed")
        for c in self.checks:
            out.append(f"{c.mark} {c.title}: {c.detail}")
            out += [f"    {e}" for e in c.examples[:5]]
        out.append(verdict(self.checks))
        return out


async def verify_cutover(
    seg: SegmentClient,
    site_id: str,
    *,
    since: datetime | None = None,
    source_id: str | None = None,
    now: datetime | None = None,
) -> CutoverVerifyResult:
    """The Segment-side checks; the caller adds the Customer.io sampling (``walkthrough.verify``)."""
    now = now or datetime.now(UTC)
    since = since or now - timedelta(hours=1)
    start, end = _iso(since), _iso(now + timedelta(seconds=1))
    status = await read_status(seg, site_id, source_id=source_id)
    result = CutoverVerifyResult(since=since, until=now, received=0)
    actions = [a for a in status.actions() if a.destination.enabled]
    for src in {d.destination.source_id for d in status.destinations}:
        received = await seg.delivery_count(
            "successfully-received",
            source_id=src,
            destination_id=(actions[0].destination.id if actions else ""),
            start=start,
            end=end,
        )
        result.received += received.total
    bad: list[str] = []
    for a in actions:
        d = a.destination
        for s in [s for s in a.subscriptions if s.enabled]:
            kw = {"source_id": d.source_id, "destination_id": d.id, "start": start, "end": end, "subscription_id": s.id}
            ok = (await seg.delivery_count("successful-delivery", **kw)).total
            failed = (await seg.delivery_count("failed-delivery", **kw)).total
            result.mappings.append(MappingDelivery(d.id, s.id, s.action_slug, ok, failed))
            if failed:
                bad.append(f"{s.action_slug}: {failed} failed delivery(ies)")
    delivered = sum(m.delivered for m in result.mappings)
    result.checks.append(
        CheckResult(
            key="actions_delivery",
            title="Actions mappings deliver",
            passed=bool(actions) and not bad and delivered > 0,
            pending=bool(actions) and not bad and delivered == 0 and result.received == 0,
            detail=(
                "no enabled Actions destination feeds this workspace: the switch has not happened"
                if not actions
                else f"{len(bad)} mapping(s) with failures: see Segment's Delivery Overview for the reasons"
                if bad
                else "events arrived but no mapping delivered any: check the mappings' triggers"
                if delivered == 0 and result.received
                else "no event was received since the switch yet: nothing to verify until traffic arrives"
                if delivered == 0
                else f"{delivered} event(s) delivered, none failed"
            ),
            examples=bad,
        )
    )
    doubled = []
    for c in status.classic():
        if not c.destination.enabled:
            continue
        n = (
            await seg.delivery_count(
                "successful-delivery",
                source_id=c.destination.source_id,
                destination_id=c.destination.id,
                start=start,
                end=end,
            )
        ).total
        if n:
            doubled.append(f"classic {c.destination.id} delivered {n} event(s) since {since.isoformat()}")
    result.checks.append(
        CheckResult(
            key="classic_quiet",
            title="Classic no longer delivers",
            passed=not doubled,
            detail="the classic destination delivered nothing in the window"
            if not doubled
            else "the classic destination still delivers: events reach Customer.io twice unless its cut-over filter "
            "drops them",
            examples=doubled,
        )
    )
    return result


__all__ = ["CheckResult", "CutoverVerifyResult", "MappingDelivery", "check_mark", "verdict", "verify_cutover"]
