"""What the operator recorded in the walkthrough, read without loading the whole state (headless, no Textual).

``recorded_identifier_settings(data_dir)`` gives the identifier settings of the identifiers step in the keys of
``cio_tui.segment.outcome.WorkspaceSettings`` (``mode``, ``auto_merge``, ``email_update_by_id``), so the CLI and the
TUI Preview can pass them to ``cio_tui.identity.lookup.choose_settings(..., recorded=...)``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from pydantic import ValidationError

from cio_tui.identity.workspace_view import WorkspaceView
from cio_tui.walkthrough.models import IdentifierSettings
from cio_tui.walkthrough.status import STATE_FILE

if TYPE_CHECKING:
    from cio_tui.config import Settings
    from cio_tui.identity.lookup import ChosenSettings, SettingsOverrides

# IdentifierSettings field -> WorkspaceSettings field
_KEYS = {"mode": "mode", "auto_merge": "auto_merge", "email_updates_by_id": "email_update_by_id"}


def recorded_identifier_settings(data_dir: str | Path | None) -> dict[str, Any] | None:
    """The identifiers step's settings recorded for the workspace whose folder is ``data_dir`` (only the recorded
    ones), or None when nothing is recorded or the state file is missing or unreadable (the prediction then says
    so)."""
    if not data_dir:
        return None
    path = Path(data_dir) / STATE_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        settings = IdentifierSettings.model_validate(raw.get("identifier_settings") or {})
    except (OSError, ValueError, AttributeError, ValidationError):
        return None
    values = {target: getattr(settings, source) for source, target in _KEYS.items()}
    values = {k: v for k, v in values.items() if v is not None}
    return values or None


def workspace_outcome_settings(
    workspace: WorkspaceView, settings: Settings | None, **overrides: Unpack[SettingsOverrides]
) -> ChosenSettings:
    """The settings an outcome prediction for ``workspace`` assumes, with where each came from (a ``ChosenSettings``:
    explicit overrides > the sandbox's own > the Walkthrough's identifiers step > defaults). Reads files: call it off
    the UI thread.
    The one place the CLI preview, the TUI Preview and the People Segment tab get their settings from."""
    from cio_tui.identity.lookup import choose_settings
    from cio_tui.walkthrough.steps import step_by_key

    recorded = recorded_identifier_settings(getattr(workspace, "data_dir", None))
    step = step_by_key("identifiers").number
    return choose_settings(workspace, settings, recorded=recorded, recorded_step=step, **overrides)
