"""Input call -> classic requests + notes, Actions requests + errors, diff, warnings, outcome (docs/preview.md).

``preview_text`` / ``preview_call`` are pure and offline; ``with_outcomes`` adds the read-only workspace prediction.
``PreviewResult.to_json`` is the exact shape ``cio-tui preview --json`` prints per result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from cio_tui.segment.actions import ActionsResult, actions_for
from cio_tui.segment.batching import Batch, BatchCheck, plan_batches, whatif_batch_check
from cio_tui.segment.checks import PreviewWarning, old_timestamp_warnings, timestamp_warnings, warnings_for
from cio_tui.segment.classic import ClassicResult, ClassicSettings, classic_for
from cio_tui.segment.diff import DiffEntry, diff_requests
from cio_tui.segment.models import SegmentCall
from cio_tui.segment.outcome import Outcome, PeopleLookup, WhatIf, WorkspaceSettings, outcome_of
from cio_tui.segment.parser import ParsedCall, parse_calls
from cio_tui.segment.subscriptions import SubscriptionSet


@dataclass
class PreviewResult:
    input: dict[str, Any]
    call: SegmentCall
    classic: ClassicResult
    actions: ActionsResult
    diff: list[DiffEntry]
    warnings: list[PreviewWarning]
    outcome: Outcome | None = None
    parse_notes: list[str] = field(default_factory=list)
    line: int = 1

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "classic": {
                "requests": [{"method": r.method, "path": r.path, "body": r.body} for r in self.classic.requests],
                "notes": list(self.classic.notes),
            },
            "actions": {
                "requests": [r.to_json() for r in self.actions.requests],
                "errors": [e.to_json() for e in self.actions.errors],
            },
            "diff": [d.model_dump(mode="json") for d in self.diff],
            "warnings": [w.to_json() for w in self.warnings],
            "outcome": self.outcome.to_json() if self.outcome else None,
        }


def preview_call(
    call: SegmentCall,
    *,
    classic_settings: ClassicSettings | None = None,
    parsed: ParsedCall | None = None,
    subscriptions: SubscriptionSet | None = None,
) -> PreviewResult:
    classic = classic_for(call, classic_settings)
    actions = actions_for(call, subscriptions=subscriptions)
    return PreviewResult(
        input=parsed.message if parsed else call.to_message(),
        call=call,
        classic=classic,
        actions=actions,
        diff=diff_requests(classic.requests, list(actions.requests)),
        warnings=warnings_for(call, classic, actions) + old_timestamp_warnings(actions, int(time.time())),
        parse_notes=list(parsed.notes) if parsed else [],
        line=parsed.line if parsed else 1,
    )


def preview_text(
    text: str, *, classic_settings: ClassicSettings | None = None, subscriptions: SubscriptionSet | None = None
) -> list[PreviewResult]:
    """Parse ``text`` (JSON, JSON lines, analytics calls) and preview every call. Raises ``ParseError``.

    With ``subscriptions`` the Actions side runs the operator's own mappings instead of the default presets."""
    from cio_tui.segment.id_checks import paste_warnings

    results = [
        preview_call(call, classic_settings=classic_settings, parsed=p, subscriptions=subscriptions)
        for p, call in parse_calls(text)
    ]
    paste_warnings(results)  # ids with spaces, too long, or differing only in case within the paste
    return results


async def with_outcomes(
    results: list[PreviewResult], lookup: PeopleLookup, settings: WorkspaceSettings | None = None
) -> list[PreviewResult]:
    """Fill ``outcome`` on every result: the engine runs the whole paste, in order, on one what-if copy of the
    people its calls name (read through ``lookup``; nothing is written). Later calls see what earlier ones did."""
    await predict(results, lookup, settings)
    return results


async def predict(
    results: list[PreviewResult], lookup: PeopleLookup, settings: WorkspaceSettings | None = None
) -> BatchCheck:
    """``with_outcomes``, and Customer.io's answer to the batches (``batches_for``) predicted on a what-if copy of
    the same people, as they were read before any call ran: batching sends the calls' bodies instead of them."""
    whatif = WhatIf(lookup, settings)
    await whatif.load(r for result in results for r in result.actions.requests)
    for number, result in enumerate(results, 1):
        effects = [e for r in result.actions.requests for e in whatif.run(r, r.action, number)]
        result.outcome = outcome_of(effects)
        result.warnings += timestamp_warnings(effects)
    return whatif_batch_check(whatif.starting, whatif.settings, whatif.clock)


def results_json(
    results: list[PreviewResult], subscriptions: SubscriptionSet | None = None, check: BatchCheck | None = None
) -> dict[str, Any]:
    """``{"results": [...]}``; with the operator's subscriptions also ``"subscriptions"`` and ``"batches"``."""
    out: dict[str, Any] = {"results": [r.to_json() for r in results]}
    if subscriptions is not None:
        out["subscriptions"] = {
            "enabled": [
                {"id": s.id, "name": s.name, "action": s.action_slug, "trigger": s.trigger, "batching": s.batching}
                for s in subscriptions.subscriptions
            ],
            "disabled": subscriptions.disabled,
            "notes": subscriptions.notes,
        }
        out["batches"] = [b.to_json() for b in batches_for(results, subscriptions, check)]
    return out


def batches_for(
    results: list[PreviewResult], subscriptions: SubscriptionSet, check: BatchCheck | None = None
) -> list[Batch]:
    return plan_batches([(r.actions.requests, r.actions.errors) for r in results], subscriptions, check)
