"""The card's Segment tab: how each identify an app realistically sends would resolve to the person shown.

``identify_scenarios(person)`` lists the calls (pure); ``resolve_scenarios(...)`` runs them through the preview
machinery (``cio_tui.segment.preview_call``) and the engine on a what-if copy (each destination's requests, classic
Track v1 as sent), one ``SegmentRow`` per call and destination; the People screen calls it from a worker and
``tui.widgets.person_segment.PersonSegmentPane`` shows the rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from cio_tui.customerio.models import Person
from cio_tui.segment import PeopleLookup, WorkspaceSettings, preview_text
from cio_tui.segment.classic import NOTE_CLOUD_MODEL, NOTE_TIMESTAMP
from cio_tui.segment.outcome import Effect, predict_outcome
from cio_tui.segment.wire import ActionRequest


@dataclass(frozen=True)
class Scenario:
    label: str  # short words: "their id + email"
    text: str  # the call as app code, what Preview gets prefilled with


@dataclass
class SegmentRow:
    scenario: Scenario
    destination: str  # "classic" | "Actions"
    words: str  # what happens, in words ("updates this person")
    detail: str  # the full sentence(s)
    warnings: list[str] = field(default_factory=list)  # warning codes of the call
    explanations: list[str] = field(default_factory=list)  # "code: explanation" per warning


def _js(value: str) -> str:
    return json.dumps(value)


def identify_scenarios(person: Person) -> list[Scenario]:
    """The identify calls an app realistically sends for ``person`` (analytics.js lines)."""
    out: list[Scenario] = []
    email = person.email
    if person.id and email:
        out.append(Scenario("their id + email", f"analytics.identify({_js(person.id)}, {{email: {_js(email)}}})"))
    if person.id:
        out.append(Scenario("their id, no email", f"analytics.identify({_js(person.id)})"))
    if email:
        out.append(Scenario("email as userId", f"analytics.identify({_js(email)}, {{email: {_js(email)}}})"))
        out.append(Scenario("anonymous + email", f"analytics.identify({{email: {_js(email)}}})"))
    if email and not person.id:
        new_id = f"new-{person.cio_id}"
        out.append(Scenario("a new id + email", f"analytics.identify({_js(new_id)}, {{email: {_js(email)}}})"))
    return out


def _words(effect: Effect, cio_id: str) -> str:
    """What ``effect`` (the engine's record, in words) does, in a few words, from the point of view of ``cio_id``."""
    ids = [p.cio_id for p in effect.people]
    others = [i for i in ids if i != cio_id]
    other = f"cio_{others[0]}" if others else "another person"
    kind = effect.kind
    if kind == "updates_person":
        return "updates this person" if cio_id in ids else f"updates {other}, not this person"
    if kind == "creates_person":
        return "creates a new person"
    if kind == "assigns_id_to_lead":
        return "assigns id to this lead" if cio_id in ids else f"assigns id to lead {other}"
    if kind == "conflict_failed":
        return f"conflict with {other}: failed attribute change"
    if kind == "conflict_auto_merge":
        primary = next((p.cio_id for p in effect.people if p.role.startswith("primary")), None)
        if primary == cio_id:
            return "auto-merge: the other is merged into this person"
        return f"auto-merge into cio_{primary}: this person is deleted" if primary else f"auto-merge with {other}"
    if kind in ("id_change_refused", "email_change_refused"):
        return f"refused: failed attribute change on {'this person' if cio_id in ids else other}"
    if kind == "email_changed":
        return "changes the email of this person" if cio_id in ids else f"changes the email of {other}"
    if kind == "identifier_change":
        return "changes identifiers of this person" if cio_id in ids else f"changes identifiers of {other}"
    if kind == "anonymous_identify":
        return "accepted, nobody changes (anonymous, no email)"
    if kind == "dropped":
        return "dropped: nobody has that cio_id"
    if kind == "rejected":
        return "refused by Customer.io (400)"
    return effect.summary


async def resolve_scenarios(person: Person, lookup: PeopleLookup, settings: WorkspaceSettings) -> list[SegmentRow]:
    """Every scenario through both destinations: one row per call and destination (reads only)."""
    rows: list[SegmentRow] = []
    for scenario in identify_scenarios(person):
        result = preview_text(scenario.text)[0]
        codes = [w.code for w in result.warnings]
        explained = [f"{w.code}: {w.explanation}" for w in result.warnings]
        classic = [
            ActionRequest(action="classic", method=q.method, path=q.path, body=q.body) for q in result.classic.requests
        ]
        sides: list[tuple[str, list[ActionRequest], str]] = [
            ("classic", classic, "not sent: " + " ".join(result.classic.notes[:1])),
            (
                "Actions",
                list(result.actions.requests),
                "not sent: " + " ".join(e.message for e in result.actions.errors),
            ),
        ]
        for destination, requests, unsent in sides:
            if not requests:
                rows.append(SegmentRow(scenario, destination, "not sent", unsent, codes, explained))
                continue
            outcome = await predict_outcome(requests, lookup, settings)
            words = [_words(e, person.cio_id) for e in outcome.effects]
            detail = outcome.summary
            if destination == "classic":  # what the classic model is unsure of (the generic caveats left out)
                notes = [n for n in result.classic.notes if n not in (NOTE_CLOUD_MODEL, NOTE_TIMESTAMP)]
                detail = " ".join([detail, *notes])
            rows.append(SegmentRow(scenario, destination, "; ".join(words), detail, codes, explained))
    return rows


def settings_words(settings: WorkspaceSettings) -> str:
    mode = "id-only" if settings.mode == "id_only" else "email-or-id"
    return (
        f"{mode}, auto-merge {'on' if settings.auto_merge else 'off'}, email updates by id "
        f"{'allowed' if settings.email_update_by_id else 'not allowed'}"
    )


__all__ = [
    "Scenario",
    "SegmentRow",
    "identify_scenarios",
    "resolve_scenarios",
    "settings_words",
]
