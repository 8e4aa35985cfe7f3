"""Help content generated from BINDINGS, so the help screen never drifts from the real keys.

Sections: the current screen's own bindings, bindings of this project's widgets on it, then the app-wide keys
(areas, help, palette, quit). Secondary keys of one action are shown together ("left,right").
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen

PROJECT_PREFIX = "cio_tui."


@dataclass(frozen=True)
class HelpRow:
    section: str
    keys: str
    description: str
    tooltip: str


def _rows(app: App, section: str, bindings: BindingsMap) -> list[HelpRow]:
    grouped: dict[tuple[str, str], list[Binding]] = {}
    for _key, binding in bindings:
        if not binding.description:
            continue
        grouped.setdefault((binding.action, binding.description), []).append(binding)
    rows = []
    for (_action, description), group in grouped.items():
        keys = ", ".join(dict.fromkeys(app.get_key_display(b) for b in group))
        rows.append(HelpRow(section, keys, description, group[0].tooltip or ""))
    return rows


def _is_ours(node: DOMNode) -> bool:
    return type(node).__module__.startswith(PROJECT_PREFIX)


def help_rows(app: App, screen: Screen) -> list[HelpRow]:
    """Every described binding that applies on ``screen``: the screen's, its project widgets', the app's."""
    title = getattr(screen, "AREA_TITLE", "") or screen.__class__.__name__
    rows = _rows(app, f"{title} screen", screen._bindings)
    seen = {(r.keys, r.description) for r in rows}
    for node in screen.walk_children(with_self=False):
        if not _is_ours(node) or not node._bindings.key_to_bindings:
            continue
        section = getattr(node, "HELP_SECTION", None) or node.__class__.__name__
        for row in _rows(app, section, node._bindings):
            if (row.keys, row.description) not in seen:
                seen.add((row.keys, row.description))
                rows.append(row)
    rows.extend(_rows(app, "Everywhere", app._bindings))
    return rows


__all__ = ["HelpRow", "help_rows"]
