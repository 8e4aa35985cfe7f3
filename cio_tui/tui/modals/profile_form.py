"""Add or edit a workspace profile: site id, region, the two API keys (password fields), optional API hosts.

Dismisses with a ``ProfileForm`` (the profile and any keys typed) or ``None``. Keys typed here are wrapped in
``SecretStr`` at once; the fields are password fields, so they never show on screen or in screenshots.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr, ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from cio_tui.config import ConfigError, Profile, check_profile_name


@dataclass
class ProfileForm:
    profile: Profile
    track_key: SecretStr | None
    app_key: SecretStr | None
    check: bool
    """The operator asked to check the keys live right after saving."""


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where.replace('_', ' ')}: {str(err.get('msg')).removeprefix('Value error, ')}"


class ProfileFormModal(ModalScreen[ProfileForm | None]):
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save(False)",
            "Save",
            id="profile_form.save",
            priority=True,
            tooltip="Save the profile and its keys",
        ),
        Binding(
            "ctrl+r",
            "save(True)",
            "Save and check",
            id="profile_form.save_check",
            priority=True,
            tooltip="Save, then check both keys live",
        ),
        Binding("escape", "cancel", "Cancel", id="profile_form.cancel", tooltip="Close without saving"),
    ]

    def __init__(self, existing: Profile | None = None, *, keys_stored: bool = False) -> None:
        super().__init__()
        self.existing = existing
        self.keys_stored = keys_stored

    def compose(self) -> ComposeResult:
        p = self.existing
        keep = "stored; leave empty to keep it" if self.keys_stored else "paste the key"
        with Vertical(id="profile-dialog", classes="dialog"):
            yield Label(f"Edit profile {p.name}" if p else "Add a workspace profile", classes="dialog-title")
            with VerticalScroll(id="profile-fields"):
                yield Label("Profile name (letters, digits, - _ .)")
                yield Input(p.name if p else "", id="pf-name", compact=True, disabled=p is not None, placeholder="prod")
                yield Label("Site id (Settings > API credentials > Track API keys)")
                yield Input(p.site_id if p else "", id="pf-site", compact=True, placeholder="site id")
                yield Label("Region of the workspace (the live check detects it)")
                yield Select(
                    [("US", "us"), ("EU", "eu")],
                    value=p.region if p else "us",
                    allow_blank=False,
                    id="pf-region",
                    compact=True,
                )
                yield Label("Track API key")
                yield Input(id="pf-track", compact=True, password=True, placeholder=keep)
                yield Label("App API key (full access or read-only)")
                yield Input(id="pf-app", compact=True, password=True, placeholder=keep)
                yield Label("Track and App API hosts (optional; for a proxy or a sandbox server)")
                with Horizontal(classes="pf-urls"):
                    yield Input(
                        (p.track_url or "") if p else "", id="pf-track-url", compact=True, placeholder="https://track…"
                    )
                    yield Input(
                        (p.app_url or "") if p else "", id="pf-app-url", compact=True, placeholder="https://api…"
                    )
            yield Static("", id="pf-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (^s)", id="pf-save", variant="primary", compact=True)
                yield Button("Save and check (^r)", id="pf-save-check", variant="success", compact=True)
                yield Button("Cancel (esc)", id="pf-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#pf-site" if self.existing else "#pf-name", Input).focus()

    def _value(self, widget_id: str) -> str:
        return self.query_one(widget_id, Input).value.strip()

    def _secret(self, widget_id: str) -> SecretStr | None:
        value = self._value(widget_id)
        return SecretStr(value) if value else None

    def build(self) -> ProfileForm | str:
        """The form's content, or the first problem in words."""
        name = self.existing.name if self.existing else self._value("#pf-name")
        try:
            check_profile_name(name)
        except ConfigError as exc:
            return str(exc)
        base = self.existing.model_dump() if self.existing else {}
        try:
            profile = Profile(
                **{
                    **base,
                    "name": name,
                    "site_id": self._value("#pf-site"),
                    "region": self.query_one("#pf-region", Select).value,
                    "track_url": self._value("#pf-track-url") or None,
                    "app_url": self._value("#pf-app-url") or None,
                }
            )
        except ValidationError as exc:
            return _first_error(exc)
        track, app = self._secret("#pf-track"), self._secret("#pf-app")
        if not self.keys_stored and (track is None or app is None):
            missing = " and ".join(n for n, v in (("Track API key", track), ("App API key", app)) if v is None)
            return f"Enter the {missing}: a new profile needs both keys."
        return ProfileForm(profile=profile, track_key=track, app_key=app, check=False)

    def action_save(self, check: bool) -> None:
        result = self.build()
        if isinstance(result, str):
            self.query_one("#pf-error", Static).update(f"Cannot save: {result}")
            return
        result.check = check
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _next_field(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#pf-save")
    def _save(self) -> None:
        self.action_save(False)

    @on(Button.Pressed, "#pf-save-check")
    def _save_check(self) -> None:
        self.action_save(True)

    @on(Button.Pressed, "#pf-cancel")
    def _cancel(self) -> None:
        self.action_cancel()


__all__ = ["ProfileForm", "ProfileFormModal"]
