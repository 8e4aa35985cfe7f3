"""``FitTable``: the one table every screen shows changes in, with columns sized to their content and the terminal.

Textual's ``DataTable`` either sizes a column to its widest cell (one long value pushes the others off screen) or
to a fixed width that cuts values silently, even when half the terminal is empty. Here each column says how much it
matters (``Col.priority``, 1 first) and how narrow it may get (``Col.min``):

- every column gets its minimum, then the space left goes to priority 1 columns up to their content, then
  priority 2, and so on; within one priority the widest values are cut first and equally (``fit_widths``), so short
  columns (a state, a count) always show whole; a column of short words with a rare long value claims only
  ``Col.want`` at its priority (the rest of it after every priority), so it does not hold width it mostly leaves empty;
- a value that still does not fit ends in ``…`` (never cut silently), and its full text is the tooltip of the cell
  under the mouse; the screens show the highlighted row whole in their detail pane;
- widths follow the content (rows added or changed) and the terminal (resize), after the next refresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text, TextType
from textual import events
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.widgets.data_table import CellDoesNotExist, CellType, ColumnKey, RowKey

from cio_tui.tui.widgets.pass_styles import PassStyledTable


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    priority: int = 2
    """1 = shown whole first (what the operator must read), higher = cut first."""
    min: int = 6
    """Never narrower than this (unless the content is shorter)."""
    want: int | None = None
    """How wide it claims to be at its priority (``None``: its widest value); wider values get only what is left."""


def text_width(value: object) -> int:
    """Columns a cell's text takes on one line (its longest line)."""
    plain = value.plain if isinstance(value, Text) else str(value)
    return max((cell_len(line) for line in plain.splitlines()), default=0)


def _fill(widths: list[int], naturals: Sequence[int], group: list[int], left: int) -> int:
    """Widen the columns of ``group`` towards ``naturals`` within ``left`` columns, the widest cut first and equally;
    returns what is left."""
    group = [i for i in group if naturals[i] > widths[i]]
    need = sum(naturals[i] - widths[i] for i in group)
    if need <= left:
        for i in group:
            widths[i] = naturals[i]
        return left - need

    # Water-fill: the largest cap such that raising every column of the group to min(natural, cap) fits.
    def used(cap: int) -> int:
        return sum(max(0, min(naturals[i], cap) - widths[i]) for i in group)

    low, high = 0, max(naturals[i] for i in group)
    while low < high:
        mid = (low + high + 1) // 2
        if used(mid) <= left:
            low = mid
        else:
            high = mid - 1
    left -= used(low)
    for i in group:
        widths[i] = max(widths[i], min(naturals[i], low))
    for i in group:  # the few columns left over go one each to the columns still cut
        if left <= 0:
            break
        if widths[i] < naturals[i]:
            widths[i] += 1
            left -= 1
    return left


def fit_widths(
    naturals: Sequence[int],
    mins: Sequence[int],
    priorities: Sequence[int],
    available: int,
    wants: Sequence[int | None] | None = None,
) -> list[int]:
    """Widths for columns whose content is ``naturals`` wide, in ``available`` columns (padding excluded).

    ``wants`` (per column, ``None`` = all of it): how much of its content a column claims at its priority; the rest
    of it only gets what every priority left over (a column of short words where one value is long must not take the
    width a more important column needs)."""
    claims = [n if w is None else min(n, w) for n, w in zip(naturals, wants or [None] * len(naturals), strict=True)]
    widths = [min(n, m) for n, m in zip(naturals, mins, strict=True)]
    left = available - sum(widths)
    for priority in sorted(set(priorities)):
        if left <= 0:
            return widths
        left = _fill(widths, claims, [i for i, p in enumerate(priorities) if p == priority], left)
        if any(claims[i] > widths[i] for i, p in enumerate(priorities) if p == priority):
            return widths  # this priority is still cut: nothing is left for the next ones
    if left > 0:
        _fill(widths, naturals, list(range(len(naturals))), left)
    return widths


def _ellipsis(value: CellType) -> Text:
    """A cell that ends in "…" when cut (a str cell would be read as markup: data may hold square brackets)."""
    text = value.copy() if isinstance(value, Text) else Text(str(value))
    text.overflow = "ellipsis"
    text.no_wrap = True
    return text


class FitTable(PassStyledTable):
    """A row-cursor ``DataTable`` whose columns are ``FIT_COLUMNS`` (see the module docstring)."""

    FIT_COLUMNS: ClassVar[tuple[Col, ...]] = ()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._naturals: dict[str, int] = {}
        self._fit_pending = False

    def on_mount(self) -> None:
        for col in self.FIT_COLUMNS:
            self.add_column(_ellipsis(col.label), key=col.key, width=max(1, min(col.min, len(col.label))))
        self._reset_naturals()
        self._schedule_fit()

    def _reset_naturals(self) -> None:
        self._naturals = {col.key: cell_len(col.label) for col in self.FIT_COLUMNS}

    # -- content --------------------------------------------------------------------------------------
    def add_row(
        self, *cells: CellType, height: int | None = 1, key: str | None = None, label: TextType | None = None
    ) -> RowKey:
        shown = [_ellipsis(cell) for cell in cells]
        for col, cell in zip(self.FIT_COLUMNS, shown, strict=False):
            width = text_width(cell)
            if width > self._naturals.get(col.key, 0):
                self._naturals[col.key] = width
        self._schedule_fit()
        return super().add_row(*shown, height=height, key=key, label=label)

    def update_cell(
        self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType, *, update_width: bool = False
    ) -> None:
        shown = _ellipsis(value)
        name = column_key.value if isinstance(column_key, ColumnKey) else column_key
        if name is not None and text_width(shown) > self._naturals.get(name, 0):
            self._naturals[name] = text_width(shown)
            self._schedule_fit()
        super().update_cell(row_key, column_key, shown, update_width=False)

    def clear(self, columns: bool = False) -> FitTable:
        super().clear(columns=columns)
        self._reset_naturals()
        self._schedule_fit()
        return self

    # -- sizing ---------------------------------------------------------------------------------------
    def on_resize(self, _event: events.Resize) -> None:
        self._schedule_fit()

    def _schedule_fit(self) -> None:
        if not self._fit_pending and self.is_mounted:
            self._fit_pending = True
            self.call_after_refresh(self.fit_columns)

    def fit_columns(self) -> None:
        """Size every column to its content and the table's width now."""
        self._fit_pending = False
        cols = [c for c in self.FIT_COLUMNS if c.key in self.columns]
        if not cols:
            return
        padding = 2 * self.cell_padding * len(cols)
        available = max(0, self.scrollable_content_region.width - padding)
        naturals = [self._naturals.get(c.key, 0) for c in cols]
        widths = fit_widths(
            naturals, [c.min for c in cols], [c.priority for c in cols], available, [c.want for c in cols]
        )
        changed = False
        for col, width in zip(cols, widths, strict=True):
            column = self.columns[ColumnKey(col.key)]
            if column.width != width or column.auto_width:
                column.width, column.auto_width = width, False
                changed = True
        if changed:
            self._clear_caches()
            self._update_count += 1
            self._require_update_dimensions = True
            self.refresh()

    def column_width(self, key: str) -> int:
        return self.columns[ColumnKey(key)].width

    def is_cut(self, row_key: str, column_key: str) -> bool:
        """Whether that cell's value is wider than its column (it then ends in "…")."""
        try:
            value = self.get_cell(row_key, column_key)
        except CellDoesNotExist:
            return False
        return text_width(value) > self.column_width(column_key)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """Textual's version measures every cell of every new row for its automatic column widths (about 5 s for
        10,000 rows of 4 columns); ours are set by ``fit_columns`` from widths counted as rows are added, and
        every row is one line, so only the scrollable size is left to update. (Textual is pinned exactly.)"""
        self._new_rows.clear()
        width = sum(column.get_render_width(self) for column in self.columns.values()) + self._row_label_column_width
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width, self._total_row_height + header)

    # -- the full value of a cut cell as the tooltip of the cell under the mouse ------------------------
    def watch_hover_coordinate(self, old: Coordinate, value: Coordinate) -> None:
        super().watch_hover_coordinate(old, value)
        self.tooltip = self._full_value(value)

    def _full_value(self, coordinate: Coordinate) -> Text | None:
        if not self.is_valid_coordinate(coordinate):
            return None
        row_key, column_key = self.coordinate_to_cell_key(coordinate)
        value = self.get_cell(row_key, column_key)
        if column_key.value is None or text_width(value) <= self.column_width(column_key.value):
            return None
        return Text(value.plain if isinstance(value, Text) else str(value))  # Text: values may hold "["


__all__ = ["Col", "FitTable", "fit_widths", "text_width"]
