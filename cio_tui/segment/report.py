"""Plain-text renderings of preview results, shared by the CLI report and the TUI panes.

Differences are marked in text, never by colour alone: each JSON line starts with a marker column
(``+`` only this side sends it, ``-`` only the other side does, ``~`` both send it with different values).
"""

from __future__ import annotations

import json
from typing import Any, cast

from cio_tui.segment.batching import Batch
from cio_tui.segment.diff import DiffEntry
from cio_tui.segment.preview import PreviewResult
from cio_tui.segment.subscriptions import SubscriptionSet
from cio_tui.segment.wire import ActionError

MARKS = {"added": "+", "removed": "-", "changed": "~"}
LEGEND = "+ only Actions sends it   - only classic sends it   ~ sent by both with different values"


def _pointer_lines(value: object, pointer: str, indent: int, key: str | None, last: bool) -> list[tuple[str, str]]:
    pad = "  " * indent
    head = f"{pad}{json.dumps(key, ensure_ascii=False)}: " if key is not None else pad
    comma = "" if last else ","
    if isinstance(value, dict) and value:
        lines = [(pointer, head + "{")]
        items = list(value.items())
        for i, (k, v) in enumerate(items):
            sub = f"{pointer}/{str(k).replace('~', '~0').replace('/', '~1')}"
            lines += _pointer_lines(v, sub, indent + 1, str(k), i == len(items) - 1)
        return lines + [(pointer, pad + "}" + comma)]
    if isinstance(value, list) and value and any(isinstance(v, dict | list) for v in value):
        lines = [(pointer, head + "[")]
        for i, v in enumerate(value):
            lines += _pointer_lines(v, f"{pointer}/{i}", indent + 1, None, i == len(value) - 1)
        return lines + [(pointer, pad + "]" + comma)]
    return [(pointer, head + json.dumps(value, ensure_ascii=False) + comma)]


def _marker(pointer: str, marks: dict[str, str]) -> str:
    best, best_len = " ", -1
    for at, mark in marks.items():
        if (pointer == at or pointer.startswith(at + "/")) and len(at) > best_len:
            best, best_len = mark, len(at)
    return best


def annotated_json(
    requests: list[dict[str, Any]], diff: list[DiffEntry], side: str, *, body_only: bool = False
) -> list[tuple[str, str]]:
    """(marker, line) pairs of ``requests`` pretty-printed, marked from the diff for ``side`` ("classic"/"actions").

    Pointers address ``requests`` (``/0/body/attributes/plan``), as ``DiffEntry.classic_at``/``actions_at`` do.
    """
    marks: dict[str, str] = {}
    for entry in diff:
        at = entry.classic_at if side == "classic" else entry.actions_at
        if at is None:
            continue
        if entry.change == "changed":
            marks[at] = "~"
        else:
            marks[at] = "+" if side == "actions" else "-"
    out: list[tuple[str, str]] = []
    for i, request in enumerate(requests):
        value, base = (request.get("body"), f"/{i}/body") if body_only else (request, f"/{i}")
        for pointer, line in _pointer_lines(value, base, 0, None, True):
            out.append((_marker(pointer, marks), line))
    return out


def side_requests(result: PreviewResult, side: str) -> list[dict[str, Any]]:
    data = result.to_json()
    return cast("list[dict[str, Any]]", data[side]["requests"])


def _bodies(result: PreviewResult, side: str) -> list[str]:
    """Each request line followed by its body, marked (the CLI report)."""
    requests = side_requests(result, side)
    out: list[str] = []
    for i, request in enumerate(requests):
        slug = f"{request['action']}: " if "action" in request else ""
        if request.get("subscription"):
            slug = f"subscription '{request['subscription']}' ({request['action']}): "
        out.append(f"    {slug}{request['method']} {request['path']}")
        lines = annotated_json(requests, result.diff, side, body_only=True)
        own = [(m, t) for (m, t), p in zip(lines, _owners(requests), strict=True) if p == i]
        out += [f"    {m} {t}" for m, t in own]
    return out


def _owners(requests: list[dict[str, Any]]) -> list[int]:
    owners: list[int] = []
    for i, request in enumerate(requests):
        owners += [i] * len(_pointer_lines(request.get("body"), f"/{i}/body", 0, None, True))
    return owners


def call_title(result: PreviewResult) -> str:
    call = result.call
    what = {
        "track": getattr(call, "event", None),
        "page": getattr(call, "name", None),
        "screen": getattr(call, "name", None),
        "group": getattr(call, "groupId", None),
        "alias": getattr(call, "previousId", None) and f"{getattr(call, 'previousId', '')} -> {call.userId}",
    }.get(call.type)
    who = f"userId={call.userId}" if call.userId else f"anonymousId={call.anonymousId or '-'}"
    return f"{call.type}{f' {what!r}' if what else ''} ({who})"


def render_text(
    results: list[PreviewResult],
    subscriptions: SubscriptionSet | None = None,
    batches: list[Batch] | None = None,
    *,
    numbers: list[int] | None = None,
    head: list[str] | None = None,
) -> str:
    """The readable report of ``cio-tui preview`` without ``--json``. ``numbers``: each result's call number when
    only some calls are shown (a filter); ``head``: lines printed first (the summary of outcomes)."""
    out: list[str] = [*(head or []), f"Markers: {LEGEND}", ""]
    if subscriptions is not None:
        out += [f"Actions mappings: {subscriptions.summary()}", *(f"  note: {n}" for n in subscriptions.notes), ""]
    actions_title = "your subscriptions" if subscriptions is not None else "default presets"
    for i, result in enumerate(results):
        n = numbers[i] if numbers is not None else i + 1
        out.append(f"Call {n} (line {result.line}): {call_title(result)}")
        out += [f"  parser: {note}" for note in result.parse_notes]
        out.append("  Classic destination (Track v1):")
        if not result.classic.requests:
            out.append("    sends nothing")
        out += _bodies(result, "classic")
        out += [f"    note: {note}" for note in result.classic.notes]
        out.append(f"  Actions destination ({actions_title}, shown unbatched):")
        if not result.actions.requests and not result.actions.errors:
            out.append("    sends nothing" + (": no enabled subscription's trigger matches" if subscriptions else ""))
        out += _bodies(result, "actions")
        out += [f"    error in {_where(e)}: {e.message}" for e in result.actions.errors]
        out.append("  Differences:" if result.diff else "  Differences: none")
        out += [f"    {entry.describe()}" for entry in result.diff]
        out.append("  Warnings:" if result.warnings else "  Warnings: none")
        for warning in result.warnings:
            out += [f"    [{warning.code}] {warning.explanation}", f"      what to do: {warning.todo}"]
        if result.outcome is not None:
            out.append(f"  Outcome in this workspace: {result.outcome.summary}")
            for effect in result.outcome.effects:
                out += [f"    - {detail}" for detail in effect.details]
        out.append("")
    out += render_batches(batches or [])
    return "\n".join(out).rstrip() + "\n"


def _where(error: ActionError) -> str:
    return f"subscription '{error.subscription}' ({error.action})" if error.subscription else error.action


def render_batches(batches: list[Batch]) -> list[str]:
    """The batched requests as production sends them, and what Segment reports per event."""
    if not batches:
        return []
    out = ["Batched as production sends them (subscriptions with enable_batching on):"]
    for batch in batches:
        calls = ", ".join(str(c) for c in batch.calls)
        if batch.body is None:
            out.append(f"  subscription '{batch.subscription}' ({batch.action}): nothing sent")
        else:
            out.append(
                f"  subscription '{batch.subscription}' ({batch.action}): {batch.method} {batch.path}, "
                f"{len(batch.calls)} item(s) from call(s) {calls}"
            )
            out += ["    " + line for line in json.dumps(batch.body, ensure_ascii=False, indent=2).splitlines()]
            if batch.errors:
                out.append(f"    Customer.io answers 207: {json.dumps(batch.response(), ensure_ascii=False)}")
            out += [f"    {e.segment_says()}" for e in batch.errors]
            out += [f"    {line}" for line in batch.failed_change_says()]
        out += [
            f"    call {c}: Segment reports status 400 (PAYLOAD_VALIDATION_FAILED, not sent): {m}"
            for c, m in batch.rejected
        ]
    return out + [""]
