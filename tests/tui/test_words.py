"""Words the operator reads that once said something untrue (each test fails on the old wording)."""

from __future__ import annotations

from datetime import UTC, datetime

from cio_tui.tui.widgets.walkthrough_audit import audit_text
from cio_tui.walkthrough.models import AuditCounts

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_live_audit_does_not_blame_an_export_column_for_suppressions() -> None:
    live, _ = audit_text(AuditCounts(source="live", taken_at=NOW, people=10))
    assert "column" not in live and "export;" not in live
    assert "Suppressed: not counted: Customer.io deletes the profile of a suppressed person" in live
    export, _ = audit_text(AuditCounts(source="export", source_detail="p.csv", taken_at=NOW, people=10))
    assert "this export has no suppressed column" in export
    counted, _ = audit_text(AuditCounts(source="export", taken_at=NOW, people=10, suppressed=2))
    assert "not counted" not in counted


def test_env_profile_confirmation_asks_for_the_site_id() -> None:
    from pathlib import Path

    from cio_tui.config import Profile
    from cio_tui.customerio.models import PersonRef
    from cio_tui.identity import operations as ops
    from cio_tui.identity.plan import Plan
    from cio_tui.tui.viewmodels.plan_confirm import apply_request
    from cio_tui.workspace import Workspace

    def ws(name: str) -> Workspace:
        profile = Profile(name=name, region="us", site_id="site-123abc")
        return Workspace(name=name, region="us", is_sandbox=False, profile=profile, connect=lambda: (None, None),  # type: ignore[arg-type]
                         fingerprint="us:f", data_dir=Path("."))  # fmt: skip

    plan = Plan.create(workspace_fingerprint="us:f", workspace_name="env", source="manual",
                       operations=[ops.assign_id(PersonRef(cio_id="a1", email="a@x.io"), "u1")])  # fmt: skip
    req = apply_request(plan, ws("env"), {})
    assert req.word == "site-123abc" and req.confirm_label == "site id"
    named = apply_request(plan, ws("prod"), {})
    assert named.word == "prod" and named.confirm_label == "workspace name"
