"""The persistent workspace banner and area bar shown at the top of every area screen.

The banner says which workspace every action goes to: name, region and ``SANDBOX`` or ``LIVE`` in words (the
colour only repeats it). It watches the app's ``workspace`` and ``workspace_status`` reactives.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from textual.app import RenderResult
from textual.content import Content
from textual.widget import Widget

from cio_tui.tui.areas import AREAS

if TYPE_CHECKING:
    from cio_tui.workspace import Workspace
    from cio_tui.workspace_glance import WorkspaceGlance


def banner_text(workspace: Workspace | WorkspaceGlance | None, status: str) -> Content:
    """Banner line for a workspace, or the one being opened (its glance, with ``status``: how far opening it is),
    or ``None`` and the app's status text."""
    if workspace is None:
        return Content.from_markup(" [b]cio-tui[/b] │ $status", status=status or "No workspace")
    mode = "SANDBOX" if workspace.is_sandbox else "LIVE"
    if status:  # still opening (a glance): say so, with the first run's seeding progress
        return Content.from_markup(
            " [b]cio-tui[/b] │ [b]$name[/b] │ region $region │ [b]$mode[/b] │ $status",
            name=workspace.name,
            region=str(workspace.region).upper(),
            mode=mode,
            status=status,
        )
    tail = "rehearsal data, nothing real changes" if workspace.is_sandbox else "changes are real"
    return Content.from_markup(
        " [b]cio-tui[/b] │ [b]$name[/b] │ region $region │ [b]$mode[/b]: $tail",
        name=workspace.name,
        region=str(workspace.region).upper(),
        mode=mode,
        tail=tail,
    )


class Banner(Widget):
    """One line: the workspace every action goes to."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._set_classes()  # before it mounts: styled once, drawn in the first frame (no restyle after)

    def on_mount(self) -> None:
        self.watch(self.app, "workspace", self._refresh_banner, init=False)
        self.watch(self.app, "workspace_status", self._refresh_banner, init=False)
        self.watch(self.app, "glance", self._refresh_banner, init=False)
        self._refresh_banner()  # anything that changed between compose and mount

    def _named(self) -> Workspace | WorkspaceGlance | None:
        """The open workspace, else the one being opened."""
        return getattr(self.app, "workspace", None) or getattr(self.app, "glance", None)

    def _set_classes(self) -> None:
        workspace = self._named()
        self.set_class(workspace is not None and workspace.is_sandbox, "-sandbox")
        self.set_class(workspace is not None and not workspace.is_sandbox, "-live")
        self.set_class(workspace is None, "-none")

    def _refresh_banner(self, _value: object = None) -> None:
        self._set_classes()
        self.refresh()

    def render(self) -> RenderResult:
        opening = getattr(self.app, "workspace", None) is None  # the status words only while it opens
        return banner_text(self._named(), getattr(self.app, "workspace_status", "") if opening else "")


FULL_WIDTH = sum(len(f" {a.key} {a.title}") for a in AREAS) + 1
"""Columns the area bar takes with the areas' full titles (narrower: their short names)."""


@cache
def area_bar_text(current: str, *, narrow: bool) -> Content:
    """The area bar's line: ``" k Name"`` per area, ``"▸k Name◂"`` for the current one (fits 80 columns with the
    short names). Made once per area and width class: every render of every area parsed its nine markups again."""
    parts: list[Content] = []
    for area in AREAS:
        label = f"{area.key} {area.short if narrow else area.title}"
        if area.mode == current:
            parts.append(Content.from_markup("[b reverse]▸$label◂[/]", label=label))
        else:
            # mode names are plain identifiers from the registry, safe inside the action markup
            parts.append(Content.from_markup(f" [@click=app.switch_area('{area.mode}')]$label[/]", label=label))
    return Content("").join(parts)


class AreaBar(Widget):
    """Every area by name with its key; the current one is bracketed (not shown by colour alone). Clickable."""

    def __init__(self, current: str, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes=classes)
        self.current = current

    def on_resize(self) -> None:
        self.refresh()

    def render(self) -> RenderResult:
        return area_bar_text(self.current, narrow=self.size.width < FULL_WIDTH)


__all__ = ["AreaBar", "Banner", "area_bar_text", "banner_text"]
