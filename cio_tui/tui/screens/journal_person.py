"""The Journal screen's search by person and restore: every operation, across plans, on one person (cio_id, id or
email), and a plan putting the people of an operation back as they were just before it (opened in Plan/Apply).

The search reads the journal (SQLite) in a thread worker; the restore re-reads the people live in an async worker
through the workspace's client and only plans: nothing is written until the plan is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.message import Message
from textual.widgets import Input, Label

from cio_tui.identity.journal import PlanRecord
from cio_tui.identity.journal_search import PersonHit
from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenPlan
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.viewmodels.journal_view import PersonSearch, plans_summary, restore_target
from cio_tui.tui.widgets.journal_tables import JournalEntriesTable, JournalPlansTable

if TYPE_CHECKING:
    from cio_tui.identity.restore import RestoreBuild


class JournalPersonSearch(AreaScreen):
    """Search by person and restore; the screen's ``_show_records`` lists the plans (narrowed to the person)."""

    records: list[PlanRecord]
    person: PersonSearch | None
    _entries_plan: str | None

    @dataclass
    class PersonFound(Message):
        query: str
        hits: list[PersonHit]

    @dataclass
    class RestorePlanned(Message):
        build: RestoreBuild

    def _show_records(self, records: list[PlanRecord]) -> None:
        """List these plans (the screen's tables and summary)."""
        raise NotImplementedError

    def action_find_person(self) -> None:
        self.query_one("#journal-person", Input).focus()

    @on(Input.Submitted, "#journal-person")
    def _person_submitted(self, event: Input.Submitted) -> None:
        query = event.value.strip()
        if not query:
            self._show_person(None)
            return
        if self.cio.workspace is not None:
            self.query_one("#journal-summary", Label).update(f"Searching the journal for {query}…")
            self._search_person(query)

    @on(Input.Changed, "#journal-person")
    def _person_changed(self, event: Input.Changed) -> None:
        if not event.value.strip() and self.person is not None:
            self._show_person(None)
        elif self.person is not None:  # the box names someone else than the person shown: the summary says so
            shown = plans_summary(self.records, [], self.person)
            typed = event.value.strip()
            self.query_one("#journal-summary", Label).update(
                shown if typed == self.person[0] else f"{shown} · Enter searches for {typed}"
            )

    @work(thread=True, exclusive=True, group="journal-person", exit_on_error=False)
    def _search_person(self, query: str) -> None:
        from cio_tui.identity.journal import Journal
        from cio_tui.identity.journal_search import search_person

        with Journal.for_workspace(self.cio.require_workspace()) as journal:
            hits = search_person(journal, query)
        self.post_message(self.PersonFound(query, hits))

    @on(PersonFound)
    def _person_found(self, message: PersonFound) -> None:
        if message.query != self.query_one("#journal-person", Input).value.strip():
            return  # the box was emptied or changed while the search ran: its answer is not the box's person
        self._show_person((message.query, message.hits))
        if message.hits:
            self.query_one(JournalPlansTable).focus()

    def _show_person(self, person: PersonSearch | None) -> None:
        self.person = person
        self._entries_plan = None
        self._show_records(self.records)

    def action_restore(self) -> None:
        entry, record = self.query_one(JournalEntriesTable).highlighted, self.query_one(JournalPlansTable).highlighted
        plan_id, op_id = restore_target(entry, record, self.person)
        if self.cio.workspace is None or plan_id is None or op_id is None:
            self.notify("Highlight an operation's entry first (Enter on a plan, then its entries), or find a "
                        "person (p): the restore puts the people back as they were just before it.",
                        severity="warning")  # fmt: skip
            return
        self.notify(f"Reading the people of {op_id} to plan the restore…", timeout=3)
        self._plan_restore(plan_id, op_id)

    @work(exclusive=True, group="journal-restore", exit_on_error=False)
    async def _plan_restore(self, plan_id: str, op_id: str) -> None:
        import asyncio

        from cio_tui.identity.journal_search import hits_of_operation
        from cio_tui.identity.restore import plan_restore

        workspace = self.cio.require_workspace()

        def read() -> list[PersonHit]:
            from cio_tui.identity.journal import Journal

            with Journal.for_workspace(workspace) as journal:
                return hits_of_operation(journal, plan_id, op_id)

        try:
            hits = await asyncio.to_thread(read)
            build = await plan_restore(workspace.client, hits, workspace_fingerprint=workspace.fingerprint,
                                       workspace_name=workspace.name)  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - shown in words; nothing was written
            self.notify(describe_error(exc), title="Restore not planned", severity="error", markup=False)
            return
        self.post_message(self.RestorePlanned(build))

    @on(RestorePlanned)
    def _restore_planned(self, message: RestorePlanned) -> None:
        build = message.build
        lines = "\n".join(build.lines())
        if build.plan is None:
            self.notify(lines + "\nNothing can be restored: no plan was made.", title="Nothing to restore",
                        severity="warning", timeout=20, markup=False)  # fmt: skip
            return
        self.notify(lines, title="Restore planned: review it before applying", timeout=20, markup=False)
        self.post_message(OpenPlan(build.plan))


__all__ = ["JournalPersonSearch"]
