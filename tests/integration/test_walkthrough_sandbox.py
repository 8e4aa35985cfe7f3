"""The walkthrough against the embedded sandbox (in-process transport): audit, verify, connection check, clean-up."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from pydantic import SecretStr

from cio_tui.customerio.client import CustomerIOClient
from cio_tui.identity.plan import OpKind
from cio_tui.sandbox.embedded import (
    SANDBOX_APP_KEY,
    SANDBOX_ORIGIN,
    SANDBOX_SITE_ID,
    SANDBOX_TRACK_KEY,
    embedded_transport,
)
from cio_tui.walkthrough.audit import audit_export
from cio_tui.walkthrough.models import CutoverChoice
from cio_tui.walkthrough.service import WalkthroughService
from cio_tui.walkthrough.steps import step_by_key

T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
PEOPLE = 120


@pytest.fixture
async def workspace(tmp_path):
    transport = embedded_transport(tmp_path / "sandbox.db", people=PEOPLE, seed=11)
    client = CustomerIOClient(
        track_origin=SANDBOX_ORIGIN,
        app_origin=SANDBOX_ORIGIN,
        site_id=SANDBOX_SITE_ID,
        track_key=SecretStr(SANDBOX_TRACK_KEY),
        app_key=SecretStr(SANDBOX_APP_KEY),
        transport=transport,
        track_rps=1000,
        app_rps=1000,
    )
    yield SimpleNamespace(
        name="sandbox", fingerprint="us:sandbox", is_sandbox=True, region="us", data_dir=tmp_path / "ws", client=client
    )
    await client.aclose()


async def test_live_audit_matches_the_export_and_the_duplicates_engine(workspace) -> None:
    svc = WalkthroughService(workspace, now=lambda: T0)
    counts = await svc.audit()
    export = next((workspace.data_dir / "audit").glob("people-export-*.csv"))
    with export.open() as fh:
        rows = list(csv.DictReader(fh))
    assert counts.source == "live" and counts.people == len(rows) == PEOPLE
    assert counts.leads == sum(1 for r in rows if r["email"] and not r["id"]) > 0
    assert counts.email_as_id == sum(1 for r in rows if "@" in r["id"]) > 0
    assert counts.case_variant_ids > 0
    assert counts.duplicate_group_total > 0
    assert {r.rule for r in counts.duplicate_groups} >= {"lead_and_id_person", "case_variant_id"}
    assert counts.unsubscribed > 0  # counted with a search: the flag is not an export column
    again = audit_export(export, now=T0)
    assert (again.people, again.leads, again.duplicate_groups) == (counts.people, counts.leads, counts.duplicate_groups)


async def test_connection_check_and_verification_record_results(workspace) -> None:
    svc = WalkthroughService(workspace, now=lambda: T0)
    check = await svc.check_connection()
    assert check.ok and check.region == "us"
    before = await svc.verify(sample=15)  # no cut-over recorded: nothing can be verified, nothing passes
    assert before.sampled == 0 and not any(c.passed for c in before.checks)
    svc.record(step_by_key("cutover").number, cutover=CutoverChoice(cutover_at=datetime(2000, 1, 1, tzinfo=UTC)))
    result = await svc.verify(sample=15)
    assert result.sampled == 15
    assert [c.key for c in result.checks] == [
        "identifiers",
        "anonymous_id",
        "timestamps",
        "duplicates",
        "failed_attribute_change",
    ]
    state = svc.record(step_by_key("verify").number, verify=result)
    assert state.verify is not None and state.verify.sampled == 15
    assert svc.load().step(step_by_key("verify").number).status.value in ("in_progress", "done")


async def test_cleanup_plan_from_csv_resolves_sandbox_people(workspace, tmp_path) -> None:
    client = workspace.client
    page = await client.search({"attribute": {"field": "id", "operator": "exists"}}, limit=3)
    a, b = page.identifiers[0], page.identifiers[1]
    lead = next(
        r
        for r in (await client.search({"attribute": {"field": "email", "operator": "exists"}}, limit=200)).identifiers
        if r.email and not r.id
    )
    path = tmp_path / "gdpr.csv"
    path.write_text(f"identifier,action\n{a.id},suppress\ncio_{b.cio_id},delete\n{lead.email},delete\nghost-1,\n")
    result = await WalkthroughService(workspace, now=lambda: T0).cleanup(path, default_action="suppress")
    assert result.plan is not None and result.irreversible
    assert [(op.kind, op.subject.value) for op in result.plan.operations] == [
        (OpKind.SUPPRESS, a.cio_id),
        (OpKind.DELETE, b.cio_id),
        (OpKind.DELETE, lead.cio_id),
    ]
    assert [e.identifier for e in result.excluded] == ["ghost-1"]
    assert "suppression cannot be undone" in result.plan.description
