"""``PassStyledTable``: a ``DataTable`` that works out its styles once per frame it draws, not once per line.

Textual's ``DataTable`` asks, for every line it draws, for its own Rich style (a walk over the styles of every
ancestor up to the screen) and for its row's component style (``datatable--odd-row``...: a fresh merged styles
object, then the same walk). That was a third of the time the People card's overview table took to draw after each
lookup (10 lines: 5.4 ms). Nothing can restyle a widget while it draws, so within one ``render_lines`` call both are
the same for every line: they are computed at the first line that needs them and reused for the rest of the call;
every later frame works them out again (hover, focus, a theme change...). Drawn lines are identical.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import DataTable


class PassStyledTable(DataTable[Any]):
    """A ``DataTable`` whose styles are computed once per ``render_lines`` call (see the module docstring)."""

    _pass_styles: dict[object, Style] | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass_styles = {}
        try:
            return super().render_lines(crop)
        finally:
            self._pass_styles = None

    @property
    def rich_style(self) -> Style:
        styles = self._pass_styles
        if styles is None:
            return super().rich_style
        style = styles.get("")
        if style is None:
            style = styles[""] = super().rich_style
        return style

    def _get_row_style(self, row_index: int, base_style: Style) -> Style:
        styles = self._pass_styles
        if styles is None:
            return super()._get_row_style(row_index, base_style)
        # what Textual's _get_row_style depends on: header, fixed row, else odd/even (zebra) or the base style
        if row_index == -1:
            kind: object = "header"
        elif row_index < self.fixed_rows:
            kind = "fixed"
        elif self.zebra_stripes:
            kind = row_index % 2
        else:
            kind = base_style
        key = ("row", kind)
        style = styles.get(key)
        if style is None:
            style = styles[key] = super()._get_row_style(row_index, base_style)
        return style


__all__ = ["PassStyledTable"]
