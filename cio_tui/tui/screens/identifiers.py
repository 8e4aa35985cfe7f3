"""Identifiers: change a person's id and/or email through the ``cio_<cio_id>`` path, one person at a time (picked
here or sent from People with ``app.open_identifiers``) or in bulk from a ``cio_id,new_id,new_email`` CSV.

Every change is previewed old -> new and checked by the engine (``identity.fixes.plan_identifier_fixes``): a new id
or email already held by someone else is refused with why and listed as a merge proposal (never merged
automatically). The plan opens in Plan/Apply. All IO runs in workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static

from cio_tui.customerio.identifiers import Identifier, IdentifierError
from cio_tui.identity.rows import PlanBuild, merge_plan
from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenPlan
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.widgets.csv_changes import ChangesModel, ChangesTable, change_detail, identifier_problem
from cio_tui.tui.widgets.csv_input import CsvInput
from cio_tui.tui.widgets.csv_path import PathPrompt

COLUMNS = ("cio_id", "new_id", "new_email")
PICK_HINT = (
    "Press p and type a person's cio_id (or send one from People), or paste (v) / load (l) a cio_id,new_id,new_email "
    "CSV."
)


class IdentifiersScreen(AreaScreen):
    AREA = "identifiers"
    AUTO_FOCUS = ""
    HELP = (
        "Change ids or emails safely: Customer.io can only change them through the person's cio_id. Pick a person "
        "(their cio_id) and type the new id and/or email, or paste/load a cio_id,new_id,new_email CSV. c checks "
        "every change against the workspace; a value someone else already holds becomes a merge proposal."
    )
    BINDINGS = [
        Binding("p", "pick", "Pick person", id="identifiers.pick", tooltip="Type the cio_id of the person to change"),
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
        person: Any

    @dataclass
    class CsvTextRead(Message):
        text: str

    @dataclass
    class Checked(Message):
        build: PlanBuild
        people: dict[str, Any]
        open_plan: bool

    def __init__(self) -> None:
        super().__init__()
        self.model = ChangesModel()
        self.build: PlanBuild | None = None
        self.picked: str | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="ids-pick-row"):
            yield Input(placeholder="cio_id of the person (with or without cio_)", id="ids-cio")
            yield Input(placeholder="new id (empty: keep)", id="ids-new-id")
            yield Input(placeholder="new email (empty: keep)", id="ids-new-email")
        yield Label(PICK_HINT, id="ids-person", markup=False)
        yield PathPrompt(id="ids-path")
        yield ChangesTable(id="ids-table")
        yield Static("", id="ids-detail", markup=False)
        yield CsvInput(COLUMNS, required=("cio_id",), id="ids-csv")
        yield Static("", id="ids-proposals", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        for selector, title in (
            ("#ids-cio", "person (cio_id)"),
            ("#ids-new-id", "new id"),
            ("#ids-new-email", "new email"),
        ):
            self.query_one(selector).border_title = title
        for selector in ("#ids-csv", "#ids-proposals"):
            self.query_one(selector).display = False

    def workspace_changed(self, workspace: Any) -> None:
        """Changes and checks belong to one workspace: start over when it changes."""
        self.model, self.build, self.picked = ChangesModel(), None, None
        self.query_one(CsvInput).load_text("")
        self.query_one("#ids-person", Label).update(PICK_HINT)
        self._refresh()

    # -- navigation contract: app.open_identifiers(who) --------------------------------------------------
    def pick(self, who: Any) -> None:
        """Show the person ``who`` (an ``Identifier`` or cio_id text) ready for a new id/email."""
        value = who.value if isinstance(who, Identifier) else str(who)
        self.query_one("#ids-cio", Input).value = value
        self._look_up(value)

    def action_pick(self) -> None:
        self.query_one("#ids-cio", Input).focus()

    @on(Input.Submitted, "#ids-cio")
    def _cio_typed(self, event: Input.Submitted) -> None:
        self._look_up(event.value)

    def _look_up(self, text: str) -> None:
        try:
            who = Identifier.cio(text.strip())
        except (IdentifierError, ValueError) as exc:
            self.query_one("#ids-person", Label).update(
                f"{identifier_problem(exc)}. Type the person's cio_id, e.g. cio_a3000001."
            )
            return
        if self.cio.workspace is None:
            self.notify("No workspace is open: open one in Connect (press 9).", severity="warning")
            return
        self.query_one("#ids-person", Label).update(f"Reading cio_{who.value}…")
        self._read_person(who)

    @work(exclusive=True, group="identifiers", exit_on_error=False)
    async def _read_person(self, who: Identifier) -> None:
        try:
            person = await self.cio.workspace.client.get_person(who)
        except Exception as exc:  # noqa: BLE001 - shown in words with what to do
            self.query_one("#ids-person", Label).update(describe_error(exc))
            return
        self.post_message(self.PersonRead(who.value, person))

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
        self.query_one("#ids-person", Label).update(
            f"cio_{person.cio_id} · id {person.id or '(none)'} · email {person.email or '(none)'} — type the new id "
            "and/or email, Enter adds the change"
        )
        self.query_one("#ids-new-id", Input).focus()
        self._refresh()

    @on(Input.Submitted, "#ids-new-id, #ids-new-email")
    def _change_typed(self) -> None:
        if self.picked is None:
            self.notify("Pick the person first: type their cio_id and press Enter.", severity="warning")
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
                f"Change for cio_{self.picked} added. Pick another person, or press m to make the plan."
            )
        self._refresh()

    def action_remove(self) -> None:
        row = self.query_one(ChangesTable).highlighted
        if row is None or row.line is not None:
            self.notify("Only typed changes can be removed here; edit the CSV for the others.", severity="warning")
            return
        self.model.remove_typed(row.cio_id)
        self._refresh()

    # -- CSV ---------------------------------------------------------------------------------------------
    def action_toggle_csv(self) -> None:
        panel = self.query_one(CsvInput)
        panel.display = not panel.display
        if panel.display:
            panel.query_one("#csv-text").focus()

    def action_load_csv(self) -> None:
        self.query_one(PathPrompt).ask("changes", "CSV of cio_id,new_id,new_email:", "changes.csv")

    @on(PathPrompt.Given, "#ids-path")
    def _path_given(self, message: PathPrompt.Given) -> None:
        self._read_file(message.path)

    @work(thread=True, exclusive=True, group="identifiers-file", exit_on_error=False)
    def _read_file(self, path: Path) -> None:
        try:
            self.post_message(self.CsvTextRead(path.read_text(encoding="utf-8-sig")))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is not UTF-8 text"
            self.app.call_from_thread(
                self.notify,
                f"Could not read {path}: {reason}. Check the path.",
                title="File not read",
                severity="error",
            )

    @on(CsvTextRead)
    def _csv_read(self, message: CsvTextRead) -> None:
        self.query_one(CsvInput).display = True
        self.query_one(CsvInput).load_text(message.text)

    @on(CsvInput.Parsed, "#ids-csv")
    def _csv_parsed(self, message: CsvInput.Parsed) -> None:
        issues = self.model.set_csv_rows(message.parsed.rows)
        message.csv_input.show_issues([*message.parsed.issues, *issues])
        self._refresh()

    # -- table -------------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        self.query_one(ChangesTable).load(self.model)
        self._row_highlighted()
        proposals = self.model.proposals
        text = ""
        if proposals:
            text = f"{len(proposals)} merge proposal(s), not planned (press x to make a merge plan to review):\n"
            text += "\n".join(
                f"  cio_{p.secondary.cio_id} wants {p.identifier!r}, which cio_{p.primary.cio_id} already holds"
                for p in proposals[:5]
            )
        self.query_one("#ids-proposals", Static).update(text)
        self.query_one("#ids-proposals").display = bool(proposals)

    @on(DataTable.RowHighlighted, "#ids-table")
    def _row_highlighted(self) -> None:
        row = self.query_one(ChangesTable).highlighted
        self.query_one("#ids-detail", Static).update(change_detail(self.model, row))

    # -- checking and planning ---------------------------------------------------------------------------
    def action_check(self) -> None:
        self._start_check(open_plan=False)

    def action_make_plan(self) -> None:
        self._start_check(open_plan=True)

    def _start_check(self, *, open_plan: bool) -> None:
        if self.cio.workspace is None:
            self.notify("No workspace is open: open one in Connect (press 9).", severity="warning")
            return
        changes = self.model.changes()
        if not changes:
            self.notify("No change yet: pick a person (p) or paste/load a CSV (v, l).", severity="warning")
            return
        self.query_one("#ids-person", Label).update(f"Checking {len(changes)} change(s) against the workspace…")
        self._check(changes, open_plan)

    @work(exclusive=True, group="identifiers", exit_on_error=False)
    async def _check(self, changes: list[Any], open_plan: bool) -> None:
        from cio_tui.identity.fixes import plan_identifier_fixes

        ws = self.cio.workspace
        cio_ids = []
        for change in changes:
            try:
                cio_ids.append(Identifier.cio(change.cio_id))
            except (IdentifierError, ValueError):
                continue
        try:
            found = await ws.client.get_people(cio_ids) if cio_ids else []
            build = await plan_identifier_fixes(
                ws.client,
                changes,
                workspace_fingerprint=ws.fingerprint,
                workspace_name=ws.name,
                created_at=self.cio.services.clock(),
            )
        except Exception as exc:  # noqa: BLE001 - shown in words with what to do
            self.notify(describe_error(exc), title="Could not check the changes", severity="error")
            return
        people = {c.value: None for c in cio_ids} | {p.cio_id: p.ref for p in found}
        self.post_message(self.Checked(build, people, open_plan))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        build = message.build
        self.build = build
        self.model.current.update(message.people)
        issues = self.model.apply_build(build)
        panel = self.query_one(CsvInput)
        panel.show_issues([*panel.parsed.issues, *issues])
        self._refresh()
        planned, left_out = len(build.plan.operations), len(build.excluded)
        self.query_one("#ids-person", Label).update(
            f"Checked: {planned} change(s) ready, {left_out} left out (highlight a row for why)."
        )
        if not message.open_plan:
            return
        if planned == 0:
            self.notify(
                "No change can be planned: correct the rows marked error, or press x for the merge proposals.",
                title="Nothing to plan",
                severity="warning",
            )
            return
        self.notify(
            f"{planned} change(s) planned; {left_out} left out with reasons (see Identifiers).", title="Plan made"
        )
        self.post_message(OpenPlan(build.plan))

    def action_plan_merges(self) -> None:
        ws = self.cio.workspace
        if ws is None or not self.model.proposals:
            self.notify(
                "No merge proposals: check the changes first (c); a value someone else holds becomes one.",
                severity="warning",
            )
            return
        plan = merge_plan(
            self.model.proposals,
            workspace_fingerprint=ws.fingerprint,
            workspace_name=ws.name,
            created_at=self.cio.services.clock(),
        )
        self.post_message(OpenPlan(plan))


__all__ = ["IdentifiersScreen"]
