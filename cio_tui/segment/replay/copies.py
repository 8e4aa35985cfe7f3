"""A what-if copy of the workspace for a replay: the model of Customer.io (``cio_tui.model.Engine``) over memory.

Both copies start from the same people; one receives what the classic destination sends, the other what the Actions
destination sends. ``WhatIfCopy.send`` runs one request and notes, per person, what the diff needs (created, a lead
given an id, a failed attribute change, merged away by an alias, anonymous activity attached, an update dropped by
timestamp order), with the first call that did it.

``ReplayStorage`` keeps the model's memory storage but not what only grows with the number of calls: activity rows
become per-person counts of failed attribute changes, metrics are counted, anonymous events keep no data, and event
ids are remembered for the last ``EVENT_ID_WINDOW`` events only (the dedupe a replay can afford).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from cio_tui.model import Engine, MemoryStorage, Person, WorkspaceSettings
from cio_tui.segment.plain_calls import as_json_sends, non_finite_seen

EVENT_ID_WINDOW = 200_000


class ReplayStorage(MemoryStorage):
    def __init__(self, *, cio_prefix: str) -> None:
        super().__init__(cio_prefix=cio_prefix)
        self.failed: dict[str, int] = {}
        self.metric_count = 0
        self._recent_ids: OrderedDict[str, None] = OrderedDict()

    def add_activity(self, cio_id: str, type_: str, name: str | None, ts: int, data: dict[str, Any]) -> int:
        self._activity_pk += 1
        if type_ == "failed_attribute_change":
            self.failed[cio_id] = self.failed.get(cio_id, 0) + 1
        return self._activity_pk

    def move_history(self, src: str, dst: str, *, events_since: int | None) -> None:
        if src in self.failed:
            self.failed[dst] = self.failed.get(dst, 0) + self.failed.pop(src)
        super().move_history(src, dst, events_since=events_since)

    def seen_event_id(self, event_id: str) -> bool:
        return event_id in self._recent_ids

    def remember_event_id(self, event_id: str) -> None:
        self._recent_ids[event_id] = None
        if len(self._recent_ids) > EVENT_ID_WINDOW:
            self._recent_ids.popitem(last=False)

    def add_anonymous_event(self, anonymous_id: str, type_: str, name: str, ts: int, data: dict[str, Any]) -> None:
        super().add_anonymous_event(anonymous_id, type_, name, ts, {})

    def add_metric(self, delivery_id: str, metric: str, ts: int, data: dict[str, Any]) -> None:
        self.metric_count += 1


@dataclass
class Marks:
    """Per person (by cio_id in this copy): the kinds of change seen, the first call (source, line) of each, and the
    person's id and email when it was marked (a person merged away later is still named)."""

    first: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    named: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)

    def add(self, cio_id: str, kind: str, where: tuple[int, int], who: Person | None) -> None:
        self.first.setdefault(cio_id, {}).setdefault(kind, where)
        if who is not None:
            self.named[cio_id] = (who.id, who.email)


@dataclass
class CopyEnd:
    """What the population diff reads of a copy at the end of a replay (small enough to pass between processes)."""

    name: str
    people: dict[str, Person]
    marks: Marks
    merged_away: dict[str, tuple[tuple[int, int], dict[str, Any]]]
    requests: int
    refused: int


class WhatIfCopy:
    """One copy of the workspace, driven by the requests of one destination."""

    def __init__(self, name: str, people: list[Person], settings: WorkspaceSettings) -> None:
        self.name = name
        self.storage = ReplayStorage(cio_prefix=f"{name}_new")
        for person in people:
            self.storage.add_person(person)
        self.now = 0
        self.engine = Engine(self.storage, settings, clock=lambda: self.now, behaviours=False)
        self.marks = Marks()
        self.requests = 0
        self.refused = 0
        # secondary cio_id -> (call, the identifiers the merge named it by), for merges from alias
        self.merged_away: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}

    def send(self, method: str, path: str, body: object, where: tuple[int, int], *, from_alias: bool = False) -> None:
        self.requests += 1
        if non_finite_seen():  # the traffic held a NaN or an infinity: the request carries null there
            body = as_json_sends(body)
        result = self.engine.execute(method, path, body)
        if result.status >= 400:
            self.refused += 1
        mark = self._mark
        for rec in result.records:
            kind = rec.kind
            if kind == "assigns_id_to_lead":
                for cio_id, role in rec.roles.items():
                    if role == "lead":
                        mark(cio_id, "lead_converted", where)
            elif kind == "update_ignored_older":
                for cio_id, role in rec.roles.items():
                    if role == "unchanged":  # the person whose update was ignored, not the one it conflicted with
                        mark(cio_id, "dropped_by_timestamp_order", where)
            elif kind == "merges_people" and from_alias:
                for cio_id, role in rec.roles.items():
                    if role.startswith("secondary"):
                        named = body.get("secondary") if isinstance(body, dict) else None
                        self.merged_away.setdefault(cio_id, (where, dict(named) if isinstance(named, dict) else {}))
                    else:
                        mark(cio_id, "merged_by_alias", where)
            if rec.facts.get("anonymous_events_merged"):
                for cio_id in rec.roles:
                    mark(cio_id, "anonymous_activity_attached", where)
            for cio_id, type_, _name in rec.activities:
                if type_ == "failed_attribute_change":
                    mark(cio_id, "failed_attribute_change", where)

    def end(self) -> CopyEnd:
        return CopyEnd(self.name, self.storage.people, self.marks, self.merged_away, self.requests, self.refused)

    def _mark(self, cio_id: str, kind: str, where: tuple[int, int]) -> None:
        self.marks.add(cio_id, kind, where, self.storage.people.get(cio_id))
