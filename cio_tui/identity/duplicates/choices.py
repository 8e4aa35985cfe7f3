"""The operator's per-group choices, addressed by a member's cio_id (CLI flags, saved TUI choices)."""

from __future__ import annotations

from collections.abc import Iterable

from cio_tui.errors import UserError
from cio_tui.identity.duplicates.models import DuplicateGroup, choose_primary, exclude_group, force_group


class DuplicateChoiceError(UserError, ValueError):
    """A choice names a person who is in no group. ``exit_code`` 1 (a user error) for the CLI."""

    exit_code = 1


def index_groups(groups: Iterable[DuplicateGroup]) -> dict[str, DuplicateGroup]:
    """cio_id (with or without the ``cio_`` prefix stripped) -> its group."""
    return {m.cio_id: g for g in groups for m in g.members if m.cio_id}


def _find(index: dict[str, DuplicateGroup], cio_id: str, flag: str) -> tuple[DuplicateGroup, str]:
    raw = cio_id.strip().removeprefix("cio_")
    group = index.get(raw)
    if group is None:
        raise DuplicateChoiceError(f"{flag} {cio_id}: this cio_id is in no duplicate group; check it against the list")
    return group, raw


def apply_choices(
    groups: list[DuplicateGroup],
    *,
    primaries: Iterable[str] = (),
    excludes: Iterable[str] = (),
    forces: Iterable[str] = (),
) -> None:
    """Swap primaries, exclude groups and force groups in place."""
    index = index_groups(groups)
    for cio_id in primaries:
        group, raw = _find(index, cio_id, "--primary")
        choose_primary(group, raw)
    for cio_id in excludes:
        exclude_group(_find(index, cio_id, "--exclude")[0])
    for cio_id in forces:
        force_group(_find(index, cio_id, "--force")[0])


__all__ = ["DuplicateChoiceError", "apply_choices", "index_groups"]
