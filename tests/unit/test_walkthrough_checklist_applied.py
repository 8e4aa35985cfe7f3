"""The prepare checklist's items an applied Segment plan carried out: only the operations the journal says succeeded."""

from __future__ import annotations

from cio_tui.cutover.plan import Find, SegmentOperation, SegmentPlan
from cio_tui.identity.journal_records import OpState
from cio_tui.identity.plan_kinds import PlannedRequest
from cio_tui.walkthrough import WalkthroughState
from cio_tui.walkthrough.calls import PreviewedCall
from cio_tui.walkthrough.checklist import build_checklist
from cio_tui.walkthrough.checklist_applied import done_by_plan
from cio_tui.walkthrough.models import ClassicSettings


def _op(n: int, kind: str, summary: str, body: dict | None = None, title: str = "") -> SegmentOperation:
    obj = {"create_destination": "destination", "create_subscription": "subscription"}.get(kind, "filter")
    return SegmentOperation(
        op_id=f"op-{n:05d}",
        kind=kind,
        summary=summary,
        request=PlannedRequest(api="segment", method="POST", path="/x", body=body),
        find=Find(object=obj, match={"title": title} if title else {}),
    )


def _plan(region: str = "US 🇺🇸") -> SegmentPlan:
    ops = [
        _op(1, "create_destination", "create the Actions destination", {"settings": {"accountRegion": region}}),
        _op(2, "create_subscription", "create the mapping 'Track Event' (trackEvent)"),
        _op(3, "create_subscription", "create the mapping 'Merge People' (mergePeople)"),
        _op(4, "create_filter", "copy the filter 'drop tests'", title="drop tests"),
    ]
    return SegmentPlan.create(
        operations=ops,
        workspace_fingerprint="fp",
        workspace_name="ws",
        source="segment-cutover",
        segment_source_id="src",
        classic_destination_id="dst",
        method="prepare",
    )


def _items(datacenter: str = "us"):
    call = PreviewedCall.from_result(
        {
            "input": {"type": "track", "userId": "u1", "event": "Signed Up"},
            "classic": {"requests": [], "notes": []},
            "actions": {
                "requests": [
                    {"action": a, "method": "POST", "path": "/p", "body": {}} for a in ("trackEvent", "mergePeople")
                ],
                "errors": [],
            },
            "diff": [],
            "warnings": [],
            "outcome": None,
        },
        set_name="web",
    )
    state = WalkthroughState(classic=ClassicSettings(datacenter=datacenter))
    return build_checklist([call], state)


def test_every_operation_done_ticks_setup_and_kept_presets_not_the_decisions():
    states = {f"op-{n:05d}": OpState.DONE for n in range(1, 5)}
    done = done_by_plan(_plan(), states, _items(), classic_datacenter="us")
    assert done == {"setup:region", "setup:credentials", "setup:filters", "preset:trackEvent"}


def test_only_what_the_journal_says_succeeded_counts():
    assert done_by_plan(_plan(), {}, _items(), classic_datacenter="us") == set()  # planned, never applied
    states = {"op-00001": OpState.DONE, "op-00002": OpState.FAILED, "op-00004": OpState.UNCERTAIN}
    assert done_by_plan(_plan(), states, _items(), classic_datacenter="us") == {"setup:region", "setup:credentials"}


def test_a_region_other_than_the_recorded_one_is_not_ticked():
    states = {f"op-{n:05d}": OpState.DONE for n in range(1, 5)}
    assert "setup:region" not in done_by_plan(_plan(), states, _items("eu"), classic_datacenter="eu")
