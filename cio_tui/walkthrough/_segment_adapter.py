"""Adapter to the Preview's saved call sets and the preview engine (``cio_tui.segment``)."""

from __future__ import annotations

from pathlib import Path

from cio_tui.walkthrough.calls import PreviewedCall


def saved_set_names(data_dir: Path) -> list[str]:
    return []


def previewed_calls(data_dir: Path, names: list[str] | None = None) -> list[PreviewedCall]:
    return []
