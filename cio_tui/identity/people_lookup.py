"""People lookup for the TUI's People area: operator text -> the person's identity card, or a problem to show inline.

No Textual here: the screen calls ``lookup_person`` from a worker (the card's words are in
``tui.viewmodels.activity``). The card comes from ``cio_tui.identity.card.build_card`` (shared with ``cio-tui person``).
When auto-detection read the text as an id and nobody has it, a value shaped like a cio_id is tried as one (operators
often paste a cio_id without its ``cio_`` prefix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cio_tui.customerio.contract import CioClient
from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.identity.card import IdentityCard, build_card
from cio_tui.identity.resolve import cio_id_fallback

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


async def lookup_person(client: CioClient, text: str, kind: str | None = None) -> LookupResult:
    """Find one person. Raises LookupProblem for input to correct or nobody found; API errors pass through."""
    who = parse_lookup(text, kind)
    notes: list[str] = []
    card = await build_card(client, who, with_messages=False, activity_limit=ACTIVITY_LIMIT)
    as_cio = cio_id_fallback(who) if card is None and kind is None else None
    if as_cio is not None:
        card = await build_card(client, as_cio, with_messages=False, activity_limit=ACTIVITY_LIMIT)
        if card is not None:
            notes.append(f"No person has the id {who.value!r}; this is the person whose cio_id is {who.value}.")
    if card is None:
        raise LookupProblem(f"No person with the {who.kind.value} {who} in this workspace. Check it and try again.")
    notes.extend(w[:1].upper() + w[1:] + "." for w in card.warnings)
    return LookupResult(card=card, note=" ".join(notes) or None)


__all__ = ["ACTIVITY_LIMIT", "LookupProblem", "LookupResult", "lookup_person", "parse_lookup"]
