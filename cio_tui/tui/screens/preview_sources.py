"""Where the Preview screen's calls and mappings come from: a calls file, a subscriptions file or Segment's
Public API, and the saved call sets (``PreviewSources``). Files are read and written in thread workers.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import on, work

from cio_tui.segment.callsets import CallSetError, callsets_dir, list_call_sets, save_call_set
from cio_tui.segment.parser import ParseError
from cio_tui.segment.subscriptions import SubscriptionsError, read_subscriptions
from cio_tui.tui.errors import describe_error
from cio_tui.tui.screens.preview_view import PreviewView
from cio_tui.tui.widgets.csv_path import PathPrompt
from cio_tui.tui.widgets.preview_editor import CallEditor
from cio_tui.tui.widgets.preview_modals import LoadCallsModal, SaveSetModal
from cio_tui.tui.widgets.preview_panes import RequestPane

MAX_CALLS_FILE = 20_000_000  # the editor holds the file whole; bigger pastes belong to `cio-tui preview FILE`


class PreviewSources(PreviewView):
    """Opening calls files and subscriptions, and loading and saving call sets."""

    # -- the operator's own mappings (a file of the Public API's subscriptions) --------------------------------
    def action_load_subscriptions(self) -> None:
        value = self.subscriptions_path or "subscriptions.json"
        self.query_one("#preview-path", PathPrompt).ask("subscriptions", "Subscriptions JSON:", value)

    @on(PathPrompt.Given, "#preview-path")
    def _path_given(self, message: PathPrompt.Given) -> None:
        if message.purpose == "calls":
            self.open_calls_file(message.path)
        else:
            self.load_subscriptions(message.path)

    # -- a file of calls -------------------------------------------------------------------------------------
    def action_open_file(self) -> None:
        self.query_one("#preview-path", PathPrompt).ask("calls", "Calls file:", self.calls_path or "calls.js")

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def open_calls_file(self, path: Path) -> None:
        try:
            size = await asyncio.to_thread(lambda: path.stat().st_size)
            if size > MAX_CALLS_FILE:
                self.say(
                    f"NOT OPENED: {path.name} is {size / 1e6:.1f} MB; the editor takes files up to "
                    f"{MAX_CALLS_FILE / 1e6:.0f} MB (split it, or use `cio-tui preview FILE`).",
                    error=True,
                )
                return
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.say(f"CANNOT READ {path}: {getattr(exc, 'strerror', None) or exc}. Check the path.", error=True)
            return
        self.replace_text(
            self.query_one("#preview-editor", CallEditor), text,
            came_from=f"the {len(text.splitlines())} line(s) of {path.name} (ctrl+s saves yours first)",
            then=lambda: self._opened(path, text), kept=self._kept_text,
            on_kept=lambda: self.say(f"Kept the editor's calls; {path.name} was not opened."),
        )  # fmt: skip

    def _opened(self, path: Path, text: str) -> None:
        self.calls_path = str(path)
        self._prefilled(text)
        self.notify(f"Opened {path.name}.", markup=False)

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def load_subscriptions(self, path: Path) -> None:
        """Read and check the subscriptions in a thread; every problem names the subscription and the field."""
        try:
            text = await asyncio.to_thread(path.read_text, encoding="utf-8")
            subscriptions = read_subscriptions(text)
        except (OSError, UnicodeDecodeError) as exc:
            self.say(f"CANNOT READ {path}: {exc}", error=True)
            return
        except SubscriptionsError as exc:
            shown = " | ".join(exc.problems[:3]) + (
                f" (and {len(exc.problems) - 3} more)" if len(exc.problems) > 3 else ""
            )
            self.say(f"NOT LOADED: {path.name}: {shown}. The preview keeps its current mappings.", error=True)
            return
        self.subscriptions, self.subscriptions_path = subscriptions, str(path)
        notes = "".join(f"\n- {note}" for note in subscriptions.notes[:4])
        more = f"\n(and {len(subscriptions.notes) - 4} more notes)" if len(subscriptions.notes) > 4 else ""
        self._mappings_changed(f"Your subscriptions from {path.name}: {subscriptions.summary()}.{notes}{more}")

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def action_live_subscriptions(self) -> None:
        """Read the subscriptions from Segment (a worker: the Public API client does the IO)."""
        from cio_tui.walkthrough.live_mappings import read_live_mappings

        workspace = self.cio.workspace
        if workspace is None:
            self.notify("No workspace is open: open one in Connect (press 9).", severity="warning")
            return
        self.say("Reading your Actions destination's subscriptions from Segment...")
        services = self.cio.services
        try:
            live = await read_live_mappings(services.settings, services.credentials, workspace)
        except SubscriptionsError as exc:
            self.say("NOT LOADED: " + " | ".join(exc.problems[:3]), error=True)
            return
        except Exception as exc:  # API failures: words and a next step, never a crash
            self.say(f"NOT LOADED: {describe_error(exc)}", error=True)
            return
        if live.subscriptions is None:
            self.say(f"NOT LOADED: {live.message}", error=True)
            return
        self.subscriptions, self.subscriptions_path = live.subscriptions, ""
        self._mappings_changed(live.message)

    def action_default_presets(self) -> None:
        if self.subscriptions is None:
            self.notify("The preview already uses the default presets.")
            return
        self.subscriptions = None
        self._mappings_changed("Back to the Actions destination's default presets.")

    def _mappings_changed(self, note: str) -> None:
        title = "Actions (your subscriptions)" if self.subscriptions else "Actions (default presets)"
        self.query_one("#pane-actions", RequestPane).border_title = title
        self.notify(note, title="Mappings", markup=False)
        if self.query_one("#preview-editor", CallEditor).text.strip():
            self.action_run_preview()
        else:
            self.say(note)

    # -- call sets (files: thread workers) ---------------------------------------------------------------------
    def _folder(self) -> Path:
        workspace = self.cio.workspace
        base = workspace.data_dir if workspace is not None and workspace.data_dir else None
        settings = self.cio.services.settings
        assert settings is not None, "the app's settings are loaded before its first area opens"
        return callsets_dir(Path(base) if base else Path(settings.data_dir))

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def action_load_calls(self) -> None:
        saved = await asyncio.to_thread(list_call_sets, self._folder())
        self.app.push_screen(LoadCallsModal(saved), self._loaded)

    def _loaded(self, text: str | None) -> None:
        if text is not None:
            self.prefill(text, came_from="the saved set")

    def action_save_calls(self) -> None:
        text = self.query_one("#preview-editor", CallEditor).text
        if not text.strip():
            self.notify("The editor is empty: paste or load calls first.", severity="warning")
            return

        def chosen(name: str | None) -> None:
            if name:
                self.save_set(name, text)

        self.app.push_screen(SaveSetModal(self.set_name), chosen)

    @work(exclusive=True, group="preview-sets", exit_on_error=False)
    async def save_set(self, name: str, text: str) -> None:
        try:
            path = await asyncio.to_thread(save_call_set, self._folder(), name, text)
        except ParseError as exc:
            self.say(f"NOT SAVED: line {exc.line}, column {exc.column}: {exc.reason}", error=True)
            return
        except (CallSetError, OSError) as exc:
            self.notify(f"Not saved: {exc}", severity="error", markup=False)
            return
        self.set_name = name
        self._kept_text = text
        self.notify(
            f"Saved the set '{name}' ({path.name}); the Walkthrough can replay it.", title="Saved", markup=False
        )
