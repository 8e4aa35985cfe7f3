"""The operator's previewed calls as the walkthrough reads them (the preview and prepare steps).

A ``PreviewedCall`` is one entry of the preview result (the ``cio-tui preview --json`` shape: ``input``,
``actions.requests[].action``, ``actions.errors``, ``warnings[{code, message}]``) tagged with the saved set it came
from. Loading saved sets and running the preview is done by ``cio_tui.walkthrough._segment_adapter``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CallWarning(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str
    message: str = ""


class PreviewedCall(BaseModel):
    model_config = ConfigDict(extra="ignore")

    set_name: str = ""
    input: dict[str, Any] = Field(default_factory=dict)
    actions: list[str] = Field(default_factory=list, description="Actions slugs the call triggers")
    errors: list[str] = Field(default_factory=list)
    error_actions: list[str] = Field(default_factory=list, description="Actions slugs that reject the call")
    warnings: list[CallWarning] = Field(default_factory=list)

    @classmethod
    def from_result(cls, result: dict[str, Any], *, set_name: str = "") -> PreviewedCall:
        """From one entry of the preview JSON ``results`` list."""
        actions = result.get("actions") or {}
        return cls(
            set_name=set_name,
            input=result.get("input") or {},
            actions=[r.get("action", "") for r in actions.get("requests") or [] if r.get("action")],
            errors=[f"{e.get('action', '')}: {e.get('message', '')}".strip(": ") for e in actions.get("errors") or []],
            error_actions=[e["action"] for e in actions.get("errors") or [] if e.get("action")],
            warnings=[CallWarning.model_validate(w) for w in result.get("warnings") or []],
        )

    @property
    def type(self) -> str:
        return str(self.input.get("type") or "")

    @property
    def event(self) -> str | None:
        value = self.input.get("event")
        return str(value) if value is not None else None

    @property
    def name(self) -> str | None:
        value = self.input.get("name")
        return str(value) if value is not None else None

    @property
    def properties(self) -> dict[str, Any]:
        value = self.input.get("properties")
        return value if isinstance(value, dict) else {}

    @property
    def is_anonymous(self) -> bool:
        return not self.input.get("userId") and bool(self.input.get("anonymousId"))

    def describe(self) -> str:
        """A short label such as ``track "User Deleted"`` or ``identify u1``."""
        kind = self.type or "call"
        if kind == "track":
            label = f'track "{self.event}"'
        elif kind in ("page", "screen"):
            label = f'{kind} "{self.name}"' if self.name else f"{kind} (no name)"
        elif kind == "group":
            label = f"group {self.input.get('groupId')}"
        elif kind == "alias":
            label = f"alias {self.input.get('previousId')} -> {self.input.get('userId')}"
        else:
            who = self.input.get("userId") or self.input.get("anonymousId") or "(no id)"
            label = f"{kind} {who}"
        return f"{label} [{self.set_name}]" if self.set_name else label

    def has_warning(self, code: str) -> bool:
        return any(w.code == code for w in self.warnings)
