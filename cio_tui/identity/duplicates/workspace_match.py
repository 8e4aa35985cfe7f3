"""Does an export belong to the open workspace? A read-only sample of its cio_ids is looked up (bulk, 100 per call):
when many are not found, the export most likely comes from another workspace (or is old), and the merges planned from
it would all be skipped as stale. The operator is told before planning, not after the apply."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from cio_tui.customerio.identifiers import Identifier
from cio_tui.customerio.models import Person

SAMPLE = 200  # two bulk reads: enough to tell "another workspace" (almost none found) from a few deleted people


class PeopleReader(Protocol):
    async def get_people(self, who: list[Identifier]) -> list[Person]: ...


@dataclass(frozen=True)
class WorkspaceMatch:
    checked: int
    missing: int
    examples: tuple[str, ...] = ()  # a few cio_ids that were not found

    @property
    def ok(self) -> bool:
        return self.missing == 0

    def warning(self, workspace_name: str) -> str | None:
        """One paragraph for the operator, or None when every sampled person is in the workspace."""
        if self.ok:
            return None
        shown = ", ".join(f"cio_{c}" for c in self.examples)
        if self.missing == self.checked:
            lead = (
                f"None of the {self.checked} people checked from this export is in workspace '{workspace_name}' "
                f"(e.g. {shown}): the export probably comes from another workspace."
            )
        else:
            lead = (
                f"{self.missing} of the {self.checked} people checked from this export are not in workspace "
                f"'{workspace_name}' (e.g. {shown}): they were deleted or merged since the export, or the export "
                "comes from another workspace."
            )
        return (
            lead + " What is planned for them would be skipped as stale. Open the workspace the export comes from, "
            "or export this workspace's people again."
        )


async def match_workspace(client: PeopleReader, cio_ids: Iterable[str], sample: int = SAMPLE) -> WorkspaceMatch:
    """Look up the first ``sample`` distinct cio_ids (read-only) and count who is not found."""
    wanted = list(dict.fromkeys(c for c in cio_ids if c))[:sample]
    if not wanted:
        return WorkspaceMatch(checked=0, missing=0)
    found = {p.cio_id for p in await client.get_people([Identifier.cio(c) for c in wanted])}
    missing = [c for c in wanted if c not in found]
    return WorkspaceMatch(checked=len(wanted), missing=len(missing), examples=tuple(missing[:3]))


__all__ = ["SAMPLE", "WorkspaceMatch", "match_workspace"]
