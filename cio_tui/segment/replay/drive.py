"""A replay in two halves: the calls, in delivery order, mapped by both destinations (``mapped``), and the
requests run into the two what-if copies (``Copies.apply``).

``mapped`` reads the traffic and yields events: a call with the requests each destination sends for it, a message
the call models refuse, and ``restart`` when a file read in one pass turns out not to be in delivery order (the
copies then start again, and the calls come again sorted); problems and ordering progress go to callbacks. Each copy
depends only on the requests of its own destination, in order, so one process can map and run both destinations, or
each of two processes one of them (``Mapping.sides``, ``parallel``), with the same results.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from cio_tui.model import Person, WorkspaceSettings
from cio_tui.segment.actions import replay_requests
from cio_tui.segment.classic import ClassicSettings, classic_for, classic_for_fields
from cio_tui.segment.models import MessageError, call_from_message
from cio_tui.segment.plain_calls import non_finite_seen, plain_message
from cio_tui.segment.replay.copies import CopyEnd, WhatIfCopy
from cio_tui.segment.replay.ordering import (
    Counter,
    OutOfOrder,
    Problem,
    in_file_order,
    streamable,
    timed_delivery_order,
)
from cio_tui.segment.replay.traffic import json_only
from cio_tui.segment.subscriptions import SubscriptionSet

GC_YOUNG = 100_000  # allocations between two collections of the youngest generation (Python's default: 700)
GC_OLDER = (50, 100)  # collections of one generation between two of the next (Python's default: 10, 10)
_NO_TIME = float("-inf")  # the delivery time of the calls before the first timed one

Request = tuple[str, str, object, bool]  # method, path, body, from an alias (the Actions destination's Merge People)


class Call(NamedTuple):
    """One call: its time, where it is in the traffic, and the requests each destination sends for it."""

    now: int
    where: tuple[int, int]
    classic: list[Request]
    actions: list[Request]


REFUSED = "refused"  # the call models refuse the message (it is told as a problem)
RESTART = "restart"  # the copies start again: the calls come again, sorted
Event = Call | str
Row = tuple[float, int, int, dict[str, object]]
Side = Literal["classic", "actions"]
SIDES: tuple[Side, ...] = ("classic", "actions")


@dataclass
class Mapping:
    """How the destinations are set up for a replay."""

    subscriptions: SubscriptionSet | None = None
    classic_settings: ClassicSettings | None = None
    through_models: bool = False  # every call through the call models (the reference the plain path equals)
    sides: tuple[Side, ...] = SIDES  # the destinations mapped (a second process maps and runs the other one)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector less often while a replay runs: the copies hold millions of long-lived objects
    the collector would scan again and again (about a tenth of the time), and a replay makes almost no cycles."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], GC_YOUNG), max(before[1], GC_OLDER[0]), max(before[2], GC_OLDER[1]))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def mapped(paths: list[Path], mapping: Mapping, problem: Problem, checked: Counter | None = None) -> Iterator[Event]:
    """The events of a replay of ``paths`` (see the module's docstring). ``problem(source, line, why)`` is told
    every unreadable line and every message the call models refuse, once; ``checked(n)`` the progress of an
    ordering pass.

    One JSON lines file is replayed as it is read; if a call turns out older than the one before it, ``restart``
    follows and the calls come again from the start, sorted (the problems already told are not told again)."""
    if not streamable(paths):
        yield from _calls(paths, timed_delivery_order(paths, problem, checked=checked), mapping, problem)
        return
    try:
        yield from _calls(paths, in_file_order(paths[0], problem), mapping, problem)
        return
    except OutOfOrder as exc:
        said_until = exc.line  # every problem before this line is told; the line itself is a valid call

    def problem_after(source: int, line: int, why: str) -> None:
        if line >= said_until:
            problem(source, line, why)

    yield RESTART
    yield from _calls(paths, timed_delivery_order(paths, problem_after, checked=checked), mapping, problem_after)


def _calls(paths: list[Path], rows: Iterator[Row], mapping: Mapping, problem: Problem) -> Iterator[Event]:
    subscriptions, classic_settings = mapping.subscriptions, mapping.classic_settings
    # The presets batch (enable_batching is on by default): their payloads are resolved as batch items. With the
    # operator's subscriptions each mapping's own enable_batching decides.
    single = subscriptions is not None
    do_classic, do_actions = "classic" in mapping.sides, "actions" in mapping.sides
    now = 0
    json_values = json_only(paths)
    for when, source, line, message in rows:
        plain = (
            None if mapping.through_models else plain_message(message, deep=not json_values or non_finite_seen() > 0)
        )
        if plain is not None:
            fields = plain
            classic_result = classic_for_fields(plain, classic_settings) if do_classic else None
        else:
            try:
                call = call_from_message(message)
            except MessageError as exc:
                problem(source, line, str(exc))
                yield REFUSED
                continue
            fields = call.to_message()
            classic_result = classic_for(call, classic_settings) if do_classic else None
        if when != _NO_TIME:  # an untimed call runs at the time of the call before it
            now = int(when)
        classic: list[Request] = (
            [(r.method, r.path, r.body, False) for r in classic_result.requests] if classic_result is not None else []
        )
        actions = replay_requests(fields, single=single, subscriptions=subscriptions) if do_actions else []
        yield Call(now, (source, line), classic, actions)


class Copies:
    """The what-if copies of ``sides``, all from the same people; ``apply`` runs one event's requests into them."""

    def __init__(self, people: list[Person], settings: WorkspaceSettings, sides: tuple[Side, ...] = SIDES) -> None:
        self.people, self.settings, self.sides = people, settings, sides
        self.restart()

    def restart(self) -> None:
        self.classic = WhatIfCopy("classic", self.people, self.settings) if "classic" in self.sides else None
        self.actions = WhatIfCopy("actions", self.people, self.settings) if "actions" in self.sides else None

    def apply(self, event: Event) -> None:
        """A ``call`` event's requests into the copies (``restart``: they start again; others change nothing)."""
        if isinstance(event, Call):
            now, where = event.now, event.where
            copy = self.classic
            if copy is not None:
                copy.now = now
                for method, path, body, _alias in event.classic:
                    copy.send(method, path, body, where)
            copy = self.actions
            if copy is not None:
                copy.now = now
                for method, path, body, alias in event.actions:
                    copy.send(method, path, body, where, from_alias=alias)
        elif event == RESTART:
            self.restart()

    def end(self, side: Side) -> CopyEnd:
        copy = self.classic if side == "classic" else self.actions
        if copy is None:
            raise ValueError(f"no {side} copy here")
        return copy.end()

    def close(self) -> None:
        """Drop the copies (a ``CopyEnd`` taken before keeps what the diff reads)."""
        self.classic = self.actions = None

    def ends(self) -> tuple[CopyEnd, CopyEnd]:
        return self.end("classic"), self.end("actions")
