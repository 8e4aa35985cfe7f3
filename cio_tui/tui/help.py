"""Help content generated from BINDINGS, so the help screen never drifts from the real keys.

Sections, in human words: "This screen" (the screen's own bindings), "In the <widget in words>" for each of this
project's widgets on it (or its ``HELP_SECTION``, or a binding's ``Binding.Group`` description), "Everywhere"
(areas, help, palette, quit), and last "Moving around" for the keys Textual's own widgets bring (tab, cursor keys,
page up...), which every Textual app shares: the app's own keys come first. Secondary keys of one action are shown
together ("left,right").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget

THIS_SCREEN = "This screen"
EVERYWHERE = "Everywhere"
GENERIC = "Moving around (every Textual widget)"
APP_KEYS_FIRST = {"ctrl+c"}  # priority keys of the app that Textual's widgets also bind

PROJECT_PREFIX = "cio_tui."


@dataclass(frozen=True)
class HelpRow:
    section: str
    keys: str
    description: str
    tooltip: str

    @property
    def does(self) -> str:
        """The description, plus the tooltip when it says more than the description."""
        tooltip = self.tooltip.strip()
        if not tooltip or tooltip.rstrip(".").casefold() == self.description.strip().rstrip(".").casefold():
            return self.description
        return f"{self.description}: {tooltip}"


def section_for(node: DOMNode) -> str:
    """A widget's help heading in words: its ``HELP_SECTION``, else "In the step list" from ``StepList``."""
    explicit = getattr(node, "HELP_SECTION", None)
    if explicit:
        return str(explicit)
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", type(node).__name__)
    return "In the " + " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)


def _generic(node: DOMNode) -> set[tuple[str, str]]:
    """(key, action) of the bindings ``node`` has from Textual's own classes (not from this project)."""
    found: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("textual.") and "BINDINGS" in cls.__dict__:
            found |= {(b.key, b.action) for b in Binding.make_bindings(cls.__dict__["BINDINGS"])}
    return found


def _rows(
    app: App[Any], section: str, bindings: BindingsMap, generic: set[tuple[str, str]] | None = None
) -> list[HelpRow]:
    """Rows of ``bindings`` under ``section``; those in ``generic`` go under ``GENERIC`` instead."""
    grouped: dict[tuple[str, str, bool], list[Binding]] = {}
    for _key, binding in bindings:
        if not binding.description:
            continue
        is_generic = generic is not None and (binding.key, binding.action) in generic
        if is_generic and binding.key in APP_KEYS_FIRST:
            continue  # the app binds this key before any widget does (ctrl+c: copy with a confirmation)
        grouped.setdefault((binding.action, binding.description, is_generic), []).append(binding)
    rows = []
    for (_action, description, is_generic), group in grouped.items():
        keys = ", ".join(dict.fromkeys(app.get_key_display(b) for b in group))
        heading = group[0].group.description if group[0].group and group[0].group.description else section
        heading = GENERIC if is_generic else heading
        rows.append(HelpRow(heading, keys, description, group[0].tooltip or ""))
    return rows


def _is_ours(node: DOMNode) -> bool:
    return type(node).__module__.startswith(PROJECT_PREFIX)


def help_rows(app: App[Any], screen: Screen[Any]) -> list[HelpRow]:
    """Every described binding that applies on ``screen``: the screen's, its project widgets', the app's."""
    rows = _rows(app, THIS_SCREEN, screen._bindings, _generic(screen))
    seen = {(r.keys, r.description) for r in rows}
    for node in screen.walk_children(Widget, with_self=False):  # a screen's children are all widgets
        if not _is_ours(node) or not node._bindings.key_to_bindings or not (node.can_focus or node.can_focus_children):
            continue
        for row in _rows(app, section_for(node), node._bindings, _generic(node)):
            if (row.keys, row.description) not in seen:
                seen.add((row.keys, row.description))
                rows.append(row)
    rows.extend(_rows(app, EVERYWHERE, app._bindings))
    ordered = _by_section(rows)
    return [r for r in ordered if r.section != GENERIC] + [r for r in ordered if r.section == GENERIC]


def _by_section(rows: list[HelpRow]) -> list[HelpRow]:
    """Rows of one heading together (a binding group or two widgets of one class may share a heading)."""
    order: dict[str, list[HelpRow]] = {}
    for row in rows:
        order.setdefault(row.section, []).append(row)
    return [row for section in order.values() for row in section]


__all__ = ["EVERYWHERE", "THIS_SCREEN", "HelpRow", "help_rows", "section_for"]
