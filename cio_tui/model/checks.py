"""Which single Track v2 operations Customer.io refuses outright (what makes a batch answer 207), asked of the
engine on an empty what-if workspace: shape and size refusals do not depend on who is in the workspace."""

from __future__ import annotations

from typing import Any

from cio_tui.model.engine import Engine
from cio_tui.model.memory import MemoryStorage
from cio_tui.model.settings import WorkspaceSettings


def item_refusal(
    body: dict[str, Any], settings: WorkspaceSettings | None = None
) -> tuple[str, str | None, str] | None:
    """(reason, field, message) when the engine answers this operation 400, else None."""
    result = Engine(MemoryStorage(), settings).execute("POST", "/api/v2/entity", body)
    if result.status != 400:
        return None
    error = result.body["errors"][0]
    return str(error["reason"]), error.get("field"), str(error["message"])
