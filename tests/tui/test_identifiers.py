"""Identifiers through the TUI on the seeded sandbox: pick a person, CSV changes, checks, collisions, plan, apply."""

from __future__ import annotations

from cio_tui.customerio.identifiers import Identifier
from cio_tui.identity.plan import OpKind
from cio_tui.tui.screens.identifiers import IdentifiersScreen
from cio_tui.tui.screens.plan_apply import PlanScreen
from cio_tui.tui.widgets.csv_changes import ChangesTable
from cio_tui.tui.widgets.csv_input import CsvInput
from tests.tui.conftest import SIZE, settle


async def people_with_ids(client, count):
    out = []
    async for ref in client.iter_search({"attribute": {"field": "id", "operator": "exists"}}):
        if ref.id and ref.email:
            out.append(ref)
            if len(out) == count:
                return out
    raise AssertionError("the seeded sandbox has people with ids and emails")


def _rows(screen):
    return {(r.line, r.cio_id): r for r in screen.query_one(ChangesTable).change_rows.values()}


async def test_change_picked_from_people_then_csv_checked_planned_and_applied(make_app):
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        client = app.workspace.client
        a, b, c, d = await people_with_ids(client, 4)

        # reachable from People through the app's navigation API
        app.open_identifiers(Identifier.cio(a.cio_id))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IdentifiersScreen) and screen.picked == a.cio_id
        assert f"id {a.id}" in str(screen.query_one("#ids-person").render())
        await pilot.press(*"fixed-a", "enter")
        [typed] = _rows(screen).values()
        assert str(screen.query_one(ChangesTable).get_cell(typed.key, "id")) == f"{a.id} -> fixed-a"

        # CSV: a good email change, an id someone else holds (collision -> merge proposal), an email-shaped id
        await pilot.press("escape", "v")
        screen.query_one(CsvInput).load_text(
            f"cio_id,new_id,new_email\ncio_{b.cio_id},,new-b@example.com\n{c.cio_id},{d.id},\n{d.cio_id},x@y.co,\n"
        )
        await pilot.pause()
        assert _rows(screen)[(4, d.cio_id)].check.severity == "error"

        screen.focus_home()
        await pilot.press("m")
        await settle(pilot)
        rows = _rows(screen)
        assert rows[(None, a.cio_id)].check.severity == "ok"
        assert rows[(2, b.cio_id)].check.severity == "ok"
        collision = rows[(3, c.cio_id)].check
        assert collision.severity == "merge" and f"cio_{d.cio_id}" in collision.message
        email_cell = screen.query_one(ChangesTable).get_cell(f"2:{b.cio_id}", "email")
        assert str(email_cell) == f"{b.email} -> new-b@example.com"
        assert "1 merge proposal(s)" in str(screen.query_one("#ids-proposals").render())

        assert app.current_mode == "plan"
        plan_screen = app.screen
        assert isinstance(plan_screen, PlanScreen)
        assert sorted((op.kind, op.subject.value) for op in plan_screen.plan.operations) == sorted(
            [(OpKind.CHANGE_ID, a.cio_id), (OpKind.CHANGE_EMAIL, b.cio_id)]
        )
        await pilot.press("a", *"sandbox", "enter")
        await settle(pilot)
        assert plan_screen.result.ok
        assert (await client.get_person(Identifier.cio(a.cio_id))).id == "fixed-a"
        assert (await client.get_person(Identifier.cio(b.cio_id))).email == "new-b@example.com"
        assert (await client.get_person(Identifier.cio(c.cio_id))).id == c.id

        await pilot.press("5")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        [merge] = app.screen.plan.operations
        assert merge.kind is OpKind.MERGE and (merge.subject.value, merge.secondary.value) == (d.cio_id, c.cio_id)


async def test_unknown_or_malformed_cio_id_is_explained_inline(make_app, tmp_path):
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        changes = tmp_path / "changes.csv"
        changes.write_text("cio_id,new_id,new_email\ncio_a3000001,,\nnot-a-cio,x,\n")
        await pilot.press("tab", "shift+tab", "l")  # the operator moves focus: letters are actions
        app.screen.query_one("#ids-path Input").value = str(changes)
        await pilot.press("enter")
        await settle(pilot)
        rows = _rows(app.screen)
        assert rows[(2, "a3000001")].check.message == "neither a new id nor a new email is given"
        assert rows[(3, "not-a-cio")].check.message == "'not-a-cio' is not a cio_id"
        assert [i.line for i in app.screen.query_one(CsvInput).issues] == [2, 3]
        await pilot.press("p", *"cio_zz-9", "enter")  # a malformed cio_id (an id or an email is looked up too)
        await settle(pilot)
        assert "letters and digits only" in str(app.screen.query_one("#ids-person").render())
        app.screen.query_one("#ids-cio").value = "zz-9"
        await pilot.press("enter")
        await settle(pilot)
        assert "No person has the id zz-9 in this workspace" in str(app.screen.query_one("#ids-person").render())
        app.screen.query_one("#ids-cio").value = "cio_ffffffff"
        await pilot.press("enter")
        await settle(pilot)
        assert "No person has the cio_id ffffffff" in str(app.screen.query_one("#ids-person").render())
        assert app.screen.picked is None


async def test_people_sends_the_person_to_identifiers(make_app):
    app = make_app("people")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#lookup-input").value = "cio_a3000001"
        await pilot.click("#lookup-input")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape", "i")
        await settle(pilot)
        assert app.current_mode == "identifiers"
        assert app.screen.picked == "a3000001"
        assert "cio_a3000001 · id u0000001" in str(app.screen.query_one("#ids-person").render())


async def test_a_csv_may_name_people_by_email_or_id_resolved_through_the_workspace(make_app):
    app = make_app("identifiers")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        a, b = await people_with_ids(app.workspace.client, 2)
        screen = app.screen
        screen.action_toggle_csv()
        screen.query_one(CsvInput).load_text(f"email,new_id\n{a.email},by-email-a\nnobody-at-all@example.test,x-2\n")
        await pilot.pause()
        assert screen.query_one(CsvInput).issues == []  # an email column is a person column: no header error
        assert (2, f"email {a.email}") in _rows(screen)  # shown as named until the check resolves it
        screen.focus_home()
        await pilot.press("c")
        await settle(pilot)
        rows = _rows(screen)
        assert rows[(2, a.cio_id)].check.severity == "ok"
        assert rows[(2, a.cio_id)].new_id == "by-email-a"
        nobody = rows[(3, "email nobody-at-all@example.test")]
        assert nobody.check.severity == "error" and "no person has the email" in nobody.check.message.casefold()
        assert [i.line for i in screen.query_one(CsvInput).issues] == [3]
        detail = str(screen.query_one("#ids-detail").render())
        assert detail
        table = screen.query_one(ChangesTable)
        assert str(table.get_cell(nobody.key, "cio_id")) == "email nobody-at-all@example.test"
        # an id column works the same way
        screen.query_one(CsvInput).load_text(f"id,new_email\n{b.id},b-new@example.test\n")
        await pilot.pause()
        screen.focus_home()
        await pilot.press("c")
        await settle(pilot)
        assert _rows(screen)[(2, b.cio_id)].check.severity == "ok"
