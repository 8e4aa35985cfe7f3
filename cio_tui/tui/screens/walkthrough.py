"""Walkthrough area: the guided migration, step by step, persisted per workspace, ending in a report.

The screen owns the walkthrough service and every IO (workers); panels only show an overview and post ``Record`` /
``Task`` messages (see ``widgets/walkthrough_base.py``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import AwaitMount
from textual.widgets import Button, ContentSwitcher, Input, OptionList, Static

from cio_tui.tui.areas import area
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.screens.walkthrough_saving import WalkthroughSaving
from cio_tui.tui.screens.walkthrough_tasks import WalkthroughTasks, plain
from cio_tui.tui.widgets.walkthrough_base import Record, StepPanel, Task, panel_class
from cio_tui.tui.widgets.walkthrough_steps import StepList, progress_text
from cio_tui.walkthrough.status import StepGlance, first_unfinished, read_steps
from cio_tui.walkthrough.steps import STEP_COUNT, STEPS

if TYPE_CHECKING:
    from cio_tui.walkthrough.service import Overview
    from cio_tui.walkthrough.state import StepState
    from cio_tui.workspace import Workspace

OPEN_AREAS = ("connect", "people", "preview", "duplicates", "leads", "identifiers", "plan")


class WalkthroughScreen(WalkthroughTasks, WalkthroughSaving, AreaScreen):
    AREA = "walkthrough"
    READY_WHEN_DRAWN = False  # usable once the steps and their statuses are shown (_show_glance or _show)
    HELP = (
        "The guided migration from Segment's classic Customer.io destination to Destination Actions. Pick a step "
        "on the left: its explanation, what is left, and its form are on the right. Buttons open the screen that "
        "does the step. Everything you record is saved for this workspace as you go; come back any time."
    )
    BINDINGS = [
        Binding("d", "mark_done", "Done", id="walkthrough.done", tooltip="Mark the selected step done"),
        Binding("s", "skip", "Skip", id="walkthrough.skip", tooltip="Skip the selected step, saying why"),
        Binding("o", "open_area", "Open", id="walkthrough.open", tooltip="Open the screen that does this step"),
        Binding(
            "n",
            "next_step",
            "Next step",
            id="walkthrough.next",
            tooltip="Go to the next unfinished step after this one (back to the first when none is after it)",
        ),
        Binding(
            "r",
            "reload",
            "Reload",
            id="walkthrough.reload",
            tooltip="Read the saved calls, plans and journal again (after using another area)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.service = None
        self.overview = None
        self._lock = threading.Lock()
        self._version = 0
        self._saved_version = 0
        self._shown_step = 0
        self._notes_step = 0  # the step whose notes the notes field holds (0: none yet)
        self._notes_shown = ""  # what the field was filled with (the operator typed when it differs)
        self._mounting: AwaitMount | None = None
        self._glance: dict[int, StepGlance] | None = None
        """Each step as saved, read before the full state (``_read_glance``): the step list and the shown step's
        text are drawn from it while the overview (journal, saved calls, risks, the step's form) is read."""

    # -- layout ---------------------------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        with Horizontal(id="wt-layout"):
            with Vertical(id="wt-left"):
                yield StepList(id="wt-steps")
                with VerticalScroll(id="wt-progress-box", can_focus=False):  # long risks scroll, not cut off
                    yield Static("Opening the walkthrough of this workspace…", id="wt-progress", markup=False)
            with VerticalScroll(id="wt-detail"):
                yield Static("", id="wt-title", markup=False)
                yield Static("", id="wt-purpose", markup=False)
                yield Static("", id="wt-missing", markup=False)
                yield Grid(id="wt-open-buttons")  # each Open button is mounted when a step first shows it
                yield ContentSwitcher(id="wt-panels")  # step panels are mounted on first view (_panel)
                with Horizontal(id="wt-buttons"):
                    yield Button("Done (d)", id="wt-done", variant="success", compact=True)
                    yield Button("Skip (s)", id="wt-skip", compact=True)
                    yield Button("Reset", id="wt-reset", compact=True, tooltip="Mark the step not started")
                yield Input(placeholder="notes for this step (Enter saves)", id="wt-notes", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#wt-detail").display = False
        step_list = self.query_one(StepList)
        self.set_focus(step_list)  # now, not later: the footer's first keys are for it
        # The step is shown as the highlight moves, in the same turn: its OptionHighlighted message climbs three
        # containers first, and on the way Textual drew a frame with only the step list changed.
        self.watch(step_list, "highlighted", self._show_step, init=False)
        self.workspace_changed(self.cio.workspace)

    def workspace_changed(self, workspace: Workspace | None) -> None:
        self.overview = None
        # every form starts over: nothing typed, chosen or said for the previous workspace stays on its steps
        for panel in self.query_one("#wt-panels", ContentSwitcher).query_children(StepPanel):
            panel.start_over()
        with self.prevent(Input.Changed):
            self.query_one("#wt-notes", Input).value = ""
        self._notes_step, self._notes_shown = 0, ""
        if workspace is None or getattr(workspace, "data_dir", None) is None:
            self.service = None
            self._glance = None
            self.query_one("#wt-detail").display = False
            self.query_one("#wt-progress", Static).update(
                "Opening the walkthrough of this workspace…"
                if getattr(self.app, "opening_workspace", False)
                else "No workspace is open: open one in Connect (press 9), or start cio-tui --sandbox to rehearse."
            )
            glance = getattr(self.app, "glance", None)
            if workspace is None and glance is not None:  # the workspace is opening: its saved steps meanwhile
                # Read here, not in a worker: one small local file, and the very first frame then shows the steps
                # (a worker drew a frame without them, then laid out and drew the whole screen again).
                steps = read_steps(glance.data_dir)
                if steps is not None:  # unreadable: the full load says why
                    self._show_glance(steps)
            elif not self.usable and not getattr(self.app, "opening_workspace", False):
                self.drawn_and_usable()  # what it says is all it shows until a workspace opens
            return
        self._load(workspace)  # the service (and its models) is built in the worker: keys stay answered

    def on_screen_resume(self, _event: events.ScreenResume) -> None:  # FocusModel's handler runs too
        """Back from another area: saved call sets, plans and the journal may have changed."""
        if self.service is not None and self.overview is not None:
            self._load()

    def action_reload(self) -> None:
        if self.service is not None:
            self._load()

    @property
    def step_number(self) -> int:
        return self.query_one(StepList).step_number

    _draws_put_off = 0

    def _compositor_refresh(self) -> None:
        """Draw the frame, unless a widget the layout just resized asks for another layout: Textual lays the screen
        out again at once and this frame would be drawn over. A step change resizes the step's text (a second
        layout) and may show or hide the scroll bar (a third), and each frame cost more than its layout. Put off
        at most twice in a row, and never before the screen is usable (its first frame says when it is)."""
        if (
            self.usable
            and self._draws_put_off < 2
            and self is self.app.screen
            and any(widget._layout_required for widget in self._compositor.widgets if widget is not self)
        ):
            self._draws_put_off += 1
            self.call_later(self._draw_put_off)
            return
        self._draws_put_off = 0
        super()._compositor_refresh()

    def _draw_put_off(self) -> None:
        """The layout that was asked for draws the frame; if it has not been asked for (the widget went away), ask."""
        if self._compositor._dirty_regions and not self._layout_required:
            self._layout_required = True
            self.check_idle()

    # -- showing --------------------------------------------------------------------------------------
    def _show_glance(self, steps: dict[int, StepGlance]) -> None:
        if self.overview is not None or (self.cio.workspace is None and self.cio.glance is None):
            return  # the overview came first, or the workspace could not be opened
        first = self._glance is None
        self._glance = steps
        statuses = {n: st.status for n, st in steps.items()}
        if first:
            self.drawn_and_usable()
        self.query_one("#wt-detail").display = True
        step_list = self.query_one(StepList)
        step_list.show(statuses)
        self.query_one("#wt-progress", Static).update(progress_text(statuses, None))
        if first:
            step_list.highlighted = (first_unfinished(statuses) or STEP_COUNT) - 1  # shows it (the watch)
        self._show_step()  # (cheap when shown just now: only what changed is updated)

    def _show(self, overview: Overview) -> None:
        first = self.overview is None
        self.overview = overview
        if first and self._glance is None:
            self.drawn_and_usable()
        self.query_one("#wt-detail").display = True
        steps = self.query_one(StepList)
        statuses = overview.state.statuses()
        steps.show(statuses)
        self.query_one("#wt-progress", Static).update(progress_text(statuses, overview))
        if first and self._glance is None:  # after a glance, the step the operator may have moved to stays
            steps.highlighted = (overview.state.current_step() or STEP_COUNT) - 1
        for panel in self.query_one("#wt-panels", ContentSwitcher).query_children(StepPanel):
            panel.overview = overview
            if panel.is_mounted:  # one mounted just now shows the overview from its on_mount
                panel.show(overview)
        self._show_step()

    def _panel(self, number: int) -> StepPanel:
        """Step ``number``'s panel, mounted (hidden) the first time it is asked for."""
        switcher = self.query_one("#wt-panels", ContentSwitcher)
        try:
            return switcher.get_child_by_id(f"wt-panel-{number}", StepPanel)
        except NoMatches:
            panel = panel_class(number)(id=f"wt-panel-{number}", classes="wt-panel")
            panel.overview = self.overview
            panel.display = False  # the switcher shows it
            self._mounting = switcher.mount(panel)
            return panel

    def _show_step(self) -> None:
        overview = self.overview
        if overview is None and self._glance is None:
            return
        n = self.step_number
        if n != self._shown_step:  # another step: start at its title, not where the last one was scrolled to
            self._shown_step = n
            self.query_one("#wt-detail", VerticalScroll).scroll_home(animate=False)
        step = STEPS[n - 1]
        st: StepState | StepGlance
        if overview is not None:
            st = overview.state.step(n)
        else:
            assert self._glance is not None
            st = self._glance[n]
        # the status on its own line: "[not started]" after the title broke in two at 80 columns
        self._set_text("#wt-title", f"Step {n} of {STEP_COUNT}: {step.title}\nStatus: {st.status_words}")
        self._set_text("#wt-purpose", f"{step.purpose}\n\nDone when: {step.done_when}")
        if overview is None:
            left = "" if st.status.finished else "Left to do: reading this workspace's walkthrough…"
        else:
            gaps = overview.missing[n]
            left = "Left to do:\n" + "\n".join(f"- {g}" for g in gaps) if gaps and not st.status.finished else ""
        self._set_text("#wt-missing", left)
        self._show_open_buttons(step.areas)
        notes = self.query_one("#wt-notes", Input)
        self._save_notes()  # notes typed for the step shown before stay with it: never carried to this one, never lost
        if notes.value != st.notes:
            with self.prevent(Input.Changed):
                notes.value = st.notes
        self._notes_step, self._notes_shown = n, st.notes
        if overview is None:  # the step's form shows the overview: it comes with it
            return
        self._panel(n)
        panels = self.query_one("#wt-panels", ContentSwitcher)
        if panels.current != f"wt-panel-{n}":
            self._keep_focus_visible(panels)
        panels.current = f"wt-panel-{n}"
        # the step shown before may have held the focus (n, a click on another step): once it is hidden, focus
        # goes home, never nowhere
        self.call_after_refresh(self._focus_if_lost)

    def _set_text(self, selector: str, text: str) -> None:
        """Update a Static of the step's text only when its text changed (each update lays the screen out)."""
        static = self.query_one(selector, Static)
        if static.content != text:
            static.update(text)

    def _show_open_buttons(self, areas: tuple[str, ...]) -> None:
        """Show the Open buttons of ``areas`` and hide the others. A button is mounted the first time a step shows
        it, in its place in ``OPEN_AREAS``: the first frame builds and styles one or two buttons, not seven."""
        grid = self.query_one("#wt-open-buttons", Grid)
        made = {(b.id or "").removeprefix("wt-open-"): b for b in grid.query_children(Button)}
        for i, mode in enumerate(OPEN_AREAS):
            button = made.get(mode)
            if button is not None:
                button.display = mode in areas
            elif mode in areas:
                button = made[mode] = Button(
                    f"Open {area(mode).title}", id=f"wt-open-{mode}", classes="wt-open", compact=True
                )
                after = next((made[m] for m in OPEN_AREAS[i + 1 :] if m in made), None)
                grid.mount(button, before=after) if after is not None else grid.mount(button)

    def _keep_focus_visible(self, panels: ContentSwitcher) -> None:
        """Focus in the form (or an Open button) of the step being left would be hidden with it, and Textual would
        move it to a sibling (a text field: letters become text) or to nothing: the step's text takes it instead,
        so PageDown scrolls what is shown and letters are the step's actions, as help says."""
        focused = self.focused
        if focused is None:
            return
        leaving = (panels, self.query_one("#wt-open-buttons"))
        if any(box in focused.ancestors for box in leaving):
            self.set_focus(self.query_one("#wt-detail", VerticalScroll))

    def _focus_if_lost(self) -> None:
        if self.focused is None:
            self.focus_home()

    @on(OptionList.OptionHighlighted, "#wt-steps")
    async def _highlighted(self) -> None:
        # (the step itself was shown by the watch on the highlight)
        mounting, self._mounting = self._mounting, None
        if mounting is not None:  # a step shown for the first time: done once its form is mounted and filled
            await mounting

    # -- persisting (the rest: walkthrough_saving.WalkthroughSaving) -----------------------------------
    @on(Record)
    def _record(self, message: Record) -> None:
        message.stop()
        if self.overview is None:
            return
        self.overview.state.record(message.step, message.values, now=self.cio.services.clock())
        self._changed()

    @on(Input.Submitted, "#wt-notes")
    @on(Input.Blurred, "#wt-notes")
    def _notes(self) -> None:
        self._save_notes()

    # -- actions --------------------------------------------------------------------------------------
    def _still_reading(self) -> bool:
        """True (and says so) while the overview is read: changing a step waits for what is left to do."""
        if self.overview is not None:
            return False
        if self._glance is not None:
            self.notify("Still reading this workspace's walkthrough: try again in a moment.", timeout=3)
        return True

    def action_mark_done(self) -> None:
        if self._still_reading():
            return
        gaps = self._current_overview.missing[self.step_number]
        if not gaps:
            self._set_status("done")
            return
        from cio_tui.tui.modals.confirm import ConfirmModal

        body = "Still open:\n" + "\n".join(f"- {g}" for g in gaps) + "\n\nMark it done anyway?"
        self.app.push_screen(
            ConfirmModal(f"Step {self.step_number} is not finished", plain(body), yes="Mark done"),
            lambda yes: self._set_status("done") if yes else None,
        )

    def action_skip(self) -> None:
        if self._still_reading():
            return
        from cio_tui.tui.modals.walkthrough_skip import SkipStepModal

        n = self.step_number
        self.app.push_screen(
            SkipStepModal(n, STEPS[n - 1].title), lambda reason: self._set_status("skipped", reason) if reason else None
        )

    def action_open_area(self) -> None:
        self.cio.switch_area(STEPS[self.step_number - 1].areas[0])

    def action_next_step(self) -> None:
        """Forward to the next unfinished step (an unfinished step may be left for later), wrapping around."""
        if self.overview is not None:
            statuses = self.overview.state.statuses()
        elif self._glance is not None:
            statuses = {n: st.status for n, st in self._glance.items()}
        else:
            return
        here = self.step_number
        open_steps = [n for n in sorted(statuses) if not statuses[n].finished]
        after = [n for n in open_steps if n > here]
        target = after[0] if after else (open_steps[0] if open_steps else STEP_COUNT)
        self.query_one(StepList).highlighted = target - 1

    @on(Task)
    def _on_task(self, message: Task) -> None:  # not ``_task``: Textual keeps its own task in that attribute
        self.handle_task(message)

    @on(Button.Pressed, "#wt-buttons Button, #wt-open-buttons Button")
    def _button(self, event: Button.Pressed) -> None:
        bid = event.button.id or ""
        if bid.startswith("wt-open-"):
            self.cio.switch_area(bid.removeprefix("wt-open-"))
        elif bid == "wt-done":
            self.action_mark_done()
        elif bid == "wt-skip":
            self.action_skip()
        elif bid == "wt-reset" and self.overview is not None:
            self._set_status("not_started")


__all__ = ["WalkthroughScreen"]
