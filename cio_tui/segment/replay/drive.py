"""One pass of a replay over the calls in delivery order, driving one what-if copy or both.

Each copy depends only on the calls and on its own destination (the classic copy never sees what the Actions
destination sends, nor the other way round), so the two can be driven in one pass or in two processes over the
same calls with the same results: ``parallel`` runs the classic side in a second process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cio_tui.segment.actions import actions_for_message
from cio_tui.segment.classic import ClassicResult, ClassicSettings, classic_for, classic_for_fields
from cio_tui.segment.models import MessageError, call_from_message
from cio_tui.segment.plain_calls import non_finite_seen, plain_message
from cio_tui.segment.replay.copies import WhatIfCopy
from cio_tui.segment.replay.ordering import Counter, Problem, timed_delivery_order
from cio_tui.segment.replay.traffic import json_only
from cio_tui.segment.subscriptions import SubscriptionSet

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


def drive(
    paths: list[Path],
    sides: Sides,
    problem: Problem,
    *,
    checked: Counter | None = None,
    on_call: Callable[[Counts], None] | None = None,
) -> Counts:
    """Every call of ``paths`` in delivery order into ``sides``' copies. ``problem`` gets the unreadable lines and
    the messages the call models refuse; ``checked`` the progress of the ordering pass; ``on_call`` each call."""
    classic, actions, subscriptions = sides.classic, sides.actions, sides.subscriptions
    # The presets batch (enable_batching is on by default): their payloads are resolved as batch items. With the
    # operator's subscriptions each mapping's own enable_batching decides.
    single = subscriptions is not None
    counts = Counts()
    now = 0
    json_values = json_only(paths)
    for when, source, line, message in timed_delivery_order(paths, problem, checked=checked):
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
    return counts
