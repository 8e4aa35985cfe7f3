"""Identifiers: change a person's id and/or email through the ``cio_<cio_id>`` path, one person at a time (picked
here or sent from People with ``app.open_identifiers``) or in bulk from a ``cio_id,new_id,new_email`` CSV.

Every change is previewed old -> new and checked by the engine (``identity.fixes.plan_identifier_fixes``): a new id
or email already held by someone else is refused with why and listed as a merge proposal (never merged
automatically). The plan opens in Plan/Apply. All IO runs in workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.identity.fixes import header_problem
from cio_tui.identity.rows import PlanBuild
from cio_tui.tui.errors import describe_error
from cio_tui.tui.screens.id_changes import NO_WORKSPACE, IdChangesScreen
from cio_tui.tui.widgets.csv_changes import ChangesModel, ChangesTable, change_detail
from cio_tui.tui.widgets.csv_input import CsvInput
from cio_tui.tui.widgets.csv_path import PathPrompt

if TYPE_CHECKING:
    from cio_tui.customerio.models import Person
    from cio_tui.identity.rows import MergeProposal
    from cio_tui.identity.workspace_view import WorkspaceView
    from cio_tui.workspace import Workspace


COLUMNS = ("cio_id", "id", "email", "new_id", "new_email")  # the person by cio_id, or by id or email
PICK_HINT = (
    "Type a person's cio_id, id or email (it goes into the person box; or send one from People), or press tab, "
    "then v to paste / l to load a cio_id,new_id,new_email CSV (id or email may name the person instead)."
)


def describe_proposal(p: MergeProposal) -> str:
    return f"cio_{p.secondary.cio_id} wants {p.identifier!r}, which cio_{p.primary.cio_id} already holds"


class IdentifiersScreen(IdChangesScreen):
    AREA = "identifiers"
    AUTO_FOCUS = ""
    TYPING_TARGET = "#ids-cio"  # nothing picked or listed yet: letters typed go to the person box
    MODEL = ChangesModel
    PREFIX = "ids"
    STATUS_ID = "#ids-person"
    NOTHING_TO_CHECK = "No change yet: pick a person (p) or paste/load a CSV (v, l)."
    CHECKING = "Checking {count} change(s) against the workspace…"
    CHECK_FAILED = "Could not check the changes"
    NOTHING_TO_PLAN = "No change can be planned: correct the rows marked error, or press x for the merge proposals."
    PLAN_MADE = "{planned} change(s) planned; {left_out} left out with reasons (see Identifiers)."
    NO_PROPOSALS = "No merge proposals: check the changes first (c); a value someone else holds becomes one."
    FILE_HINT = "Check the path."
    HELP = (
        "Change ids or emails safely: Customer.io can only change them through the person's cio_id. Pick a person "
        "(their cio_id, id or email: cio-tui finds their cio_id) and type the new id and/or email, or paste/load a "
        "cio_id,new_id,new_email CSV. c checks "
        "every change against the workspace; a value someone else already holds becomes a merge proposal."
    )
    FOOTER_FIRST = ("identifiers.pick", "identifiers.check", "identifiers.plan")
    BINDINGS = [
        Binding(
            "p",
            "pick",
            "Pick person",
            id="identifiers.pick",
            tooltip="Type the cio_id, id or email of the person to change",
        ),
        Binding(
            "v",
            "toggle_csv",
            "Paste CSV",
            id="identifiers.paste",
            tooltip="Show the box to paste cio_id,new_id,new_email rows",
        ),
        Binding(
            "l",
            "load_csv",
            "Load CSV",
            id="identifiers.load_csv",
            tooltip="Read cio_id,new_id,new_email rows from a file",
        ),
        Binding(
            "d",
            "remove",
            "Remove change",
            id="identifiers.remove",
            tooltip="Drop the highlighted typed change from the list",
        ),
        Binding(
            "c",
            "check",
            "Check changes",
            id="identifiers.check",
            tooltip="Read the people and check every change against the workspace",
        ),
        Binding(
            "m",
            "make_plan",
            "Make plan",
            id="identifiers.plan",
            tooltip="Check every change and open the plan in Plan/Apply",
        ),
        Binding(
            "x",
            "plan_merges",
            "Plan merges",
            id="identifiers.merges",
            tooltip="Turn the merge proposals into a merge plan to review (nothing is merged automatically)",
        ),
    ]

    @dataclass
    class PersonRead(Message):
        cio_id: str
        person: Person

    def __init__(self) -> None:
        super().__init__()
        self.picked: str | None = None
        self._keep_typed = False  # the new id/email typed before a person was picked (see _show_change_of)

    def waiting_for_typing(self) -> bool:
        return self.picked is None and not self.model.changes() and not self.query_one("#ids-csv").display

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ids-pick-row"):
            yield Input(placeholder="cio_id, id or email", id="ids-cio")
            yield Input(placeholder="new id (empty: keep)", id="ids-new-id")
            yield Input(placeholder="new email (empty: keep)", id="ids-new-email")
        yield Label(PICK_HINT, id="ids-person", markup=False)
        yield PathPrompt(id="ids-path")
        yield ChangesTable(id="ids-table")
        yield Static("", id="ids-detail", markup=False)
        yield CsvInput(
            COLUMNS,
            required=(),
            hint="cio_id,new_id,new_email (or id / email instead of cio_id)",
            check_header=header_problem,
            id="ids-csv",
        )
        yield Static("", id="ids-proposals", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        for selector, title in (
            ("#ids-cio", "person"),
            ("#ids-new-id", "new id"),
            ("#ids-new-email", "new email"),
        ):
            self.query_one(selector).border_title = title
        for selector in ("#ids-csv", "#ids-proposals"):
            self.query_one(selector).display = False

    def workspace_changed(self, workspace: Workspace | None) -> None:
        """Changes and checks belong to one workspace: start over when it changes."""
        self.picked = None
        self.query_one("#ids-person", Label).update(PICK_HINT)
        super().workspace_changed(workspace)

    @property
    def proposals(self) -> list[Any]:
        proposals: list[Any] = self.model.proposals
        return proposals

    # -- navigation contract: app.open_identifiers(who) --------------------------------------------------
    def pick(self, who: Identifier | str) -> None:
        """Show the person ``who`` (an ``Identifier`` or cio_id text) ready for a new id/email."""
        value = who.value if isinstance(who, Identifier) else str(who)
        self.query_one("#ids-cio", Input).value = value
        self._look_up(value)

    def action_pick(self) -> None:
        field = self.query_one("#ids-cio", Input)
        self.focus_now(field)
        field.select_all()  # typing the next person's cio_id replaces the previous one

    @on(Input.Submitted, "#ids-cio")
    def _cio_typed(self, event: Input.Submitted) -> None:
        self._look_up(event.value)

    def _show_change_of(self, cio_id: str | None, *, keep_typed: bool = False) -> None:
        """The new id/email fields belong to one person: show that person's typed change (to edit), else empty.
        Nothing typed for the previous person is ever carried over to the next one; what was typed while nobody
        was picked yet (``keep_typed``) is kept for the person picked next, unless they already have a change."""
        change = self.model.typed.get(cio_id) if cio_id else None
        if change is None and keep_typed:
            return
        self.query_one("#ids-new-id", Input).value = (change.new_id or "") if change else ""
        self.query_one("#ids-new-email", Input).value = (change.new_email or "") if change else ""

    def _look_up(self, text: str) -> None:
        self._keep_typed = self.picked is None  # typed before picking: it is for the person being looked up
        self.picked = None
        self._show_change_of(None, keep_typed=self._keep_typed)
        if not text.strip():
            self.query_one("#ids-person", Label).update(
                "Type the person's cio_id (e.g. cio_a3000001), id or email, then press Enter."
            )
            return
        if self.cio.workspace is None:
            self.notify(NO_WORKSPACE, severity="warning")
            return
        self.query_one("#ids-person", Label).update(f"Looking up {text.strip()}…")
        self._read_person(text)

    @work(exclusive=True, group="identifiers", exit_on_error=False)
    async def _read_person(self, text: str) -> None:
        """The person the text names (cio_id, id or email), resolved to their cio_id: changes go through it."""
        from cio_tui.identity.resolve import NotResolved, resolve_person

        try:
            found = await resolve_person(self.cio.require_workspace().client, text)
        except NotResolved as exc:
            self.picked = None
            self.query_one("#ids-person", Label).update(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown in words with what to do
            self.query_one("#ids-person", Label).update(describe_error(exc))
            return
        self.post_message(self.PersonRead(found.person.cio_id, found.person))

    @on(PersonRead)
    def _person_read(self, message: PersonRead) -> None:
        person = message.person
        self.model.current[message.cio_id] = person.ref if person is not None else None
        if person is None:
            self.picked = None
            self.query_one("#ids-person", Label).update(
                f"No person has the cio_id {message.cio_id}. Check it in People (press 2)."
            )
            return
        self.picked = message.cio_id
        self._show_change_of(message.cio_id, keep_typed=self._keep_typed)
        self.query_one("#ids-person", Label).update(
            f"cio_{person.cio_id} · id {person.id or '(none)'} · email {person.email or '(none)'} — type the new id "
            "and/or email, Enter adds the change"
        )
        self.focus_now(self.query_one("#ids-new-id", Input))
        self._refresh()

    @on(Input.Submitted, "#ids-new-id, #ids-new-email")
    def _change_typed(self) -> None:
        if self.picked is None:
            self.notify(
                "Pick the person first: type their cio_id, id or email in the person box and press Enter "
                "(what you typed here is kept).",
                severity="warning",
            )
            self.query_one("#ids-cio", Input).focus()
            return
        new_id = self.query_one("#ids-new-id", Input).value.strip()
        new_email = self.query_one("#ids-new-email", Input).value.strip()
        problem = self.model.add_typed(self.picked, new_id, new_email)
        if problem is not None:
            self.query_one("#ids-person", Label).update(
                f"cio_{self.picked}: {problem.message}. Correct it and press Enter again."
            )
        else:
            self.query_one("#ids-person", Label).update(
                f"Change for cio_{self.picked} added. Type the next person (cio_id, id or email) here, or escape, "
                "then m to make the plan."
            )
            self._next_person()
        self._refresh()

    def _next_person(self) -> None:
        """After a change is added: empty fields and the cursor in the cio_id field, ready for the next person."""
        self.picked = None
        self._show_change_of(None)
        cio_field = self.query_one("#ids-cio", Input)
        cio_field.value = ""
        self.focus_now(cio_field)

    def action_remove(self) -> None:
        row = self.query_one(ChangesTable).highlighted
        if row is None or row.line is not None:
            self.notify("Only typed changes can be removed here; edit the CSV for the others.", severity="warning")
            return
        self.model.remove_typed(row.cio_id)
        self._refresh()

    # -- CSV ---------------------------------------------------------------------------------------------
    def action_load_csv(self) -> None:
        self.query_one(PathPrompt).ask("changes", "CSV of cio_id,new_id,new_email:", "changes.csv")

    def _typed_count(self) -> int:
        return len(self.model.typed)

    def _unread_reason(self, exc: Exception) -> str:
        return exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not UTF-8 text"

    # -- table -------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        self.waiting_changed()  # a listed change ends the waiting for typing (the footer says where letters go)
        self.query_one(ChangesTable).load(self.model)
        self._row_highlighted()
        self._show_proposals(describe_proposal, say_more=False)

    @on(DataTable.RowHighlighted, "#ids-table")
    def _row_highlighted(self) -> None:
        row = self.query_one(ChangesTable).highlighted
        self.query_one("#ids-detail", Static).update(change_detail(self.model, row))

    # -- checking and planning ---------------------------------------------------------------------------
    def _rows_to_check(self) -> list[Any]:
        rows: list[Any] = self.model.changes()
        return rows

    async def _build_plan(self, workspace: WorkspaceView, rows: list[Any]) -> tuple[PlanBuild, dict[str, Any]]:
        from cio_tui.identity.fixes import plan_identifier_fixes, resolve_subjects

        rows, unresolved = await resolve_subjects(workspace.client, rows)  # CSV rows naming the person by id/email
        self.model.resolved(rows)
        cio_ids = []
        for change in rows:
            try:
                cio_ids.append(Identifier.cio(change.cio_id))
            except (IdentifierError, ValueError):
                continue
        found = await workspace.client.get_people(cio_ids) if cio_ids else []
        build = await plan_identifier_fixes(
            workspace.client,
            rows,
            workspace_fingerprint=workspace.fingerprint,
            workspace_name=workspace.name,
            created_at=self.cio.services.clock(),
        )
        build.excluded[:0] = unresolved
        return build, {c.value: None for c in cio_ids} | {p.cio_id: p.ref for p in found}

    def _use_build(self, message: IdChangesScreen.Checked) -> list[Any]:
        self.model.current.update(message.people)
        return super()._use_build(message)

    def _say_checked(self, planned: int, left_out: int, open_plan: bool) -> None:
        self.query_one("#ids-person", Label).update(
            f"Checked: {planned} change(s) ready, {left_out} left out (highlight a row for why)."
        )


__all__ = ["IdentifiersScreen"]
