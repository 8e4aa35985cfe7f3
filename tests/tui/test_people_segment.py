"""People, Segment tab: how each realistic identify resolves to the person shown (seeded sandbox, reads only)."""

from __future__ import annotations

from cio_tui.identity.leads import find_leads
from cio_tui.tui.widgets.person_segment import PersonSegmentPane
from tests.tui.conftest import SIZE, SMALL, settle
from tests.tui.test_people import _lookup


def _lines(app) -> list[str]:
    return app.screen.query_one(PersonSegmentPane).lines()


async def test_customer_with_id_and_email(make_app, monkeypatch):
    from cio_tui.tui.screens.preview import PreviewScreen

    received: list[str] = []
    monkeypatch.setattr(PreviewScreen, "prefill", lambda self, text: received.append(text))
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _lookup(pilot, "u0000001")
        assert _lines(app) == []  # predicted only when the tab is opened: a lookup reads nothing more
        await pilot.press("escape", "e")
        await settle(pilot)
        lines = _lines(app)
        assert "their id + email | classic | updates this person | " in lines[0]
        assert lines[1].startswith("their id + email | Actions | updates this person")
        assert "their id, no email | classic | updates this person" in lines[2]
        assert lines[4].startswith("email as userId | classic | updates this person | email_as_user_id")
        assert all("assigns" not in line for line in lines)
        note = str(app.screen.query_one("#segment-note").render())
        assert "cio_a3000001" in note and "email-or-id" in note
        await pilot.press("escape", "e")  # the Segment tab, its list focused; the first row is the first call
        await pilot.pause()
        assert app.screen.query_one("#card-tabs").active == "tab-segment"
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "preview"
        assert received == ['analytics.identify("u0000001", {email: "eva.meyer1@umbrella.test"})']
        app.switch_area("people")
        await settle(pilot)
        await pilot.press("down", "down", "down", "p")  # the second call (their id, no email), then p
        await settle(pilot)
        assert received[1] == 'analytics.identify("u0000001")'


async def test_lead_gets_the_new_id(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lead = (await find_leads(app.workspace.client))[0]
        await _lookup(pilot, f"cio_{lead.cio_id}")
        await pilot.press("escape", "e")
        await settle(pilot)
        lines = _lines(app)
        labels = {line.split(" | ")[0] for line in lines}
        assert "their id + email" not in labels and "their id, no email" not in labels  # a lead has no id
        new_id = [line for line in lines if line.startswith("a new id + email")]
        assert [line.split(" | ")[1:3] for line in new_id] == [
            ["classic", "assigns id to this lead"],
            ["Actions", "assigns id to this lead"],
        ]
        assert any(line.startswith("anonymous + email | Actions | updates this person") for line in lines)
        rows = app.screen.query_one(PersonSegmentPane).rows
        classic = next(r for r in rows if r.scenario.label == "anonymous + email" and r.destination == "classic")
        assert "email-only identify" in classic.detail and "unconfirmed" in classic.detail  # the classic caveat


def test_segment_tab_small(snap_compare, make_app):
    async def before(pilot):
        await settle(pilot)
        await _lookup(pilot, "u0000001")
        await pilot.press("escape", "e")
        await settle(pilot)

    assert snap_compare(make_app("people"), terminal_size=SMALL, run_before=before)


class FakeLookup:
    """Two people: this one (id u1, no email) and an older lead with the email the app sends."""

    def __init__(self) -> None:
        from cio_tui.segment import KnownPerson

        self.me = KnownPerson(cio_id="me", id="u1", email=None, created_at=200)
        self.lead = KnownPerson(cio_id="old", id=None, email="a@b.co", created_at=100)

    async def by_id(self, value):
        return self.me if value == "u1" else None

    async def by_email(self, email):
        return [self.lead] if email.lower() == "a@b.co" else []

    async def by_cio_id(self, cio_id):
        return {"me": self.me, "old": self.lead}.get(cio_id)


async def test_conflict_words_follow_the_workspace_settings():
    from cio_tui.customerio.models import Person
    from cio_tui.identity.person_segment import Scenario, identify_scenarios, resolve_scenarios
    from cio_tui.segment import WorkspaceSettings

    person = Person(cio_id="me", id="u1", email=None)
    assert identify_scenarios(person) == [Scenario("their id, no email", 'analytics.identify("u1")')]
    # the same person asked about with the email the app sends: the id+email call meets the lead
    person = Person(cio_id="me", id="u1", email="a@b.co")
    off = await resolve_scenarios(person, FakeLookup(), WorkspaceSettings(auto_merge=False))
    on = await resolve_scenarios(person, FakeLookup(), WorkspaceSettings(auto_merge=True))
    assert (off[1].destination, off[1].words) == ("Actions", "conflict with cio_old: failed attribute change")
    assert (on[1].destination, on[1].words) == ("Actions", "auto-merge into cio_old: this person is deleted")
    assert on[0].words == on[1].words  # classic's PUT /customers/u1 with the email resolves the same way
