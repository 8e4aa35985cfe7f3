"""``replay``: a traffic file through both destinations into two what-if copies, then the population diff.

Each call, in delivery order (``ordering``), goes through the classic destination's model into one copy and through
the Actions destination (its default presets, or the operator's subscriptions) into the other, both copies starting
from the same people. The model's clock follows the traffic (a call runs at the time Segment received it), so the
30-day windows and timestamp ordering behave as they did. Progress is reported through a callback: the first pass
(checking the order) and then every call, with the rate and the time left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cio_tui.model import Person, WorkspaceSettings
from cio_tui.segment.actions import actions_for_message
from cio_tui.segment.classic import ClassicSettings, classic_for, classic_for_fields
from cio_tui.segment.models import MessageError, call_from_message
from cio_tui.segment.plain_calls import non_finite_seen, plain_message
from cio_tui.segment.replay.copies import WhatIfCopy
from cio_tui.segment.replay.diff import Kind, population_diff
from cio_tui.segment.replay.ordering import timed_delivery_order
from cio_tui.segment.replay.traffic import json_only, sources
from cio_tui.segment.subscriptions import SubscriptionSet

MALFORMED_KEPT = 10_000  # problems listed in the result; more are counted
_NO_TIME = float("-inf")  # the delivery time of the calls before the first timed one


@dataclass
class Progress:
    phase: str  # "checking" (the ordering pass) or "replaying"
    done: int
    total: int | None
    elapsed: float

    @property
    def rate(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        if not self.total or not self.done or self.phase != "replaying":
            return None
        return (self.total - self.done) / self.rate if self.rate else None

    def line(self) -> str:
        if self.phase == "checking":
            return f"reading the traffic: {self.done:,} calls checked ({self.rate:,.0f}/s)"
        pct = f"{100 * self.done / self.total:5.1f}% " if self.total else ""
        eta = f", {_duration(self.eta)} left" if self.eta is not None else ""
        of = f" of {self.total:,}" if self.total else ""
        return f"replaying: {pct}{self.done:,}{of} calls ({self.rate:,.0f}/s{eta})"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds + 0.5)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


@dataclass
class Malformed:
    file: str
    line: int
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "reason": self.reason}


@dataclass
class ReplayResult:
    files: list[str]
    calls: int
    malformed: list[Malformed]
    malformed_count: int
    people_differing: int
    kinds: list[Kind]
    starting_people: int
    requests: dict[str, int] = field(default_factory=dict)  # per destination: requests sent
    refused: dict[str, int] = field(default_factory=dict)  # per destination: requests Customer.io refused
    mappings: str = "default presets"
    elapsed: float = 0.0
    starting_from: str = ""  # where the starting people come from (a people export, the sandbox, read live)

    def to_json(self) -> dict[str, Any]:
        """Exactly ``{"calls", "malformed", "people_differing", "kinds": [{"kind", "count", "examples"}]}``."""
        return {
            "calls": self.calls,
            "malformed": [m.to_json() for m in self.malformed],
            "people_differing": self.people_differing,
            "kinds": [{"kind": k.kind, "count": k.count, "examples": k.examples} for k in self.kinds],
        }


ProgressFn = Callable[[Progress], None]


def replay(
    traffic: Path,
    people: list[Person],
    *,
    subscriptions: SubscriptionSet | None = None,
    settings: WorkspaceSettings | None = None,
    classic_settings: ClassicSettings | None = None,
    progress: ProgressFn | None = None,
    on_malformed: Callable[[Malformed], None] | None = None,
    every: float = 0.25,
    through_models: bool = False,
) -> ReplayResult:
    """Replay ``traffic`` (a file or a directory of warehouse tables) from ``people``; reads no workspace.

    A plain message (``plain_calls``) goes to the destinations as it is; any other through the call models.
    ``through_models=True`` sends every call through the models: the reference the plain path is tested equal to.
    """
    paths = sources(traffic)
    names = [p.name for p in paths]
    settings = settings or WorkspaceSettings()
    classic = WhatIfCopy("classic", people, settings)
    actions = WhatIfCopy("actions", people, settings)
    starters = {p.cio_id for p in people}
    malformed: list[Malformed] = []
    count = {"malformed": 0, "checked": 0}
    started = time.monotonic()
    last_report = [started]

    def report(phase: str, done: int, total: int | None, force: bool = False) -> None:
        now = time.monotonic()
        if progress is not None and (force or now - last_report[0] >= every):
            last_report[0] = now
            progress(Progress(phase, done, total, now - started))

    def problem(source: int, line: int, why: str) -> None:
        count["malformed"] += 1
        item = Malformed(names[source], line, why)
        if len(malformed) < MALFORMED_KEPT:
            malformed.append(item)
        if on_malformed is not None:
            on_malformed(item)

    def checked(n: int) -> None:
        count["checked"] += n
        report("checking", count["checked"], None)

    # The presets batch (enable_batching is on by default): their payloads are resolved as batch items. With the
    # operator's subscriptions each mapping's own enable_batching decides.
    single = subscriptions is not None
    calls, seen, now = 0, 0, 0
    total: int | None = None
    json_values = json_only(paths)
    for when, source, line, message in timed_delivery_order(paths, problem, checked=checked):
        seen += 1
        if total is None:
            total = count["checked"]
            started = time.monotonic()
        plain = None if through_models else plain_message(message, deep=not json_values or non_finite_seen() > 0)
        if plain is not None:
            classic_result, fields = classic_for_fields(plain, classic_settings), plain
        else:
            try:
                call = call_from_message(message)
            except MessageError as exc:
                problem(source, line, str(exc))
                continue
            classic_result, fields = classic_for(call, classic_settings), call.to_message()
        if when != _NO_TIME:  # an untimed call runs at the time of the call before it
            now = int(when)
        classic.now = actions.now = now
        where = (source, line)
        for request in classic_result.requests:
            classic.send(request.method, request.path, request.body, where)
        for request in actions_for_message(fields, single=single, subscriptions=subscriptions, notes=False).requests:
            actions.send(request.method, request.path, request.body, where,
                         from_alias=request.action == "mergePeople")  # fmt: skip
        calls += 1
        report("replaying", seen, total or None)
    report("replaying", seen, total or seen, force=True)
    differing, kinds = population_diff(classic, actions, starters)
    return ReplayResult(
        files=names,
        calls=calls,
        malformed=sorted(malformed, key=lambda m: (m.file, m.line)),
        malformed_count=count["malformed"],
        people_differing=differing,
        kinds=kinds,
        starting_people=len(people),
        requests={"classic": classic.requests, "actions": actions.requests},
        refused={"classic": classic.refused, "actions": actions.refused},
        mappings=subscriptions.summary() if subscriptions else "default presets",
        elapsed=time.monotonic() - started,
    )
