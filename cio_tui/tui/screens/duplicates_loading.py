"""The Duplicates screen's loading: groups from a people export file, a result table of the duplicate rules (its
people re-read live) or a live export of the workspace, with progress, and the check that an export's people are in
the open workspace.

The analysis is ``identity.duplicates`` (DuckDB, imported only when an analysis starts) and runs in a thread worker
with progress; the live export and the re-reads run in async workers through the workspace's client.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.message import Message
from textual.widgets import Label, ProgressBar

from cio_tui.tui.errors import describe_error
from cio_tui.tui.screens.duplicates_calibration import DuplicatesCalibration, HeaderRefused
from cio_tui.tui.widgets.csv_path import PathPrompt


class DuplicatesLoading(DuplicatesCalibration):
    """Loading groups into the screen; ``load_groups`` (the screen's) shows them."""

    foreign_warning: str | None = None
    """Set when the export's people are not in the open workspace (the warning shown)."""

    @dataclass
    class Loaded(Message):
        groups: list[Any]
        source: str
        summary: dict[str, Any]
        problems: list[str]

    @dataclass
    class Progressed(Message):
        stage: str
        fraction: float

    def load_groups(
        self,
        groups: list[Any],
        *,
        source: str,
        summary: dict[str, Any] | None = None,
        problems: list[str] | None = None,
    ) -> None:
        """Show these groups (the screen's table, chart and lines)."""
        raise NotImplementedError

    def action_open_export(self) -> None:
        self.query_one(PathPrompt).ask("export", "People export or result table (CSV or Parquet):", "people.csv")

    @on(PathPrompt.Given, "#dup-path")
    def _path_given(self, message: PathPrompt.Given) -> None:
        if message.purpose == "export":
            self.load_export(message.path)

    def load_export(self, path: Path) -> None:
        """Analyse a people export file (in a thread worker, with progress); a result table of the duplicate rules
        (from a warehouse, PostgreSQL, Spark or ``duplicates --out``) is read back instead, its people re-read live."""
        from cio_tui.identity.duplicates.result_table import is_result_table

        try:
            result_table = is_result_table(path)
        except OSError as exc:
            self.notify(f"Could not open {path}: {exc}. Check the path.", title="File not opened", severity="error")
            return
        if result_table:
            if self.cio.workspace is None:
                self.notify(f"{path.name} is a result table: its people are read live before anything is shown, so "
                            "open a workspace in Connect (press 9) first.", severity="warning")  # fmt: skip
                return
            self._progress(f"reading {path.name}", 0.0)
            self._from_groups(path)
            return
        self._progress(f"reading {path.name}", 0.0)
        self._analyse(path, path.name)

    @work(exclusive=True, group="duplicates", exit_on_error=False)
    async def _from_groups(self, path: Path) -> None:
        """A result table back into groups: every person re-read live; stale rows listed as problems."""
        from cio_tui.identity.duplicates.from_groups import load_groups
        from cio_tui.identity.duplicates.result_table import read_result

        try:
            workspace = self.cio.require_workspace()
            rows = read_result(path)
            loaded = await load_groups(workspace.client, rows, source=path.name, progress=self._progress)
        except Exception as exc:  # noqa: BLE001 - ResultTableError, API errors: shown in words with what to do
            self._done_progress()
            self.notify(describe_error(exc), title="Result table not opened", severity="error")
            return
        summary = {"rows": loaded.rows, "groups": len(loaded.groups), "stale": len(loaded.stale)}
        self.post_message(self.Loaded(loaded.groups, f"result table {path.name}", summary,
                                      [str(s) for s in loaded.stale]))  # fmt: skip

    def action_live_export(self) -> None:
        if self.cio.workspace is None:
            self.notify("No workspace is open: open one in Connect (press 9).", severity="warning")
            return
        self._progress("starting a people export", 0.0)
        self._live()

    @work(exclusive=True, group="duplicates", exit_on_error=False)
    async def _live(self) -> None:
        from cio_tui.identity.duplicates.live import fetch_live_export

        try:
            workspace = self.cio.require_workspace()
            path = await fetch_live_export(
                workspace.client,
                Path(workspace.data_dir) / "exports",
                progress=lambda stage, f: self._progress(stage, f * 0.5),
            )
        except Exception as exc:  # noqa: BLE001 - shown in words with what to do
            self._done_progress()
            self.notify(describe_error(exc), title="Live export failed", severity="error")
            return
        self._analyse(path, f"live export {path.name}", base=0.5)

    @work(thread=True, exclusive=True, group="duplicates-analysis", exit_on_error=False)
    def _analyse(self, path: Path, source: str, base: float = 0.0) -> None:
        from cio_tui.identity.duplicates.engine import analyse_export

        def report(stage: str, fraction: float) -> None:
            self.post_message(self.Progressed(stage, base + (1 - base) * fraction))

        try:
            mapping = self.header_mapping(path)
            with analyse_export(path, keep_attributes=True, progress=report, columns_map=mapping) as analysis:
                groups = analysis.groups()
                summary = analysis.summary()
                problems = [str(p) for p in analysis.problems]
        except HeaderRefused as exc:
            self.app.call_from_thread(self._done_progress)
            self.app.call_from_thread(self.notify, str(exc), title="Export refused", severity="error", timeout=20,
                                      markup=False)  # fmt: skip
            return
        except Exception as exc:  # noqa: BLE001 - ExportError, OSError, DuckDB errors: shown in words
            self.app.call_from_thread(self._done_progress)
            self.app.call_from_thread(
                self.notify,
                f"Could not analyse {path}: {exc}. Check the path and the header.",
                title="Export not analysed",
                severity="error",
            )
            return
        self.post_message(self.Loaded(groups, source, summary, problems))

    @on(Progressed)
    def _on_progress(self, message: Progressed) -> None:
        self._progress(message.stage, message.fraction)

    def _progress(self, stage: str, fraction: float) -> None:
        self.query_one("#dup-progress-row").display = True
        self.query_one("#dup-progress", ProgressBar).update(progress=round(fraction * 100))
        self.query_one("#dup-stage", Label).update(stage)

    def _done_progress(self) -> None:
        self.query_one("#dup-progress-row").display = False

    @on(Loaded)
    def _on_loaded(self, message: Loaded) -> None:
        self._done_progress()
        self.load_groups(message.groups, source=message.source, summary=message.summary, problems=message.problems)
        if message.problems:
            more = f" (and {len(message.problems) - 3} more)" if len(message.problems) > 3 else ""
            title = "Left out as stale" if message.source.startswith("result table") else "Problems in the export"
            # the lines quote values from the file: never read as markup
            self.notify(
                "\n".join(message.problems[:3]) + more, title=title, severity="warning", timeout=12, markup=False
            )
        if message.groups and self.cio.workspace is not None:
            self._match_workspace([m.cio_id or "" for g in message.groups for m in g.members])

    @work(exclusive=True, group="duplicates-match", exit_on_error=False, description="Matching the workspace")
    async def _match_workspace(self, cio_ids: list[str]) -> None:
        """Warn when the export's people are not in the open workspace (a read-only sample)."""
        from cio_tui.identity.duplicates.workspace_match import match_workspace

        workspace = self.cio.workspace
        if workspace is None:
            return
        try:
            match = await match_workspace(workspace.client, cio_ids)
        except Exception:  # noqa: BLE001 - an advisory check: the analysis stays usable without it
            return
        warning = match.warning(workspace.name)
        self.foreign_warning = warning
        if warning is not None:
            self.notify(warning, title="Not this workspace's people?", severity="warning", timeout=20)


__all__ = ["DuplicatesLoading"]
