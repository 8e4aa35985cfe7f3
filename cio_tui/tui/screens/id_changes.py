"""``IdChangesScreen``: what the Leads and Identifiers screens share.

Both collect identifier changes (typed, pasted or loaded as CSV), have the engine check every one against the
workspace, show the merge proposals (a value someone else already holds), and hand a plan to Plan/Apply: the
change plan (``m``) or, only when the operator asks, a merge plan of the proposals (``x``). A subclass says what is
checked and how (``_rows_to_check``, ``_build_plan``), what its CSV file holds (``_read_path``) and its words; the
checking, the CSV panel, the file reading and the hand-over live here. All IO runs in workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.message import Message
from textual.widgets import Label, Static

from cio_tui.identity.rows import PlanBuild, merge_plan
from cio_tui.tui.errors import describe_error
from cio_tui.tui.messages import OpenPlan
from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.progress import Busy, ProgressClient
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.viewmodels.csv_rows import ParsedCsv
from cio_tui.tui.widgets.csv_input import CsvInput
from cio_tui.tui.widgets.csv_path import PathPrompt

if TYPE_CHECKING:
    from cio_tui.customerio.contract import CioClient
    from cio_tui.identity.workspace_view import WorkspaceView
    from cio_tui.workspace import Workspace


NO_WORKSPACE = "No workspace is open: open one in Connect (press 9)."
SHOWN_PROPOSALS = 5


def proposals_text(proposals: Sequence[Any], describe: Callable[[Any], str], *, say_more: bool = True) -> str:
    """The merge proposals panel: a count, then ``describe(p)`` for the first few (and how many more if asked)."""
    if not proposals:
        return ""
    lines = [f"{len(proposals)} merge proposal(s), not planned (press x to make a merge plan to review):"]
    lines += [f"  {describe(p)}" for p in proposals[:SHOWN_PROPOSALS]]
    if say_more and len(proposals) > SHOWN_PROPOSALS:
        lines.append(f"  … and {len(proposals) - SHOWN_PROPOSALS} more")
    return "\n".join(lines)


class IdChangesScreen(AreaScreen):
    """Base of an area that checks identifier changes and makes a plan of them (not an area by itself)."""

    MODEL: ClassVar[type[Any]]
    """Makes the area's empty model (rows, checks, ``set_csv_rows``, ``apply_build``)."""
    PREFIX: ClassVar[str] = ""
    """Prefix of the widget ids (``#<PREFIX>-proposals``)."""
    STATUS_ID: ClassVar[str] = ""
    """Id of the label that says what is going on (``Checking …``)."""
    NOTHING_TO_CHECK: ClassVar[str] = ""
    CHECKING: ClassVar[str] = ""
    """Status while checking; ``{count}`` is the number of rows."""
    CHECK_FAILED: ClassVar[str] = ""
    """Title of the notification when the check could not run."""
    NOTHING_TO_PLAN: ClassVar[str] = ""
    PLAN_MADE: ClassVar[str] = ""
    """Notification when the plan opens; ``{planned}`` and ``{left_out}`` are counts."""
    NO_PROPOSALS: ClassVar[str] = ""
    FILE_HINT: ClassVar[str] = ""
    """What to check when a file cannot be read."""

    @dataclass
    class CsvTextRead(Message):
        text: str
        parsed: ParsedCsv | None = None  # parsed in the worker already (a file); None: parse it here

    @dataclass
    class Checked(Message):
        build: PlanBuild
        people: dict[str, Any]
        open_plan: bool

    def __init__(self) -> None:
        super().__init__()
        self.model = self.MODEL()
        self.build: PlanBuild | None = None
        self._planned: list[Any] = []  # the changes last handed to Plan/Apply (quitting after that loses nothing)
        self._file_busy: Busy | None = None  # the status of the file being read (its progress)
        self._file_parse: Callable[[str, Callable[[int], None] | None], ParsedCsv] | None = None

    def workspace_changed(self, workspace: Workspace | None) -> None:
        """Changes and checks belong to one workspace: start over when it changes."""
        self.model, self.build = self.MODEL(), None
        self.query_one(CsvInput).load_text("")
        self._refresh()

    # -- what a subclass says ----------------------------------------------------------------------------
    @property
    def proposals(self) -> list[Any]:
        """The merge proposals of the last check."""
        return self.build.proposals if self.build is not None else []

    def _rows_to_check(self) -> list[Any]:
        raise NotImplementedError

    async def _build_plan(self, workspace: WorkspaceView, rows: list[Any]) -> tuple[PlanBuild, dict[str, Any]]:
        """Check ``rows`` against ``workspace`` (in a worker): the plan build and the people read on the way."""
        raise NotImplementedError

    def _read_path(self, purpose: str, path: Path) -> None:
        """Read ``path`` in a thread and post what it holds (``CsvTextRead`` for CSV text): the rows are parsed
        here too, with their progress on the status line (a 10,000-row file takes a moment)."""
        text = path.read_text(encoding="utf-8-sig")
        total, busy, parse = max(1, text.count("\n")), self._file_busy, self._file_parse
        if busy is None or parse is None:  # not read through the path prompt: parsed where it is shown
            self.post_message(self.CsvTextRead(text))
            return
        parsed = parse(text, lambda line: self.app.call_from_thread(busy.progress, line, total))
        self.app.call_from_thread(busy.progress, total, total)
        self.post_message(self.CsvTextRead(text, parsed))

    def _unread_reason(self, exc: Exception) -> str:
        return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)

    def _refresh(self) -> None:
        """Show the model again (table, summary, proposals)."""
        raise NotImplementedError

    def _check_failed(self) -> None:
        """After the check could not run (it has been said in a notification)."""

    def _use_build(self, message: Checked) -> list[Any]:
        """Take the check's results into the model; returns the CSV issues it found."""
        issues: list[Any] = self.model.apply_build(message.build)
        return issues

    def _say_checked(self, planned: int, left_out: int, open_plan: bool) -> None:
        """Tell the operator what the check found."""

    # -- files and CSV -----------------------------------------------------------------------------------
    def _show_proposals(self, describe: Callable[[Any], str], *, say_more: bool = True) -> None:
        panel = self.query_one(f"#{self.PREFIX}-proposals", Static)
        panel.update(proposals_text(self.proposals, describe, say_more=say_more))
        panel.display = bool(self.proposals)

    @on(PathPrompt.Given)
    def _path_given(self, message: PathPrompt.Given) -> None:
        self._file_busy = Busy(self.query_one(self.STATUS_ID, Label), f"Reading {message.path.name}…")
        self._file_parse = self.query_one(CsvInput).parse_text  # the box's columns, taken here, not in the thread
        self.run_worker(
            partial(self._read_file, message.purpose, message.path),
            name="_read_file",
            group=f"{self.AREA}-file",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _read_file(self, purpose: str, path: Path) -> None:
        try:
            self._read_path(purpose, path)
        except (OSError, ValueError) as exc:
            self.app.call_from_thread(
                self.notify,
                f"Could not read {path}: {self._unread_reason(exc)}. {self.FILE_HINT}",
                title="File not read",
                severity="error",
            )

    @on(CsvTextRead)
    def _csv_read(self, message: CsvTextRead) -> None:
        lines = max(0, len(message.text.splitlines()) - 1)
        Busy(self.query_one(self.STATUS_ID, Label), f"Read {lines:,} row(s); checking their shape and showing them…")
        # parsing and showing 10,000 rows takes a moment: the words above are drawn first
        self.call_after_refresh(self._show_csv_text, message.text, lines, message.parsed)

    def _show_csv_text(self, text: str, lines: int, parsed: ParsedCsv | None = None) -> None:
        panel = self.query_one(CsvInput)
        if parsed is not None and parsed.refused:  # a wrong header: the rows listed (typed, pasted) stay as they are
            problem = parsed.errors[0].message if parsed.errors else "its header is not one this screen reads"
            self.query_one(self.STATUS_ID, Label).update(f"File not loaded: {problem}. Nothing listed changed.")
            self.notify(f"File not loaded: {problem}.", title="File not loaded", severity="error", markup=False)
            return
        replaced = len(panel.parsed.rows) if panel.text.strip() and panel.text != text else 0
        lost = self._typed_replaced_by(parsed if parsed is not None else panel.parse_text(text))
        if replaced or lost:  # what the operator typed or pasted is replaced only once they say so
            self._ask_to_replace(text, lines, parsed, replaced, lost)
            return
        self._load_csv_text(text, lines, parsed, replaced)

    def _ask_to_replace(self, text: str, lines: int, parsed: ParsedCsv | None, replaced: int, lost: int) -> None:
        what = []
        if replaced:
            what.append(f"the {replaced:,} row(s) now in the CSV box")
        if lost:
            what.append(f"{lost:,} id(s) you typed for people the file names")
        body = f"The file ({lines:,} row(s)) replaces {' and '.join(what)}. Load it?"

        def answered(yes: bool | None) -> None:
            if yes:
                self._load_csv_text(text, lines, parsed, replaced)
            else:
                self.query_one(self.STATUS_ID, Label).update("File not loaded: what you typed and pasted is kept.")

        self.app.push_screen(
            ConfirmModal("Replace what you typed?", body, yes="Load the file", no="Keep mine"), answered
        )

    def _load_csv_text(self, text: str, lines: int, parsed: ParsedCsv | None, replaced: int) -> None:
        panel = self.query_one(CsvInput)
        kept = self._typed_count()
        panel.display = True
        if parsed is not None:
            panel.load_parsed(text, parsed)
        else:
            panel.load_text(text)
        also = f"; your {kept} typed change(s) are kept next to them" if kept else ""
        if replaced:  # the box holds one CSV: its earlier rows (pasted or another file) are said to be replaced
            also += f"; it replaces the {replaced:,} row(s) that were in the CSV box"
        self.query_one(self.STATUS_ID, Label).update(
            f"{lines:,} row(s) read from the file{also}; press c to check them against the workspace."
        )

    def _typed_replaced_by(self, parsed: ParsedCsv) -> int:
        """How many values typed one by one a file's rows would replace (the operator is asked first)."""
        return 0

    def _typed_count(self) -> int:
        """How many changes were typed one by one (not in the CSV box): a file loaded replaces the box's rows,
        never these, and says so."""
        return 0

    def action_toggle_csv(self) -> None:
        panel = self.query_one(CsvInput)
        panel.display = not panel.display
        if panel.display:
            panel.query_one("#csv-text").focus()

    @on(CsvInput.Parsed)
    def _csv_parsed(self, message: CsvInput.Parsed) -> None:
        issues = self.model.set_csv_rows(message.parsed.rows)
        message.csv_input.show_issues([*message.parsed.issues, *issues])
        self._refresh()

    # -- checking and planning ---------------------------------------------------------------------------
    def action_check(self) -> None:
        self._start_check(open_plan=False)

    def action_make_plan(self) -> None:
        self._start_check(open_plan=True)

    def _start_check(self, *, open_plan: bool) -> None:
        if self.cio.workspace is None:
            self.notify(NO_WORKSPACE, severity="warning")
            return
        rows = self._rows_to_check()
        if not rows:
            self.notify(self.NOTHING_TO_CHECK, severity="warning")
            return
        busy = Busy(self.query_one(self.STATUS_ID, Label), self.CHECKING.format(count=len(rows)))
        self.run_worker(
            # Textual types a worker's coroutine as Coroutine[None, None, T]; an async function's is [Any, Any, T]
            partial(self._check, rows, open_plan, busy),  # type: ignore[arg-type]
            name="_check",
            group=self.AREA,
            exclusive=True,
            exit_on_error=False,
        )

    async def _check(self, rows: list[Any], open_plan: bool, busy: Busy) -> None:
        await busy.shown()  # the operator sees "Checking…" before the reads start
        try:
            workspace = self.cio.require_workspace()
            build, people = await self._build_plan(ProgressWorkspace(workspace, busy), rows)
        except Exception as exc:  # noqa: BLE001 - shown in words with what to do
            self.notify(describe_error(exc), title=self.CHECK_FAILED, severity="error")
            self._check_failed()
            return
        self.post_message(self.Checked(build, people, open_plan))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        build = message.build
        self.build = build
        issues = self._use_build(message)
        panel = self.query_one(CsvInput)
        panel.show_issues([*panel.parsed.issues, *issues])
        self._refresh()
        planned, left_out = len(build.plan.operations), len(build.excluded)
        self._say_checked(planned, left_out, message.open_plan)
        if not message.open_plan:
            return
        if planned == 0:
            self.notify(self.NOTHING_TO_PLAN, title="Nothing to plan", severity="warning")
            return
        self.notify(self.PLAN_MADE.format(planned=planned, left_out=left_out), title="Plan made")
        self._planned = list(self._rows_to_check())
        self.post_message(OpenPlan(build.plan))

    def unsaved_text(self) -> str | None:
        rows = self._rows_to_check()
        if not rows or rows == self._planned:
            return None
        return f"{self.AREA_TITLE}: {len(rows)} change(s) not made into a plan yet"

    def action_plan_merges(self) -> None:
        ws = self.cio.workspace
        if ws is None or not self.proposals:
            self.notify(self.NO_PROPOSALS, severity="warning")
            return
        plan = merge_plan(
            self.proposals,
            workspace_fingerprint=ws.fingerprint,
            workspace_name=ws.name,
            created_at=self.cio.services.clock(),
        )
        self.post_message(OpenPlan(plan))


class ProgressWorkspace:
    """The open workspace, with a client that reports its bulk reads on the status line."""

    def __init__(self, workspace: Workspace, busy: Busy) -> None:
        self._workspace = workspace
        # a proxy (it forwards what it does not wrap by __getattr__), so it is the contract only by cast
        self.client = cast("CioClient", ProgressClient(workspace.client, busy.progress))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._workspace, name)


__all__ = ["NO_WORKSPACE", "IdChangesScreen", "ProgressWorkspace", "proposals_text"]
