"""The Walkthrough's rehearsal on traffic (the preview step), as screen tasks: the replay in a thread with its progress
in the panel, and an example's call opened in Preview. Mixed into ``WalkthroughScreen`` (it provides ``service``,
``overview`` and the panels)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from cio_tui.tui.screens.walkthrough_host import WalkthroughHost
from cio_tui.tui.widgets.walkthrough_base import Record
from cio_tui.walkthrough.steps import step_by_key

if TYPE_CHECKING:
    from cio_tui.identity.workspace_view import WorkspaceView
    from cio_tui.walkthrough.rehearsal import Mappings


class RehearsalTasks(WalkthroughHost):
    """Mixed into ``WalkthroughScreen`` (which sets ``service`` and ``overview`` and has the panels)."""

    @work(thread=True, group="walkthrough-state", exit_on_error=False)
    def _preview_line(self, path: Path, line: int) -> None:
        """Open Preview on the call at ``line`` of the traffic file (JSON lines, a JSON array or a warehouse
        table); when nothing readable is there any more (the file changed), say where it was."""
        from cio_tui.segment.replay.traffic import call_at_line
        from cio_tui.tui.messages import OpenPreview

        text = call_at_line(path, line)
        if text is None:
            where = (
                f"No call at line {line} of {path} any more (the file changed since the rehearsal?): rehearse again."
            )
            self.app.call_from_thread(self.notify, where, severity="warning", markup=False)
            return
        self.app.call_from_thread(self.post_message, OpenPreview(text))

    @work(thread=True, group="walkthrough-state", exit_on_error=False)
    def _view_report(self, path: Path) -> None:
        """The rehearsal's Markdown report, read in a thread and shown in the app."""
        from cio_tui.tui.modals.report_view import ReportModal

        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            why = f"Cannot read the report {path}: {getattr(exc, 'strerror', None) or exc}. Rehearse again."
            self.app.call_from_thread(self.notify, why, severity="error", markup=False)
            return
        modal = ReportModal("Rehearsal on real traffic: the report", text, str(path))
        self.app.call_from_thread(self.app.push_screen, modal)

    async def _mappings(self, workspace: WorkspaceView, subscriptions: str | None) -> Mappings:
        """The operator's subscriptions file when one is given (a bad one fails the rehearsal, naming the
        subscription and the field), else the Actions destination's own subscriptions when Segment has one and a
        token reads it, else the default presets."""
        import asyncio

        from cio_tui.walkthrough.live_mappings import read_live_mappings
        from cio_tui.walkthrough.rehearsal import PRESETS, Mappings, subscriptions_file

        if subscriptions:
            return await asyncio.to_thread(subscriptions_file, Path(subscriptions).expanduser())
        services = self.cio.services
        try:
            live = await read_live_mappings(services.settings, services.credentials, workspace)
        except Exception:  # noqa: BLE001 - mappings that cannot be read or previewed: the presets are rehearsed
            return PRESETS
        if live.subscriptions is None:
            return PRESETS
        return Mappings(live.subscriptions, "your subscriptions read live from Segment")

    @work(group="walkthrough-task", exclusive=True, exit_on_error=False)
    async def _rehearse(self, traffic: Path, export: str | None, subscriptions: str | None = None) -> None:
        """The rehearsal: replay the traffic from the starting people in a thread, progress in the panel, report
        kept."""
        import asyncio
        import threading

        from cio_tui.tui.errors import describe_error
        from cio_tui.tui.widgets.walkthrough_panels import PreviewPanel, rehearsal_text
        from cio_tui.walkthrough.rehearsal import model_settings, rehearse, starting_people

        panel = self.query_one(PreviewPanel)
        loop_thread = threading.get_ident()

        def show(line: str) -> None:  # from the event loop, or from the thread of the traffic pass
            if threading.get_ident() == loop_thread:
                panel.show_progress(line)
            else:
                self.app.call_from_thread(panel.show_progress, line)

        try:
            svc = self._current_service
            own = await asyncio.to_thread(svc.workspace.own_settings)
            mappings = await self._mappings(svc.workspace, subscriptions)
            start = await starting_people(
                svc.workspace, Path(export).expanduser() if export else None, traffic,
                subscriptions=mappings.subscriptions, emails_identify=model_settings(own).email_is_identifier,
                progress=show,
            )  # fmt: skip
            for note in start.notes:  # what could not be read (anonymous ids a workspace will not search on)
                self.notify(note, title="Rehearsal", severity="warning", markup=False)
            panel.show_progress(f"Replaying from {len(start.people)} people ({start.source}), {mappings.label()}...")
            record = await asyncio.to_thread(
                rehearse, traffic, start.people, data_dir=svc.data_dir, now=svc.now(), settings=own,
                mappings=mappings, starting_from=start.source,
                progress=lambda p: self.app.call_from_thread(panel.show_progress, p.line()),
            )  # fmt: skip
        except Exception as exc:  # every failure becomes words and what to do
            known = isinstance(exc, ValueError)  # unreadable traffic or export: the message says what to do
            panel.show_progress(rehearsal_text(self.overview.state.rehearsal if self.overview else None))
            self.notify(str(exc) if known else describe_error(exc), title="Rehearsal", severity="error", timeout=12,
                        markup=False)  # fmt: skip
            return
        self.post_message(Record(step_by_key("preview").number, {"rehearsal": record}))
        self.notify(f"{record.people_differing} people end up different; the report is {record.report_path}",
                    title="Rehearsal", markup=False)  # fmt: skip
