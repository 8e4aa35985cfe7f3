"""Which Prepare Actions checklist items an applied Segment plan carried out itself (region, credentials, filter
copies, the mappings it created), so that the prepare step does not ask the operator to tick them again.

Only operations the journal says succeeded count: a plan that was shown, or applied only in part, ticks nothing it did
not do. The decisions (whether to keep a preset that does something classic never did, which to disable) stay the
operator's: the plan cannot know them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cio_tui.cutover.plan import SegmentOperation, SegmentPlan
from cio_tui.cutover.planner import CUTOVER_TITLE
from cio_tui.identity.journal_records import OpState
from cio_tui.segment_api.models import region_value
from cio_tui.walkthrough.checklist import NEW_BEHAVIOUR, ChecklistItem


def _region(op: SegmentOperation) -> object:
    body = op.request.body if isinstance(op.request.body, dict) else {}
    settings = body.get("settings")
    return settings.get("accountRegion") if isinstance(settings, dict) else None


def _slug(op: SegmentOperation) -> str:
    """The action slug of a mapping the plan creates (its summary ends with ``(slug)``)."""
    return op.summary.rsplit("(", 1)[-1].rstrip(")") if op.summary.endswith(")") else ""


def done_by_plan(
    plan: SegmentPlan,
    states: Mapping[str, OpState],
    items: Sequence[ChecklistItem],
    *,
    classic_datacenter: str | None,
) -> set[str]:
    """The keys of ``items`` that ``plan``'s succeeded operations (``states``: the journal's) carried out."""
    ok = [op for op in plan.operations if states.get(op.op_id, OpState.PENDING).succeeded]
    created = next((op for op in ok if op.kind == "create_destination"), None)
    done: set[str] = set()
    if created is not None:
        done.add("setup:credentials")  # the classic destination's site id and API key went into its settings
        if _region(created) == region_value(classic_datacenter):  # the region the checklist names, not another
            done.add("setup:region")
    copies = [
        op
        for op in plan.operations
        if op.kind == "create_filter" and not str(op.find.match.get("title", "")).startswith(CUTOVER_TITLE)
    ]
    # every classic filter the plan had to copy is copied (none to copy counts once the plan made the destination)
    if (copies or created is not None) and all(states.get(op.op_id, OpState.PENDING).succeeded for op in copies):
        done.add("setup:filters")
    for op in ok:
        slug = _slug(op) if op.kind == "create_subscription" else ""
        if slug and slug not in NEW_BEHAVIOUR:  # "Keep the X preset": its mapping now exists
            done.add(f"preset:{slug}")
    return {item.key for item in items if item.key in done}


__all__ = ["done_by_plan"]
