"""People lookup for the TUI: operator text -> the person's identity card, or a problem to show inline.

No Textual here. The card comes from ``cio_tui.identity.card.build_card`` (shared with ``cio-tui person``). When
auto-detection read the text as an id and nobody has it, a value shaped like a cio_id is tried as one (operators
often paste a cio_id without its ``cio_`` prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from cio_tui.customerio.identifiers import Identifier, IdentifierError, IdKind
from cio_tui.customerio.models import Activity
from cio_tui.identity.card import FLAGGED_TYPES, IdentityCard, build_card

FLAGGED: dict[str, str] = {kind: label.upper() for kind, label in FLAGGED_TYPES.items()}
ACTIVITY_LIMIT = 30


class LookupProblem(Exception):
    """Something to tell the operator inline (bad input, nobody found). The message says what to do."""


@dataclass
class LookupResult:
    card: IdentityCard
    note: str | None = None
    """How the person was found when it was not the obvious way, and the card's warnings."""


def parse_lookup(text: str, kind: str | None) -> Identifier:
    """Operator text (and the kind chosen, or ``None`` for auto) -> Identifier, or LookupProblem saying why not."""
    text = text.strip()
    if not text:
        raise LookupProblem("Type a cio_id (with or without cio_), an id or an email, then press enter.")
    try:
        return Identifier.detect(text, kind)
    except (IdentifierError, ValueError) as exc:
        raise LookupProblem(f"{_cap(_reason(exc))}. Correct it, or choose another kind of identifier.") from None


def _reason(exc: Exception) -> str:
    reason = str(exc)
    if "validation error" in reason:  # pydantic wraps validator errors: keep only our sentence
        lines = reason.splitlines()
        reason = lines[1].strip() if len(lines) > 1 else reason
        reason = re.sub(r"^Value error, ", "", reason).split(" [type=")[0]
    return reason


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


async def lookup_person(client: object, text: str, kind: str | None = None) -> LookupResult:
    """Find one person. Raises LookupProblem for input to correct or nobody found; API errors pass through."""
    who = parse_lookup(text, kind)
    notes: list[str] = []
    card = await build_card(client, who, with_messages=False, activity_limit=ACTIVITY_LIMIT)  # type: ignore[arg-type]
    if card is None and kind is None and who.kind is IdKind.ID and re.fullmatch(r"[A-Za-z0-9]+", who.value):
        as_cio = Identifier.cio(who.value)
        card = await build_card(client, as_cio, with_messages=False, activity_limit=ACTIVITY_LIMIT)  # type: ignore[arg-type]
        if card is not None:
            notes.append(f"No person has the id {who.value!r}; this is the person whose cio_id is {who.value}.")
    if card is None:
        raise LookupProblem(f"No person with the {who.kind.value} {who} in this workspace. Check it and try again.")
    notes.extend(w[:1].upper() + w[1:] + "." for w in card.warnings)
    return LookupResult(card=card, note=" ".join(notes) or None)


def when(ts: int | None) -> str:
    """A Unix timestamp as ``2026-01-02 03:04 UTC`` (never local time: screenshots stay the same everywhere)."""
    if not ts:
        return "unknown"
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%d %H:%M UTC")


def ago(ts: int | None, now: datetime) -> str:
    if not ts:
        return ""
    seconds = int(now.timestamp()) - int(ts)
    if seconds < 0:
        return "in the future"
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit} ago"
    return "just now"


def activity_detail(activity: Activity) -> str:
    """Words for one activity's data: what failed and why, who was merged in."""
    data = activity.data or {}
    if activity.type == "failed_attribute_change":
        attr = data.get("attribute") or activity.name or "an attribute"
        value = data.get("value")
        reason = data.get("reason") or "Customer.io refused the change"
        return f"{attr} -> {value!r} not applied: {reason}" if value is not None else f"{attr}: {reason}"
    if activity.type == "profile_merge":
        merged = data.get("merged_cio_id")
        ids = ", ".join(str(v) for v in (data.get("merged_id"), data.get("merged_email")) if v)
        how = "automatically" if data.get("automatic") else "by request"
        who = f"cio_{merged}" + (f" ({ids})" if ids else "") if merged else "another person"
        return f"{who} merged into this person {how}"
    if activity.name:
        return activity.name
    return ", ".join(f"{k}={v}" for k, v in list(data.items())[:3])


__all__ = [
    "FLAGGED",
    "LookupProblem",
    "LookupResult",
    "activity_detail",
    "ago",
    "lookup_person",
    "parse_lookup",
    "when",
]
