"""Input call -> classic requests + notes, Actions requests + errors, diff, warnings, outcome (DESIGN section 5).

``preview_text`` / ``preview_call`` are pure and offline; ``with_outcomes`` adds the read-only workspace prediction.
``PreviewResult.to_json`` is the exact shape ``cio-tui preview --json`` prints per result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cio_tui.segment.actions import ActionsResult, actions_for
from cio_tui.segment.batching import Batch, ItemCheck, plan_batches
from cio_tui.segment.checks import PreviewWarning, warnings_for
from cio_tui.segment.classic import ClassicResult, ClassicSettings, classic_for
from cio_tui.segment.diff import DiffEntry, diff_requests
from cio_tui.segment.models import SegmentCall
from cio_tui.segment.outcome import Outcome, PeopleLookup, WorkspaceSettings, predict_outcome
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
        warnings=warnings_for(call, classic, actions),
        parse_notes=list(parsed.notes) if parsed else [],
        line=parsed.line if parsed else 1,
    )


def preview_text(
    text: str, *, classic_settings: ClassicSettings | None = None, subscriptions: SubscriptionSet | None = None
) -> list[PreviewResult]:
    """Parse ``text`` (JSON, JSON lines, analytics calls) and preview every call. Raises ``ParseError``.

    With ``subscriptions`` the Actions side runs the operator's own mappings instead of the default presets."""
    return [
        preview_call(call, classic_settings=classic_settings, parsed=p, subscriptions=subscriptions)
        for p, call in parse_calls(text)
    ]


async def with_outcomes(
    results: list[PreviewResult], lookup: PeopleLookup, settings: WorkspaceSettings | None = None
) -> list[PreviewResult]:
    """Fill ``outcome`` on every result from the workspace behind ``lookup`` (reads only)."""
    created: dict[str, int] = {}  # "id u1" / "email a@b.c" -> number of the call that creates that person
    for number, result in enumerate(results, 1):
        result.outcome = await predict_outcome(list(result.actions.requests), lookup, settings)
        for request, effect in zip(result.actions.requests, result.outcome.effects, strict=False):
            key = _identifier_key(request.body)
            if effect.kind == "creates_person" and key:
                created.setdefault(key, number)
            elif effect.kind == "event_creates_person" and key in created:
                effect.kind = "event_on_new_person"
                effect.summary = f"The {request.body.get('action')} lands on the person call {created[key]} creates."
        result.outcome.summary = " ".join(e.summary for e in result.outcome.effects) or result.outcome.summary
    return results


def _identifier_key(body: Any) -> str | None:
    ids = body.get("identifiers") if isinstance(body, dict) else None
    if not isinstance(ids, dict) or len(ids) != 1:
        return None
    kind, value = next(iter(ids.items()))
    return f"{kind} {str(value).lower() if kind == 'email' else value}" if kind in ("id", "email") else None


def results_json(
    results: list[PreviewResult], subscriptions: SubscriptionSet | None = None, check: ItemCheck | None = None
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
    results: list[PreviewResult], subscriptions: SubscriptionSet, check: ItemCheck | None = None
) -> list[Batch]:
    return plan_batches([(r.actions.requests, r.actions.errors) for r in results], subscriptions, check)
