"""The people a traffic file names: the first streaming pass of ``cio-tui replay --live``.

A live replay starts both copies from the workspace's own people, but only those the traffic can touch: every id,
email and cio_id a request of either destination names (the classic request's path and body, the Actions bodies'
``identifiers``, merge sides and relationships, exactly as the replay will send them: the operator's subscriptions
decide what Actions names), and every ``anonymousId`` (a person identified with one holds it as an attribute). The
pass reads the files one message at a time (memory grows with the people named, not with the calls); a malformed
line is skipped here and reported by the replay itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cio_tui.segment.actions import actions_for_message
from cio_tui.segment.classic import ClassicSettings, classic_for, classic_for_fields
from cio_tui.segment.models import MessageError, call_from_message
from cio_tui.segment.outcome.whatif import identifiers_in
from cio_tui.segment.plain_calls import plain_message
from cio_tui.segment.replay.traffic import json_only, read_file, sources
from cio_tui.segment.subscriptions import SubscriptionSet
from cio_tui.segment.wire import HttpRequest


@dataclass
class NamedPeople:
    """The identifiers a traffic file names, by kind (``cio_id`` without its ``cio_`` prefix)."""

    ids: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)  # normalised: stripped, lower case
    cio_ids: set[str] = field(default_factory=set)
    anonymous_ids: set[str] = field(default_factory=set)
    calls: int = 0  # the calls the pass read

    def add(self, kind: str, value: str) -> None:
        if kind == "id":
            self.ids.add(value)
        elif kind == "email":
            self.emails.add(value.strip().lower())
        elif kind == "cio_id":
            self.cio_ids.add(value)

    @property
    def total(self) -> int:
        return len(self.ids) + len(self.emails) + len(self.cio_ids) + len(self.anonymous_ids)

    def describe(self) -> str:
        return (
            f"{len(self.ids):,} id(s), {len(self.emails):,} email(s), {len(self.cio_ids):,} cio_id(s) and "
            f"{len(self.anonymous_ids):,} anonymous id(s)"
        )


@dataclass
class NamingProgress:
    calls: int
    named: int
    elapsed: float

    def line(self) -> str:
        rate = self.calls / self.elapsed if self.elapsed > 0 else 0.0
        return (
            f"finding the people the traffic names: {self.calls:,} calls read, {self.named:,} identifiers "
            f"({rate:,.0f} calls/s)"
        )


def names_in_traffic(
    traffic: Path,
    *,
    subscriptions: SubscriptionSet | None = None,
    classic_settings: ClassicSettings | None = None,
    progress: Callable[[NamingProgress], None] | None = None,
    every: float = 0.25,
) -> NamedPeople:
    """Every identifier the requests of both destinations name for the calls of ``traffic`` (a file or a folder of
    warehouse tables), and every ``anonymousId``; one streaming pass, in file order."""
    paths = sources(traffic)
    deep = not json_only(paths)
    single = subscriptions is not None  # as the replay: the presets' payloads resolved as batch items
    named = NamedPeople()
    started = last = time.monotonic()
    for path in paths:
        for item in read_file(path):
            message = item.message
            if message is None:
                continue
            requests = _requests(message, deep, single, subscriptions, classic_settings)
            if requests is None:
                continue
            named.calls += 1
            for request in requests:
                for kind, value in identifiers_in(request):
                    named.add(kind, value)
            anonymous = message.get("anonymousId")
            if isinstance(anonymous, str | int) and not isinstance(anonymous, bool) and str(anonymous):
                named.anonymous_ids.add(str(anonymous))
            if progress is not None and (now := time.monotonic()) - last >= every:
                last = now
                progress(NamingProgress(named.calls, named.total, now - started))
    if progress is not None:
        progress(NamingProgress(named.calls, named.total, time.monotonic() - started))
    return named


def _requests(
    message: dict[str, Any],
    deep: bool,
    single: bool,
    subscriptions: SubscriptionSet | None,
    classic_settings: ClassicSettings | None,
) -> list[HttpRequest] | None:
    """The requests both destinations send for ``message``; None when it is not a Segment call the replay runs."""
    plain = plain_message(message, deep=deep)
    if plain is not None:
        classic, fields = classic_for_fields(plain, classic_settings), plain
    else:
        try:
            call = call_from_message(message)
        except MessageError:
            return None
        classic, fields = classic_for(call, classic_settings), call.to_message()
    actions = actions_for_message(fields, single=single, subscriptions=subscriptions, notes=False)
    return [*classic.requests, *actions.requests]
