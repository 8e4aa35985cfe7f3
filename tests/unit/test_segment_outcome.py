"""Outcome prediction (the engine on a what-if copy) against an in-memory lookup: each identify case of
docs/reference/customerio-track.md."""

from __future__ import annotations

from typing import Any

import pytest

from cio_tui.segment import KnownPerson, WorkspaceSettings, preview_text, with_outcomes
from cio_tui.segment.outcome import Outcome


class FakeLookup:
    def __init__(self, *people: KnownPerson) -> None:
        self.people = list(people)
        self.calls: list[tuple[str, str]] = []

    async def by_id(self, value: str) -> KnownPerson | None:
        self.calls.append(("id", value))
        return next((p for p in self.people if p.id == value), None)

    async def by_email(self, email: str) -> list[KnownPerson]:
        self.calls.append(("email", email))
        return [p for p in self.people if p.email and p.email.lower() == email.lower()]

    async def by_cio_id(self, cio_id: str) -> KnownPerson | None:
        self.calls.append(("cio_id", cio_id))
        return next((p for p in self.people if p.cio_id == cio_id), None)


CUSTOMER = KnownPerson(cio_id="c1", id="u1", email="u1@x.io", created_at=100)
LEAD = KnownPerson(cio_id="l1", email="lead@x.io", created_at=50)
ID_ONLY = KnownPerson(cio_id="i1", id="u2", created_at=200)
OTHER = KnownPerson(cio_id="o1", id="u3", email="taken@x.io", created_at=10)


async def outcome(text: str, *people: KnownPerson, **settings: Any) -> Outcome:
    [result] = await with_outcomes(preview_text(text), FakeLookup(*people), WorkspaceSettings(**settings))
    assert result.outcome is not None
    return result.outcome


def identify(user_id: str | None, **traits: Any) -> str:
    import json

    msg: dict[str, Any] = {"type": "identify", "traits": traits}
    if user_id:
        msg["userId"] = user_id
    return json.dumps(msg)


async def test_creates_a_new_person() -> None:
    got = await outcome(identify("new", email="new@x.io"), CUSTOMER)
    assert [e.kind for e in got.effects] == ["creates_person"]
    assert "Creates a new person with id new and email new@x.io" in got.summary
    assert got.cio_ids == []


async def test_updates_the_person_with_that_id() -> None:
    got = await outcome(identify("u1", email="U1@x.io", plan="pro"), CUSTOMER)
    assert got.effects[0].kind == "updates_person" and got.cio_ids == ["c1"]


async def test_assigns_id_to_lead() -> None:
    got = await outcome(identify("u9", email="lead@x.io"), LEAD)
    assert got.effects[0].kind == "assigns_id_to_lead"
    assert "Assigns id u9 to lead cio_l1" in got.summary


async def test_conflict_auto_merges_when_conditions_hold() -> None:
    got = await outcome(identify("u2", email="lead@x.io"), ID_ONLY, LEAD)
    assert got.effects[0].kind == "conflict_auto_merge"
    assert "cio_l1 (older) is kept, cio_i1 is deleted" in got.summary
    assert set(got.cio_ids) == {"i1", "l1"}


async def test_conflict_fails_when_auto_merge_is_off() -> None:
    got = await outcome(identify("u2", email="lead@x.io"), ID_ONLY, LEAD, auto_merge=False)
    assert got.effects[0].kind == "conflict_failed"
    # the engine (and the sandbox) still apply the call's other attributes to the id person (assumed)
    assert "records a failed_attribute_change; the call's other attributes still update cio_i1" in got.summary
    assert "Path and body name two people)" in got.summary and "(assumed: " in got.summary


async def test_conflict_fails_when_email_person_has_an_id() -> None:
    got = await outcome(identify("u2", email="taken@x.io"), ID_ONLY, OTHER)
    assert got.effects[0].kind == "conflict_failed"


async def test_email_change_refused_without_setting_and_allowed_with_it() -> None:
    refused = await outcome(identify("u1", email="moved@x.io"), CUSTOMER)
    assert refused.effects[0].kind == "email_change_refused"
    allowed = await outcome(identify("u1", email="moved@x.io"), CUSTOMER, email_update_by_id=True)
    assert allowed.effects[0].kind == "email_changed"


async def test_id_change_refused_without_cio() -> None:
    got = await outcome(identify("u1", id="renamed"), CUSTOMER)
    assert got.effects[0].kind == "id_change_refused"


async def test_id_change_through_cio_path() -> None:
    got = await outcome(identify("cio_c1", id="renamed"), CUSTOMER)
    assert got.effects[0].kind == "identifier_change"
    assert "id 'u1' -> 'renamed'" in got.summary


async def test_unknown_cio_id_is_dropped() -> None:
    assert (await outcome(identify("cio_zz"), CUSTOMER)).effects[0].kind == "dropped"


async def test_email_user_id_is_refused_in_an_id_only_workspace() -> None:
    # Actions sends identifiers {email}; an ID-only workspace has no email identifier: 400, as the sandbox answers
    got = await outcome(identify("u1@x.io"), CUSTOMER, mode="id_only")
    assert got.effects[0].kind == "rejected" and got.effects[0].status == 400
    assert "in an id-only workspace email is not an identifier" in got.summary


async def test_id_only_mode_ignores_email_for_resolution() -> None:
    got = await outcome(identify("u2", email="lead@x.io"), ID_ONLY, LEAD, mode="id_only")
    assert got.effects[0].kind == "updates_person" and got.cio_ids == ["i1"]


async def test_events_land_on_a_person_or_stay_anonymous() -> None:
    on = await outcome('{"type": "track", "userId": "u1", "event": "E"}', CUSTOMER)
    assert on.effects[0].kind == "event_on_person" and on.cio_ids == ["c1"]
    anon = await outcome('{"type": "track", "anonymousId": "a", "event": "E"}', CUSTOMER)
    assert anon.effects[0].kind == "anonymous_event" and "anonymous_id a" in anon.summary
    new = await outcome('{"type": "track", "userId": "zz", "event": "E"}', CUSTOMER)
    assert new.effects[0].kind == "event_creates_person"


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        ("User Deleted", "deletes_person"),
        ("User Suppressed", "suppresses_person"),
    ],
)
async def test_delete_and_suppress(event: str, kind: str) -> None:
    got = await outcome(f'{{"type": "track", "userId": "u1", "event": "{event}"}}', CUSTOMER)
    assert got.effects[0].kind == kind and got.cio_ids == ["c1"]
    missing = await outcome(f'{{"type": "track", "userId": "nobody", "event": "{event}"}}', CUSTOMER)
    assert missing.effects[0].kind == f"{kind}_no_person"


async def test_merge_cases() -> None:
    both = await outcome('{"type": "alias", "userId": "u1", "previousId": "u2"}', CUSTOMER, ID_ONLY)
    assert both.effects[0].kind == "merges_people"
    assert [(p.cio_id, p.role) for p in both.effects[0].people] == [("c1", "primary"), ("i1", "secondary (deleted)")]
    no_primary = await outcome('{"type": "alias", "userId": "zz", "previousId": "u2"}', ID_ONLY)
    assert no_primary.effects[0].kind == "merge_does_nothing" and "primary" in no_primary.summary


async def test_group_relates_object_to_person() -> None:
    got = await outcome('{"type": "group", "userId": "u1", "groupId": "acme"}', CUSTOMER)
    assert got.effects[0].kind == "object_updated" and got.cio_ids == ["c1"]
    assert "object acme (type 1)" in got.summary


async def test_nothing_sent_means_nothing_changes() -> None:
    got = await outcome('{"type": "page", "userId": "u1"}', CUSTOMER)
    assert got.effects == [] and "sends nothing" in got.summary
    assert got.to_json()["cio_ids"] == []


async def test_later_calls_see_the_person_an_earlier_call_creates() -> None:
    results = await with_outcomes(
        preview_text("analytics.identify('fresh', {email: 'f@x.io'})\nanalytics.track('Paid')"), FakeLookup()
    )
    assert [r.outcome.effects[0].kind for r in results if r.outcome] == ["creates_person", "event_on_new_person"]
    assert results[1].outcome and results[1].outcome.summary == "The event lands on the person call 1 creates."


async def test_id_change_through_cio_path_on_a_lead_says_it_sets_the_id() -> None:
    got = await outcome(identify("cio_l1", id="new-id-value"), LEAD)
    assert got.effects[0].kind == "identifier_change"
    assert "None" not in got.summary
    assert "sets id 'new-id-value' (had none)" in got.summary


async def test_unsuppress_frees_only_a_suppressed_identifier() -> None:
    calls = (
        '{"type": "track", "userId": "u1", "event": "User Suppressed"}\n'
        '{"type": "track", "userId": "u1", "event": "User Unsuppressed"}\n'
        '{"type": "track", "userId": "u1", "event": "User Unsuppressed"}'
    )
    results = await with_outcomes(preview_text(calls), FakeLookup(CUSTOMER))
    kinds = [r.outcome.effects[0].kind for r in results if r.outcome]
    assert kinds == ["suppresses_person", "unsuppresses", "unsuppresses_no_person"]
    exists = await outcome('{"type": "track", "userId": "u1", "event": "User Unsuppressed"}', CUSTOMER)
    assert exists.effects[0].kind == "not_suppressed"


async def test_effects_carry_the_state_change() -> None:
    got = await outcome(identify("u9", email="lead@x.io", plan="pro"), LEAD)
    [change] = got.to_json()["effects"][0]["changes"]
    assert change["before"] == {
        "identifiers": {"cio_id": "l1", "id": None, "email": "lead@x.io", "phone": None},
        "attributes": {"plan": None},
    }
    assert change["after"]["identifiers"]["id"] == "u9" and change["after"]["attributes"] == {"plan": "pro"}
