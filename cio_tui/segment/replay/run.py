"""``replay``: a traffic file through both destinations into two what-if copies, then the population diff.

Each call, in delivery order (``ordering``), goes through the classic destination's model into one copy and through
the Actions destination (its default presets, or the operator's subscriptions) into the other, both copies starting
from the same people. The model's clock follows the traffic (a call runs at the time Segment received it), so the
30-day windows and timestamp ordering behave as they did. Progress is reported through a callback: an ordering
pass when there is one (checking the order) and then every call, with the rate and the time left. The reading and
mapping (``drive.mapped``) and the copies (``drive.Copies``) run in one process or, for large traffic, in two
(``parallel``: each process reads the traffic and runs one destination into its copy).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cio_tui.model import Person, WorkspaceSettings
from cio_tui.segment.classic import ClassicSettings
from cio_tui.segment.replay.diff import Kind, population_diff
from cio_tui.segment.replay.drive import RESTART, Call, Copies, Mapping, fewer_collections, mapped
from cio_tui.segment.replay.ordering import count_lines, streamable
from cio_tui.segment.replay.parallel import ClassicWorker, worth_it
from cio_tui.segment.replay.traffic import size_of, sources
from cio_tui.segment.subscriptions import SubscriptionSet

MALFORMED_KEPT = 10_000  # problems listed in the result; more are counted


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
class Counts:
    calls: int = 0  # calls replayed (valid Segment calls)
    seen: int = 0  # messages read in the replay pass (calls and the ones the models refuse)
    checked: int = 0  # messages read by the ordering pass (when there is one)
    total: int | None = None  # the messages expected: counted by the ordering pass, or estimated from the lines


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
    processes: int = 1  # 2: the what-if copies were driven in a second process (the same result)
    worker_peak_rss: int = 0  # bytes: the second process's peak resident memory (0: one process)
    worker_cpu: float = 0.0  # the second process's CPU seconds (0: one process)

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
    jobs: int | None = None,
) -> ReplayResult:
    """Replay ``traffic`` (a file or a directory of warehouse tables) from ``people``; reads no workspace.

    A plain message (``plain_calls``) goes to the destinations as it is; any other through the call models.
    ``through_models=True`` sends every call through the models: the reference the plain path is tested equal to.
    ``jobs``: 1 does everything in this process; 2 maps the calls here and runs them into both copies in a second
    process (``parallel``); by default two for large traffic. The result is the same either way.
    """
    paths = sources(traffic)
    names = [p.name for p in paths]
    settings = settings or WorkspaceSettings()
    two = worth_it(size_of(paths), jobs)
    starters = {p.cio_id for p in people}
    malformed: list[Malformed] = []
    count = {"malformed": 0}
    started = time.monotonic()
    last_report = [started]
    mapping = Mapping(subscriptions=subscriptions, classic_settings=classic_settings, through_models=through_models,
                      sides=("actions",) if two else ("classic", "actions"))  # fmt: skip
    # the messages expected: the lines of a file read in one pass, else what the ordering pass counts
    counts = Counts(total=count_lines(paths[0]) if streamable(paths) else None)

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
        counts.checked += n
        report("checking", counts.checked, None)

    worker = ClassicWorker(paths, mapping, people, settings) if two else None  # the classic half, on its own
    copies = Copies(people, settings, sides=mapping.sides)
    finished = False
    try:
        with fewer_collections():
            for event in mapped(paths, mapping, problem, checked):
                if event == RESTART:  # the file was not in delivery order: the calls come again, sorted
                    counts.calls = counts.seen = counts.checked = 0
                    counts.total = None
                elif counts.seen == 0:  # the replay (or, after an ordering pass, its second reading) starts
                    started = time.monotonic()
                    if counts.total is None:
                        counts.total = counts.checked
                if event != RESTART:
                    counts.seen += 1
                if isinstance(event, Call):
                    counts.calls += 1
                    report("replaying", counts.seen, max(counts.total or 0, counts.seen) or None)
                copies.apply(event)
            report("replaying", counts.seen, counts.seen, force=True)
            actions_end = copies.end("actions")
            if worker is None:
                classic_end = copies.end("classic")
            else:  # this copy's indexes go before the classic copy arrives: only what the diff reads stays
                copies.close()
                classic_end = worker.result()
            # still with fewer collections: the classic copy just received is all young objects, which the
            # default thresholds would scan in a collection triggered by the diff's own allocations
            differing, kinds = population_diff(classic_end, actions_end, starters)
            requests = {"classic": classic_end.requests, "actions": actions_end.requests}
            refused = {"classic": classic_end.refused, "actions": actions_end.refused}
            # the copies go while collections are still rare: left to the default thresholds, the first collection
            # after this block would scan every young object of the copies still held (about a second at 1M calls)
            del classic_end, actions_end
            copies.close()
        finished = True
    finally:
        if worker is not None:
            worker.stop(finished=finished)
    return ReplayResult(
        files=names,
        calls=counts.calls,
        malformed=sorted(malformed, key=lambda m: (m.file, m.line)),
        malformed_count=count["malformed"],
        people_differing=differing,
        kinds=kinds,
        starting_people=len(people),
        requests=requests,
        refused=refused,
        mappings=subscriptions.summary() if subscriptions else "default presets",
        elapsed=time.monotonic() - started,
        processes=2 if worker is not None else 1,
        worker_peak_rss=worker.peak_rss if worker is not None else 0,
        worker_cpu=worker.cpu if worker is not None else 0.0,
    )
