"""``ctrl+c`` everywhere: copy what is selected or highlighted, and say so; never a silent key.

Operators press ctrl+c by reflex, either to copy or to quit. It copies, in this order: the text selected in the
focused field, the text selected with the mouse on screen, the highlighted table row (its cells, tab-separated).
With nothing to copy it explains how to quit instead. The copy goes through the terminal (OSC 52), which some
terminals ignore: the confirmation says what was copied so the operator can check.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widgets import DataTable, Input, TextArea

PREVIEW = 50  # characters of the copied text shown in the confirmation


def _cell_text(cell: object) -> str:
    return getattr(cell, "plain", None) or str(cell)


def what_to_copy(app: App[object]) -> tuple[str, str] | None:
    """(what it is in words, the text), or ``None`` when nothing is selected or highlighted."""
    focused = app.focused
    if isinstance(focused, Input | TextArea) and focused.selected_text:
        return "the selected text", focused.selected_text
    selected = app.screen.get_selected_text()
    if selected:
        return "the selected text", selected
    if isinstance(focused, DataTable) and focused.row_count and focused.cursor_row >= 0:
        cells = [_cell_text(c) for c in focused.get_row_at(focused.cursor_row)]
        return "the highlighted row", "\t".join(cells)
    return None


def copy_or_explain(app: App[Any]) -> None:
    found = what_to_copy(app)
    if found is None:
        app.notify(
            "ctrl+c copies what is selected or the highlighted row; nothing is. To quit press q (outside text "
            "fields) or ctrl+q (anywhere).",
            title="Nothing to copy",
            markup=False,
        )
        return
    what, text = found
    app.copy_to_clipboard(text)
    shown = text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"
    app.notify(f"Copied {what} ({len(text)} characters): {shown}", title="Copied", markup=False)


__all__ = ["copy_or_explain", "what_to_copy"]
