"""Command palette (ctrl+p): every area and every described action of every area, titled ``Area: verb``.

Generated from ``AREAS`` and each area screen's ``BINDINGS``, so a new binding appears here without extra work.
Choosing an action of another area switches to it first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from cio_tui.tui.areas import AREAS

if TYPE_CHECKING:
    from cio_tui.tui.app import CioApp

HIDDEN_ACTIONS = {"leave_field"}


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


def palette_commands(app: CioApp) -> Iterator[PaletteCommand]:
    yield PaletteCommand("App: help for this screen", "Every key of the current screen", app.action_help)
    yield PaletteCommand("App: go to area", "Pick an area from a list", app.action_goto)
    yield PaletteCommand("App: quit", "Leave cio-tui (asks first if work is running)", app.action_request_quit)
    for area in AREAS:
        yield PaletteCommand(f"{area.title}: go to this area", area.summary, partial(app.switch_area, area.mode))
        seen: set[str] = set()
        for binding in area.screen_class().BINDINGS:
            action = getattr(binding, "action", None)
            description = getattr(binding, "description", "")
            if not action or not description or action in HIDDEN_ACTIONS or action in seen:
                continue
            seen.add(action)
            verb = description[0].lower() + description[1:]
            yield PaletteCommand(
                f"{area.title}: {verb}",
                getattr(binding, "tooltip", "") or description,
                partial(app.run_area_action, area.mode, action),
            )


class AreaCommands(Provider):
    """Areas and their actions. The area screen modules are imported in a thread when the palette opens (the first
    time that takes a few hundred milliseconds), so typing in the palette never waits for them."""

    _commands: list[PaletteCommand] | None = None

    async def startup(self) -> None:
        app = cast("CioApp", self.app)
        self._commands = await asyncio.to_thread(lambda: list(palette_commands(app)))

    @property
    def commands(self) -> list[PaletteCommand]:
        if self._commands is None:
            self._commands = list(palette_commands(cast("CioApp", self.app)))
        return self._commands

    async def discover(self) -> Hits:
        for command in self.commands:
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self.commands:
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)


__all__ = ["AreaCommands", "PaletteCommand", "palette_commands"]
