"""The review of a Segment plan, as the operator reads it before typing the workspace name: every operation with
what it changes, the exact request, what it expects, and the preview's findings beside each mapping."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from cio_tui.cutover.plan import REF, Expect, SegmentOperation, SegmentPlan


def _body_text(body: object) -> str:
    def show(value: object) -> object:
        if isinstance(value, dict):
            if "$secret" in value:
                return "<the classic destination's API key, read when applying>"
            return {k: show(v) for k, v in value.items()}
        if isinstance(value, list):
            return [show(v) for v in value]
        return value

    return json.dumps(show(body), ensure_ascii=False, sort_keys=True)


def request_line(op: SegmentOperation) -> str:
    path = REF.sub(lambda m: f"<id created by {m.group(1)}>", op.request.path)
    body = "" if op.request.body is None else " " + _body_text(op.request.body)
    return f"{op.request.method} {path}{body}"


def _expect_line(e: Expect) -> str | None:
    parts = [
        p
        for p in (
            None if e.enabled is None else ("enabled" if e.enabled else "disabled"),
            "settings unchanged" if e.settings_digest else None,
            f"its {len(e.filters)} filter(s) unchanged" if e.filters else None,
        )
        if p
    ]
    return f"the {e.label} {', '.join(parts)}" if parts else None


def review_lines(plan: SegmentPlan, states: Mapping[str, Any] | None = None, *, requests: bool = True) -> list[str]:
    """The review; ``requests=False`` leaves the raw requests out (the TUI's compact form)."""
    when = f" at {plan.cutover_at.isoformat()}" if plan.cutover_at else ""
    lines = [
        f"Segment plan {plan.plan_id} ({plan.source}, {plan.method}{when}) for workspace "
        f"'{plan.workspace_name}', source {plan.segment_source_id}, made {plan.created_at.isoformat()}"
    ]
    lines += plan.summary_lines()
    expects = {op.op_id: tuple(x for x in (_expect_line(e) for e in op.expect) if x) for op in plan.operations}
    common = Counter(v for v in expects.values() if v).most_common(1)
    shared = common[0][0] if common else ()
    if shared:
        lines.append(
            "Before each operation, cio-tui checks "
            + "; ".join(shared)
            + " (a change since planning refuses the plan; the exceptions are listed)"
        )
    if states:
        done = sum(1 for s in states.values() if getattr(s, "succeeded", False))
        lines.append(f"resuming: {done} already done; the others are checked by reading before anything is sent")
    for op in plan.operations:
        state = states.get(op.op_id) if states else None
        mark = f" [{state}]" if state is not None else ""
        lines.append(f"  {op.op_id} {op.summary}{mark}")
        lines += [f"      changes: {c}" for c in op.changes]
        if requests:
            lines.append(f"      {request_line(op)}")
        if expects[op.op_id] != shared:
            lines += [f"      expects: {x}" for x in expects[op.op_id]] or ["      expects: nothing (no check)"]
        lines += [f"      finding: {n}" for n in op.notes]
    return lines


def switch_lines(plan: SegmentPlan) -> list[str]:
    """What the plan does to the flow of events, in a few words: read first in the confirmation, above the list of
    operations (which can be long when the Actions destination and its mappings are created in the same plan)."""
    flips = [op.summary for op in plan.operations if op.kind == "update_destination"]
    filters = [op.summary for op in plan.operations if op.kind in ("create_filter", "remove_filter")]
    creates = sum(1 for op in plan.operations if op.kind.startswith("create_") and op.kind != "create_filter")
    cut = [op for op in filters if "cut-over filter" in op]
    if plan.method == "prepare":
        head = "Prepare only: nothing is switched (classic keeps sending; Actions stays disabled)."
    elif plan.method == "rollback":
        head = "Roll back: classic sends again, Actions stops, the cut-over filters are removed."
    elif plan.method == "filters":
        when = plan.cutover_at.isoformat() if plan.cutover_at else "the cut-over time"
        head = f"The switch: by filters at {when} (classic drops events from then on, Actions drops those before)."
    else:
        head = "The switch: classic OFF, then Actions ON (one step)."
    lines = [head]
    lines += [f"  - {s}" for s in flips + cut]
    if creates:
        lines.append(f"Also: {creates} object(s) created first (destination, mappings); all listed below.")
    return lines


__all__ = ["request_line", "review_lines", "switch_lines"]
