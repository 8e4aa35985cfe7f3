"""What the identity layer and the Walkthrough need of a workspace, as a ``Protocol``.

``cio_tui.workspace.Workspace`` satisfies it; it lives here because the layers below ``workspace`` (identity, the
Walkthrough beside it) may not import that module. Read-only properties, so a ``Workspace`` whose client is the
concrete ``CustomerIOClient`` matches the contract's ``CioClient``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from cio_tui.config import Profile
    from cio_tui.customerio.contract import CioClient


class WorkspaceView(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def is_sandbox(self) -> bool: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def client(self) -> CioClient: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def data_dir(self) -> Path: ...

    def plan_key(self) -> bytes: ...
    def own_settings(self) -> dict[str, Any]: ...


__all__ = ["WorkspaceView"]
