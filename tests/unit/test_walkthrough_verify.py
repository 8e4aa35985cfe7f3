"""Step 8 checks on a tiny fake workspace: identifiers, anonymous_id, date strings, new duplicates, failures."""

from __future__ import annotations

from datetime import UTC, datetime

from cio_tui.customerio.models import Activity, Person, PersonRef, SearchPage
from cio_tui.walkthrough.steps import step_ref
from cio_tui.walkthrough.verify import verify_workspace

CUT = datetime(2026, 11, 1, tzinfo=UTC)
AFTER, BEFORE = str(int(CUT.timestamp()) + 60), str(int(CUT.timestamp()) - 60)


class FakeClient:
    def __init__(self) -> None:
        self.people = [
            Person(
                cio_id="a1",
                id="u1",
                email="a@x.co",
                attributes={"created_at": AFTER, "anonymous_id": "an1", "signup": "2026-11-02T10:00:00Z"},
            ),
            Person(cio_id="a2", id="b@x.co", email="b@x.co", attributes={"created_at": AFTER}),
            Person(cio_id="a3", id=None, email="old@x.co", attributes={"created_at": BEFORE}),
        ]

    async def iter_search(self, audience, *, limit=1000):
        for p in self.people:
            yield p.ref

    async def search(self, audience, *, start=None, limit=1000):  # pragma: no cover - not used
        return SearchPage(identifiers=[p.ref for p in self.people])

    async def get_people(self, who):
        wanted = {w.value for w in who}
        return [p for p in self.people if p.cio_id in wanted]

    async def customers_by_email(self, email):
        refs = [p.ref for p in self.people if p.email == email]
        return refs + ([PersonRef(cio_id="z9", email=email)] if email == "a@x.co" else [])

    async def activities(self, who, *, activity_type=None, limit=50):
        if who.value != "a1":
            return []
        at = int(CUT.timestamp())
        return [Activity(id=str(i), type="failed_attribute_change", timestamp=at + i) for i in range(1, 4)]


async def test_checks_report_what_actions_wrote_since_the_cut_over() -> None:
    result = await verify_workspace(FakeClient(), now=CUT, since=CUT, sample=10)
    checks = {c.key: c for c in result.checks}
    assert result.sampled == 3 and not result.passed
    assert not checks["identifiers"].passed and checks["identifiers"].examples == ["b@x.co: id is an email"]
    assert checks["anonymous_id"].passed and checks["anonymous_id"].examples == ["u1"]
    assert not checks["timestamps"].passed and checks["timestamps"].examples == ["u1: signup = 2026-11-02T10:00:00Z"]
    assert not checks["duplicates"].passed and "cio_z9" in checks["duplicates"].examples[0]
    assert not checks["failed_attribute_change"].passed
    assert checks["failed_attribute_change"].examples == ["u1: 3 failed attribute change(s)"]
    assert [c.key for c in result.failed] == ["identifiers", "timestamps", "duplicates", "failed_attribute_change"]


async def test_before_the_cut_over_nothing_passes() -> None:
    # once, every check passed 5/5 the day before the cut-over, on classic data alone
    early = await verify_workspace(FakeClient(), now=CUT.replace(day=1, hour=0), since=CUT.replace(hour=12))
    assert [c.passed for c in early.checks] == [False] * 5 and not early.passed and early.sampled == 0
    assert "has not happened yet: verify after it" in early.checks[0].detail
    unset = await verify_workspace(FakeClient(), now=CUT, since=None)
    assert not unset.passed and f"no cut-over time is recorded ({step_ref('cutover')})" in unset.checks[1].detail


async def test_anonymous_id_on_people_from_before_the_cut_over_is_no_evidence() -> None:
    client = FakeClient()
    client.people = [
        Person(cio_id="s1", id="seed1", email="s1@x.co", attributes={"created_at": BEFORE, "anonymous_id": "seeded"}),
        Person(cio_id="n1", id="new1", email="n1@x.co", attributes={"created_at": AFTER}),
    ]
    result = await verify_workspace(client, now=CUT, since=CUT, sample=10)
    anon = {c.key: c for c in result.checks}["anonymous_id"]
    assert not anon.passed and anon.examples == []
    assert "none of the 1 people created since the cut-over carries anonymous_id" in anon.detail


async def test_no_person_created_since_the_cut_over_is_not_a_pass() -> None:
    client = FakeClient()
    client.people = [Person(cio_id="s1", id="seed1", email="s1@x.co", attributes={"created_at": BEFORE})]
    result = await verify_workspace(client, now=CUT, since=CUT, sample=10)
    checks = {c.key: c for c in result.checks}
    for key in ("identifiers", "anonymous_id", "timestamps", "duplicates"):
        assert not checks[key].passed and "no sampled person was created since the cut-over" in checks[key].detail


async def test_no_traffic_since_the_cut_over_is_not_yet_verifiable_not_a_high_risk() -> None:
    from cio_tui.cutover.verify import verdict
    from cio_tui.walkthrough import WalkthroughState
    from cio_tui.walkthrough.models import CutoverChoice
    from cio_tui.walkthrough.risks import open_risks

    client = FakeClient()
    client.people = [Person(cio_id="s1", id="seed1", email="s1@x.co", attributes={"created_at": BEFORE})]
    result = await verify_workspace(client, now=CUT, since=CUT, sample=10)
    checks = {c.key: c for c in result.checks}
    assert {k for k, c in checks.items() if c.pending} == {"identifiers", "anonymous_id", "timestamps", "duplicates"}
    assert checks["identifiers"].mark == "NOT YET" and checks["failed_attribute_change"].mark == "PASS"
    assert result.failed == [] and not result.passed  # nothing failed, nothing proven either
    assert verdict(result.checks).startswith("Nothing failed; 4 check(s) not yet verifiable")
    state = WalkthroughState(cutover=CutoverChoice(method="one_step", cutover_at=CUT), verify=result)
    risks = [r for r in open_risks(state) if "erification" in r.text]
    assert [str(r.severity) for r in risks] == ["medium"], risks
    assert "Verification not yet possible: 4 check(s) wait for traffic" in risks[0].text
