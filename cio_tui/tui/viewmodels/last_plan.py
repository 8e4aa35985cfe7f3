"""The plan file last saved from Plan/Apply for a workspace, remembered in the workspace's folder, so that after a
restart "No plan is open" can offer to open it again (plans are written only where the operator saves them)."""

from __future__ import annotations

from pathlib import Path

from cio_tui.private_files import write_private

FILE_NAME = "last-saved-plan.txt"


def remember_saved(workspace_dir: Path, plan_file: Path) -> None:
    """Record ``plan_file`` (absolute) as the last plan saved for this workspace."""
    write_private(Path(workspace_dir) / FILE_NAME, str(Path(plan_file).resolve()) + "\n")


def last_saved(workspace_dir: Path) -> Path | None:
    """The last plan file saved for this workspace, when it is still there."""
    try:
        text = (Path(workspace_dir) / FILE_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = Path(text) if text else None
    return path if path is not None and path.is_file() else None


def offer_text(plan_file: Path) -> str:
    return f"The last plan saved for this workspace is {plan_file}: press o to open it again (the path is filled in)."


__all__ = ["last_saved", "offer_text", "remember_saved"]
