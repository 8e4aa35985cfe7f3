"""Connect: the workspace profiles, their keys (OS keyring, or session memory when none is usable), live checks,
and the sandbox. Keyring access and saving run in thread workers; checks and opening in async workers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Label, Static

from cio_tui.tui.errors import describe_error
from cio_tui.tui.modals.confirm import ConfirmModal
from cio_tui.tui.modals.profile_form import ProfileForm, ProfileFormModal
from cio_tui.tui.screens.base import AreaScreen
from cio_tui.tui.services import StartChoice
from cio_tui.tui.viewmodels.connect_panels import check_text, keyring_text, keys_label
from cio_tui.tui.widgets.connect_profiles import ProfilesTable

OPEN_SANDBOX = "(sandbox)"  # not a valid profile name: ``k`` with no profile highlighted checks the open sandbox

if TYPE_CHECKING:
    from cio_tui.credentials import CredentialStatus
    from cio_tui.customerio.validate import ProfileCheck

ENV = "env"


class ConnectScreen(AreaScreen):
    AREA = "connect"
    HELP = (
        "Workspace profiles: the site id, region and API hosts are saved in the config file; the Track and App API "
        "keys go to the OS keyring (service cio-tui), never to a file. Check a profile to test each key live and "
        "detect the region. Without a usable keyring, keys are kept for this session only; or set CIO_TUI_SITE_ID, "
        "CIO_TUI_TRACK_API_KEY and CIO_TUI_APP_API_KEY in the environment. The sandbox needs no account."
    )
    FOOTER_FIRST = ("connect.open", "connect.add", "connect.sandbox")
    BINDINGS = [
        Binding("o", "open_selected", "Open", id="connect.open", tooltip="Open the highlighted profile's workspace"),
        Binding("a", "add", "Add profile", id="connect.add", tooltip="Add a workspace profile and its keys"),
        Binding("e", "edit", "Edit", id="connect.edit", tooltip="Edit the highlighted profile (and replace keys)"),
        Binding(
            "k",
            "check",
            "Check keys",
            id="connect.check",
            tooltip="Check both keys of the highlighted profile live, and detect its region",
        ),
        Binding(
            "s",
            "sandbox",
            "Open sandbox",
            id="connect.sandbox",
            tooltip="Open the embedded sandbox workspace (no account needed)",
        ),
        Binding(
            "r",
            "use_detected_region",
            "Use detected region",
            id="connect.use_detected_region",
            tooltip="Save the region the last check detected into the profile, then check again",
        ),
        Binding(
            "d",
            "remove",
            "Remove profile",
            id="connect.remove",
            show=False,
            tooltip="Remove the highlighted profile and its stored keys (asks first)",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.key_state: dict[str, tuple[bool, bool]] = {}
        self.last_check: ProfileCheck | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="connect-main"):
            yield Label("Workspace profiles", classes="section-title")
            yield ProfilesTable(id="profiles-table")
            with Horizontal(id="connect-buttons"):
                yield Button("Open (o)", id="btn-open", variant="primary")
                yield Button("Add (a)", id="btn-add")
                yield Button("Edit (e)", id="btn-edit")
                yield Button("Check keys (k)", id="btn-check")
                yield Button("Sandbox (s)", id="btn-sandbox", variant="success")
            yield Static("", id="check-result", markup=False)
            yield Static("Looking for a keyring…", id="keyring-status", markup=False)
            yield Button("Continue with session-only keys", id="btn-session", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#btn-session").display = False
        self.query_one("#check-result").display = False
        self.refresh_profiles()
        self.probe_keyring()

    # -- data ---------------------------------------------------------------------------------------
    @property
    def settings(self) -> Any:
        return self.cio.services.settings

    @property
    def credentials(self) -> Any:
        return self.cio.services.credentials

    def profile_names(self) -> list[str]:
        names = sorted(self.settings.profiles)
        return ([ENV] if self.settings.has_env_profile else []) + names

    def selected(self) -> str | None:
        table = self.query_one("#profiles-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def refresh_profiles(self) -> None:
        table = self.query_one("#profiles-table", DataTable)
        keep = self.selected()
        table.clear()
        default = self.settings.default_profile
        for name in self.profile_names():
            if name == ENV:
                env = self.settings.env_profile()
                table.add_row(ENV, env.region.upper(), env.site_id, "from CIO_TUI_* variables", "wins", key=ENV)
                continue
            p = self.settings.profiles[name]
            state = keys_label(self.key_state.get(name))
            table.add_row(name, p.region.upper(), p.site_id, state, "yes" if name == default else "", key=name)
        if not table.row_count:
            table.add_row("(none yet)", "", "", "press a to add one, or s for the sandbox", "", key="")
        names = self.profile_names()
        if keep in names:
            table.move_cursor(row=names.index(keep))
        if any(n != ENV and n not in self.key_state for n in names):
            self.read_key_state()

    @work(thread=True, exclusive=True, group="connect-probe", exit_on_error=False)
    def probe_keyring(self) -> None:
        status = self.credentials.status  # the keyring probe: only ever in this thread
        self.app.call_from_thread(self._show_keyring, status)

    def _show_keyring(self, status: CredentialStatus) -> None:
        panel = self.query_one("#keyring-status", Static)
        panel.update(keyring_text(status))
        panel.set_class(not status.persistent, "-warning")
        self.query_one("#btn-session").display = not status.persistent and status.backend_name != "session memory"

    @work(thread=True, exclusive=True, group="connect-keys", exit_on_error=False)
    def read_key_state(self) -> None:
        state: dict[str, tuple[bool, bool]] = {}
        for name in list(self.settings.profiles):
            try:
                track, app = self.credentials.keys(name)
            except Exception:  # an unreadable keyring shows as missing keys; the status panel says why
                track = app = None
            state[name] = (track is not None, app is not None)
        self.app.call_from_thread(self._got_key_state, state)

    def _got_key_state(self, state: dict[str, tuple[bool, bool]]) -> None:
        self.key_state.update(state)
        self.refresh_profiles()

    # -- actions ------------------------------------------------------------------------------------
    def action_add(self) -> None:
        self.app.push_screen(ProfileFormModal(), self._form_done)

    def action_edit(self) -> None:
        name = self.selected()
        if not name or name == ENV:
            self.notify(
                "Highlight a saved profile to edit (the env profile is edited in the environment).", severity="warning"
            )
            return
        stored = self.key_state.get(name, (False, False))
        self.app.push_screen(ProfileFormModal(self.settings.profiles[name], keys_stored=any(stored)), self._form_done)

    def _form_done(self, form: ProfileForm | None) -> None:
        if form is None:
            return
        stored = self.key_state.get(form.profile.name, (False, False))
        replacing = [
            label
            for label, typed, has in (
                ("Track API key", form.track_key, stored[0]),
                ("App API key", form.app_key, stored[1]),
            )
            if typed and has
        ]
        if not replacing:
            self.save(form)
            return
        where = "the OS keyring" if self.credentials.persistent else "this session's key store"

        def answered(yes: bool | None) -> None:
            self.save(form if yes else replace(form, track_key=None, app_key=None), kept=not yes)

        it = "them" if len(replacing) > 1 else "it"
        body = (
            f"Profile {form.profile.name} already has its {' and '.join(replacing)} in {where}. "
            f"Replace {it} with what you typed? No keeps the stored keys and saves the rest of the profile."
        )
        self.app.push_screen(ConfirmModal("Replace the stored keys?", body, yes="Replace", no="Keep"), answered)

    @work(thread=True, group="connect-save", exit_on_error=False)
    def save(self, form: ProfileForm, *, kept: bool = False) -> None:
        from cio_tui.config import save_profile

        name = form.profile.name
        try:
            save_profile(form.profile, self.settings)
            for kind, key in (("track", form.track_key), ("app", form.app_key)):
                if key is not None:
                    self.credentials.set(name, kind, key)
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, f"Could not save profile {name}: {describe_error(exc)}", severity="error", timeout=12
            )
            return
        where = "the OS keyring" if self.credentials.persistent else "memory for this session only"
        keys = "kept the stored keys" if kept else (f"keys in {where}" if form.track_key or form.app_key else "")
        self.app.call_from_thread(self._saved, form, f"Saved profile {name}" + (f"; {keys}." if keys else "."))

    def _saved(self, form: ProfileForm, message: str) -> None:
        self.key_state.pop(form.profile.name, None)
        self.notify(message, title="Connect")
        self.refresh_profiles()
        names = self.profile_names()
        if form.profile.name in names:
            self.query_one("#profiles-table", DataTable).move_cursor(row=names.index(form.profile.name))
        if form.check:
            self.check(form.profile.name)

    def action_check(self) -> None:
        name = self.selected()
        if not name:
            workspace = self.cio.workspace
            if workspace is not None and workspace.is_sandbox:  # no profile highlighted: the open sandbox's keys
                self.check(OPEN_SANDBOX)
                return
            self.notify("Add a profile first (a), or open the sandbox (s).", severity="warning")
            return
        self.check(name)

    @work(exclusive=True, group="connect-check", exit_on_error=False)
    async def check(self, name: str) -> Any:
        panel = self.query_one("#check-result", Static)
        panel.display = True
        panel.set_class(False, "-failed")
        what = "the sandbox" if name == OPEN_SANDBOX else f"profile {name}"
        panel.update(f"Checking {what}: region, Track API key, App API key…")
        if name == OPEN_SANDBOX:
            try:
                result = await self.cio.services.check_sandbox(self.cio.require_workspace())
            except Exception as exc:
                panel.update(f"Check of the sandbox failed: {describe_error(exc)}")
                return None
            return self._checked(result)
        if name == ENV:
            profile = self.settings.env_profile()
            track, app = self.settings.track_api_key, self.settings.app_api_key
        else:
            profile = self.settings.profiles[name]
            try:
                track, app = await asyncio.to_thread(self.credentials.keys, name)
            except Exception as exc:
                panel.update(f"Could not read the keys of {name}: {describe_error(exc)}")
                return None
        try:
            result = await self.cio.services.run_check(profile, track, app)
        except Exception as exc:  # the check itself never raises for a bad key; this is anything else
            panel.update(f"Check of {name} failed: {describe_error(exc)}")
            return None
        return self._checked(result)

    def _checked(self, result: ProfileCheck) -> ProfileCheck:
        panel = self.query_one("#check-result", Static)
        self.last_check = result
        self.refresh_bindings()
        panel.update(check_text(result, self.cio.services.clock()))
        panel.set_class(not result.ok, "-failed")
        return result

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "use_detected_region":  # only after a check that found the profile in the wrong region
            check = self.last_check
            return bool(check is not None and check.profile != ENV and not check.region_ok)
        return super().check_action(action, parameters)

    def action_use_detected_region(self) -> None:
        check = self.last_check
        if check is None or check.region_ok or check.profile not in self.settings.profiles:
            return
        profile = self.settings.profiles[check.profile].model_copy(update={"region": check.detected_region})
        self.last_check = None
        self.refresh_bindings()
        self.save(ProfileForm(profile=profile, track_key=None, app_key=None, check=True))

    def action_open_selected(self) -> None:
        name = self.selected()
        if not name:
            self.notify("Add a profile first (a), or open the sandbox (s).", severity="warning")
            return
        choice = StartChoice(env_profile=True) if name == ENV else StartChoice(profile_name=name)
        self.cio.open_workspace(choice, then="walkthrough")

    def action_sandbox(self) -> None:
        self.cio.open_workspace(StartChoice(sandbox=True), then="walkthrough")

    def action_remove(self) -> None:
        name = self.selected()
        if not name or name == ENV:
            self.notify("Highlight a saved profile to remove.", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.forget_profile(name)

        body = f"Remove profile {name} from the config file and delete its two keys from the key store?"
        self.app.push_screen(ConfirmModal(f"Remove {name}?", body, yes="Remove", no="Keep"), answered)

    @work(thread=True, group="connect-save", exit_on_error=False)
    def forget_profile(self, name: str) -> None:
        """Delete the profile and its keys (not ``remove``: that is ``Widget.remove``, which unmounts the screen)."""
        from cio_tui.config import remove_profile

        try:
            remove_profile(name, self.settings)
            self.credentials.delete_profile(name)
        except Exception as exc:
            self.app.call_from_thread(self.notify, f"Could not remove {name}: {describe_error(exc)}", severity="error")
            return
        self.key_state.pop(name, None)
        self.app.call_from_thread(self.refresh_profiles)
        self.app.call_from_thread(self.notify, f"Removed profile {name} and its keys.", title="Connect")

    # -- buttons ------------------------------------------------------------------------------------
    @on(DataTable.RowSelected, "#profiles-table")
    def _row_chosen(self) -> None:
        self.action_open_selected()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        actions = {
            "btn-open": self.action_open_selected,
            "btn-add": self.action_add,
            "btn-edit": self.action_edit,
            "btn-check": self.action_check,
            "btn-sandbox": self.action_sandbox,
            "btn-session": self._session_only,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    def _session_only(self) -> None:
        self.credentials.use_session_memory("chosen on the Connect screen: no usable keyring")
        self._show_keyring(self.credentials.status)
        self.notify("Keys you enter now are kept in memory until cio-tui exits.", title="Session-only keys")


__all__ = ["ConnectScreen"]
