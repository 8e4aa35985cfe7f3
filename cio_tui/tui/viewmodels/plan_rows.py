"""Turn plan operations into table rows: who, what changes (old -> new) and what is lost, in words.

Pure functions over ``identity.plan`` models (no Textual), so they are unit-tested without an app.
"""

from __future__ import annotations

from cio_tui.identity.plan import Operation, OpKind, PersonState, Plan
from cio_tui.identity.plan_kinds import KINDS
from cio_tui.tui.viewmodels.plan_states import PlanRow, state_words


def _show(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _label(state: PersonState | None, cio_id: str) -> str:
    if state is None:
        return f"cio_{cio_id}"
    name = state.fields.get("id") or state.fields.get("email")
    return f"cio_{cio_id} ({name})" if name else f"cio_{cio_id}"


def person_text(op: Operation) -> str:
    before = {s.cio_id: s for s in op.preconditions}
    if op.kind is OpKind.MERGE and op.secondary is not None:
        p, s = op.subject.value, op.secondary.value
        return f"{_label(before.get(s), s)} into {_label(before.get(p), p)}"
    if op.preconditions:
        first = op.preconditions[0]
        return _label(first, first.cio_id)
    return op.subject.describe()


def change_text(op: Operation) -> str:
    """``field: old -> new`` for every checked field that differs between precondition and target."""
    before = {s.cio_id: s for s in op.preconditions}
    parts: list[str] = []
    for target in op.target:
        pre = before.get(target.cio_id)
        if not target.exists:
            parts.append(f"cio_{target.cio_id}: exists -> gone")
            continue
        for name, new in target.fields.items():
            old = pre.fields.get(name) if pre is not None else None
            if old != new:
                parts.append(f"{name}: {_show(old)} -> {_show(new)}")
        for name, new in target.attributes.items():
            parts.append(f"{name} -> {new}")
    if not parts:
        if op.kind is OpKind.UNSUPPRESS:
            return f"{op.subject.describe()}: suppressed -> free"
        return op.summary
    return "; ".join(parts)


def loses_text(op: Operation) -> str:
    """A short name of what is lost, for the table (``IRREVERSIBLE`` first when its kind cannot be undone)."""
    if not op.loses:
        return "nothing"
    if KINDS[op.kind].irreversible:
        return "IRREVERSIBLE"
    names = [name for loss in op.loses for name in loss.values] or ["values"]
    return "old " + ", ".join(dict.fromkeys(names))


def row_for(op: Operation, number: int, state: str = "planned", detail: str = "") -> PlanRow:
    return PlanRow(
        key=op.op_id,
        number=number,
        kind=KINDS[op.kind].words,
        person=person_text(op),
        change=change_text(op),
        loses=loses_text(op),
        state=state,
        detail=detail,
    )


def rows_from_plan(plan: Plan, states: dict[str, tuple[str, str]] | None = None) -> list[PlanRow]:
    """Rows in plan order; ``states`` maps op_id -> (state, detail) (e.g. from the journal when resuming)."""
    states = states or {}
    return [row_for(op, i, *states.get(op.op_id, ("planned", ""))) for i, op in enumerate(plan.operations, start=1)]


def irreversible_lines(plan: Plan) -> list[str]:
    """What cannot be undone, one line per irreversible kind, with counts (for the confirmation modal)."""
    counts: dict[OpKind, int] = {}
    for op in plan.operations:
        if KINDS[op.kind].irreversible:
            counts[op.kind] = counts.get(op.kind, 0) + 1
    words = {
        OpKind.MERGE: "merge(s): each secondary person is deleted and folded into its primary",
        OpKind.DELETE: "delete(s): the person and all their data are removed",
        OpKind.SUPPRESS: "suppress(ions): the profile is deleted and its identifiers blocked",
    }
    return [f"{n} {words[kind]}" for kind, n in counts.items()]


# What the before/after lines may claim depends on how far the operation got: an unapplied plan has checked nothing.
_CHECKED = {"checked", "sent", "uncertain", "done", "reconciled", "failed"}
_VERIFIED = {"done", "reconciled"}


def _labels(state: str) -> tuple[str, str]:
    if state == "skipped_stale":
        before = "Expected before (did not match when checked; skipped)"
    elif state in _CHECKED:
        before = "Before (checked just before sending)"
    else:
        before = "Expected before (checked again just before sending)"
    verified = state in _VERIFIED
    after = "After (verified by reading back)" if verified else "Expected after (verified by reading back once sent)"
    return before, after


def operation_detail(op: Operation, state: str = "planned", detail: str = "") -> str:
    """Everything about one operation, for the detail pane: request, preconditions, target and losses in full."""
    lines = [f"{op.op_id}: {op.summary}", f"Request: {op.request.line()}"]
    before_label, after_label = _labels(state)
    for pre in op.preconditions:
        fields = ", ".join(f"{k}={_show(v)}" for k, v in pre.fields.items()) or "exists"
        lines.append(f"{before_label}: cio_{pre.cio_id} {fields}")
    for target in op.target:
        if not target.exists:
            lines.append(f"{after_label}: cio_{target.cio_id} no longer exists")
            continue
        fields = ", ".join(f"{k}={_show(v)}" for k, v in {**target.fields, **target.attributes}.items())
        lines.append(f"{after_label}: cio_{target.cio_id} {fields or 'exists'}")
    for loss in op.loses:
        values = ", ".join(f"{k}={_show(v)}" for k, v in loss.values.items())
        lines.append(f"Loses: {loss.text}" + (f" ({values})" if values else ""))
    if not op.loses:
        lines.append("Loses: nothing")
    if KINDS[op.kind].irreversible:
        lines.append("IRREVERSIBLE: Customer.io cannot undo this; the journal keeps the before-snapshot.")
    lines.append(f"State: {state_words(state, detail)}")
    return "\n".join(lines)
