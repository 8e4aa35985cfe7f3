"""What the shortcut equality tests share: an engine with shortcuts and one without over the same people, and a
spy that keeps every record a shortcut function decided (so a test can say the shortcut was taken)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest

from cio_tui.model import Engine, MemoryStorage, Person, WorkspaceSettings
from cio_tui.model import shortcuts as shortcuts_module
from cio_tui.model.record import OpRecord


def taken_by(monkeypatch: pytest.MonkeyPatch, name: str) -> list[OpRecord]:
    """The records ``shortcuts.<name>`` returns from now on (None, "the engine decides", is left out)."""
    real = getattr(shortcuts_module, name)
    taken: list[OpRecord] = []

    def counted(*args: Any) -> OpRecord | None:
        rec = real(*args)
        if rec is not None:
            taken.append(rec)
        return rec

    monkeypatch.setattr(shortcuts_module, name, counted)
    return taken


def engine_pair(
    people: Iterable[Person], settings: WorkspaceSettings, clock: Callable[[], int]
) -> tuple[Engine, Engine]:
    """(with shortcuts, without), each over its own store holding ``people``."""
    engines = []
    for shortcut in (True, False):
        store = MemoryStorage()
        for person in people:
            store.add_person(person)
        engine = Engine(store, settings, clock=clock, behaviours=False)
        engine._shortcuts = shortcut
        engines.append(engine)
    return engines[0], engines[1]
