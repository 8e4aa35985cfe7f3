"""A workspace named before it is open: what the banner says and where its local state is.

Kept apart from ``cio_tui.workspace`` (the workspace, its client and its opening), which the first frame of
``cio-tui --sandbox`` does not need: importing it and building its dataclasses cost about 1% of the instructions to
that frame, and it now loads with the opening, after the frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cio_tui.workspace_sandbox import SANDBOX_NAME


def workspace_dir_in(data_dir: Path, fingerprint: str) -> Path:
    """The folder of the workspace ``fingerprint`` under the data dir ``data_dir`` (see ``workspace.workspace_dir``)."""
    return Path(data_dir) / "workspaces" / fingerprint.replace(":", "-")


@dataclass(frozen=True)
class WorkspaceGlance:
    """A workspace named before it is open: what the banner says and where its local state is, known without the
    settings model, the keyring or the client (``sandbox_glance``), so the TUI can draw its first area at once while
    the workspace opens. Opening it may still fail: the app then says so."""

    name: str
    region: str
    is_sandbox: bool
    data_dir: Path
    """The workspace's folder (``workspace_dir``); it may not exist yet."""


def sandbox_glance(data_dir: Path) -> WorkspaceGlance:
    """The embedded sandbox's glance, its folder under the app's data dir ``data_dir``."""
    from cio_tui.regions import fingerprint
    from cio_tui.sandbox.credentials import ORIGIN, SITE_ID

    region = "us"  # sandbox_profile()'s
    folder = workspace_dir_in(data_dir, fingerprint(region, SITE_ID, (ORIGIN, ORIGIN)))
    return WorkspaceGlance(name=SANDBOX_NAME, region=region, is_sandbox=True, data_dir=folder)


__all__ = ["WorkspaceGlance", "sandbox_glance", "workspace_dir_in"]
