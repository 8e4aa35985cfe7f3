"""What a typed confirmation asks (the workspace, the action, what cannot be undone): built by the view-models,
shown by ``tui/modals/confirm_typed.py``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConfirmRequest:
    """What the operator is asked to confirm."""

    workspace: str
    action: str  # e.g. "Apply 12 operations"
    summary: list[str] = field(default_factory=list)  # one line each, e.g. "3 merge (irreversible)"
    irreversible: list[str] = field(default_factory=list)  # what cannot be undone, in words
    is_live: bool = True
    confirm: str = ""  # what must be typed; the workspace name unless given (the site id of an env profile)
    confirm_label: str = "workspace name"

    @property
    def is_irreversible(self) -> bool:
        return bool(self.irreversible)

    @property
    def word(self) -> str:
        return self.confirm or self.workspace


__all__ = ["ConfirmRequest"]
