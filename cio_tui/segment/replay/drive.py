"""One pass of a replay over the calls in delivery order, driving one what-if copy or both.

Each copy depends only on the calls and on its own destination (the classic copy never sees what the Actions
destination sends, nor the other way round), so the two can be driven in one pass or in two processes over the
same calls with the same results: ``parallel`` runs the classic side in a second process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cio_tui.segment.actions import actions_for_message
from cio_tui.segment.classic import ClassicResult, ClassicSettings, classic_for, classic_for_fields
from cio_tui.segment.models import MessageError, call_from_message
from cio_tui.segment.plain_calls import non_finite_seen, plain_message
from cio_tui.segment.replay.copies import WhatIfCopy
from cio_tui.segment.replay.ordering import (
    OutOfOrder,
    Problem,
    count_lines,
    in_file_order,
    streamable,
    timed_delivery_order,
)
from cio_tui.segment.replay.traffic import json_only
from cio_tui.segment.subscriptions import SubscriptionSet

Row = tuple[float, int, int, dict[str, Any]]
_NO_TIME = float("-inf")  # the delivery time of the calls before the first timed one


@dataclass
class Sides:
    """The copies a pass drives (None: that side runs elsewhere) and how their destinations are set up."""

    classic: WhatIfCopy | None
    actions: WhatIfCopy | None
    subscriptions: SubscriptionSet | None = None
    classic_settings: ClassicSettings | None = None
    through_models: bool = False


@dataclass
class Counts:
    calls: int = 0  # calls replayed (valid Segment calls)
    seen: int = 0  # messages read in the replay pass (calls and the ones the models refuse)
    checked: int = 0  # messages read by the ordering pass (when there is one)
    total: int | None = None  # the messages expected: counted by the ordering pass, or estimated from the lines


CountsFn = Callable[[Counts], None]


def drive(
    paths: list[Path],
    new_sides: Callable[[], Sides],
    problem: Problem,
    *,
    on_check: CountsFn | None = None,
    on_call: CountsFn | None = None,
    estimate: bool = False,
) -> tuple[Counts, Sides]:
    """Every call of ``paths`` in delivery order into the copies of ``new_sides()``. ``problem`` gets the unreadable
    lines and the messages the call models refuse, once each; ``on_check`` the progress of the ordering pass;
    ``on_call`` each message replayed. ``estimate``: count the lines of a file read in one pass (for progress).

    One JSON lines file is replayed as it is read; if a call turns out older than the one before it, the copies are
    discarded and the replay starts again over the sorted calls (the problems already said are not said again).
    """
    if streamable(paths):
        sides = new_sides()
        counts = Counts(total=count_lines(paths[0]) if estimate else None)
        try:
            _pass(paths, in_file_order(paths[0], problem), sides, problem, counts, on_call)
            return counts, sides
        except OutOfOrder as exc:
            said_until = exc.line  # every problem before this line is said; the line itself is a valid call

        said = problem

        def problem_after(source: int, line: int, why: str) -> None:
            if line >= said_until:
                said(source, line, why)

        problem = problem_after
    sides, counts = new_sides(), Counts()

    def checked(n: int) -> None:
        counts.checked += n
        if on_check is not None:
            on_check(counts)

    _pass(paths, timed_delivery_order(paths, problem, checked=checked), sides, problem, counts, on_call)
    return counts, sides


def _pass(
    paths: list[Path], rows: Iterator[Row], sides: Sides, problem: Problem, counts: Counts, on_call: CountsFn | None
) -> None:
    classic, actions, subscriptions = sides.classic, sides.actions, sides.subscriptions
    # The presets batch (enable_batching is on by default): their payloads are resolved as batch items. With the
    # operator's subscriptions each mapping's own enable_batching decides.
    single = subscriptions is not None
    now = 0
    json_values = json_only(paths)
    for when, source, line, message in rows:
        if counts.total is None:  # the ordering pass is over: it counted the messages
            counts.total = counts.checked
        counts.seen += 1
        plain = None if sides.through_models else plain_message(message, deep=not json_values or non_finite_seen() > 0)
        classic_result: ClassicResult | None = None
        if plain is not None:
            fields = plain
            if classic is not None:
                classic_result = classic_for_fields(plain, sides.classic_settings)
        else:
            try:
                call = call_from_message(message)
            except MessageError as exc:
                problem(source, line, str(exc))
                continue
            fields = call.to_message() if actions is not None else {}
            if classic is not None:
                classic_result = classic_for(call, sides.classic_settings)
        if when != _NO_TIME:  # an untimed call runs at the time of the call before it
            now = int(when)
        where = (source, line)
        if classic is not None and classic_result is not None:
            classic.now = now
            for request in classic_result.requests:
                classic.send(request.method, request.path, request.body, where)
        if actions is not None:
            actions.now = now
            for request in actions_for_message(
                fields, single=single, subscriptions=subscriptions, notes=False
            ).requests:
                actions.send(request.method, request.path, request.body, where,
                             from_alias=request.action == "mergePeople")  # fmt: skip
        counts.calls += 1
        if on_call is not None:
            on_call(counts)
