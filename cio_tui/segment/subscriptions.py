"""The operator's own Actions mappings: the subscriptions of a Customer.io (Actions) destination.

Input is exactly what Segment's Public API returns from ``GET /destinations/{destinationId}/subscriptions``
(https://docs.segmentapis.com/tag/Destinations, model ``DestinationSubscription`` in
https://github.com/segmentio/public-api-sdk-python): ``{"data": {"subscriptions": [{"id", "name", "actionId",
"actionSlug", "destinationId", "enabled", "trigger", "settings", ...}]}}``. The bare ``{"subscriptions": [...]}`` and
a bare list are read too.

Each enabled subscription's ``trigger`` (FQL) decides which calls it fires on; its ``settings`` are the mapping
(mapping-kit), and a field absent from them is not sent. Everything is checked when the file is read: a trigger that
does not parse, an unknown ``actionSlug``, a directive that is not modelled are errors naming the subscription and
the field, all reported together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

from cio_tui.errors import UserError
from cio_tui.segment.action_fields import FIELDS, NO_DEFAULT, TITLES
from cio_tui.segment.fql import FqlError, Predicate, compile_trigger
from cio_tui.segment.mapping_kit import unmodelled_directives

DEFAULT_BATCH_SIZE = 50  # the Batch Size field's default (customerio-properties.ts)


class SubscriptionsError(UserError, ValueError):
    """The subscriptions cannot be previewed; ``problems`` has one line per subscription and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Subscription:
    id: str
    name: str
    action_slug: str
    trigger: str
    settings: dict[str, Any]
    matches: Predicate
    enabled: bool = True

    @property
    def label(self) -> str:
        return f"'{self.name}' ({self.id})" if self.id else f"'{self.name}'"

    @property
    def batching(self) -> bool:
        """Segment batches a subscription's events when its ``enable_batching`` setting is true."""
        return self.settings.get("enable_batching") is True and self.action_slug != "reportDeliveryEvent"

    @property
    def batch_size(self) -> int:
        size = self.settings.get("batch_size")
        return int(size) if isinstance(size, int | float) and not isinstance(size, bool) else DEFAULT_BATCH_SIZE


@dataclass
class SubscriptionSet:
    subscriptions: list[Subscription]
    disabled: list[str] = field(default_factory=list)  # labels of the subscriptions that do not fire
    notes: list[str] = field(default_factory=list)

    def matching(self, message: dict[str, Any]) -> list[Subscription]:
        return [s for s in self.subscriptions if s.matches(message)]

    def summary(self) -> str:
        fired = ", ".join(f"{s.name} ({s.action_slug})" for s in self.subscriptions) or "none"
        off = f"; {len(self.disabled)} disabled" if self.disabled else ""
        return f"{len(self.subscriptions)} enabled subscription(s): {fired}{off}"


def _items(data: object) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        inner = data.get("data", data)
        if isinstance(inner, dict) and isinstance(inner.get("subscriptions"), list):
            return cast("list[Any]", inner["subscriptions"])
    raise SubscriptionsError(
        ['expected the Public API response {"data": {"subscriptions": [...]}} (or a list of subscriptions)']
    )


def _one(raw: object, number: int, problems: list[str], notes: list[str]) -> Subscription | None:
    if not isinstance(raw, dict):
        problems.append(f"subscription {number}: is not a JSON object")
        return None
    name = str(raw.get("name") or f"#{number}")
    sub_id = str(raw.get("id") or "")
    label = f"subscription '{name}'" + (f" ({sub_id})" if sub_id else "")
    slug, trigger, settings = raw.get("actionSlug"), raw.get("trigger"), raw.get("settings")
    start = len(problems)
    if slug not in FIELDS:
        known = ", ".join(sorted(FIELDS))
        problems.append(f"{label}, field actionSlug: unknown action {slug!r}; the destination's actions are {known}")
    if not isinstance(trigger, str):
        problems.append(f'{label}, field trigger: missing (an FQL string such as type = "identify")')
    if not isinstance(settings, dict):
        problems.append(f"{label}, field settings: missing or not an object")
    enabled = raw.get("enabled", True) is not False
    if len(problems) > start:
        return None
    assert isinstance(trigger, str) and isinstance(settings, dict) and isinstance(slug, str)
    try:
        matches = compile_trigger(trigger)
    except FqlError as exc:
        problems.append(f"{label}, field trigger: does not parse: {exc}")
        matches = None
    for where, directive in unmodelled_directives(settings):
        problems.append(
            f"{label}, field settings.{where}: {directive} is not modelled by this preview "
            "(modelled: @path, @template, @if, @case, @replace, @arrayPath, @literal, @json, @merge, @flatten, "
            "@excludeWhenNull)"
        )
    known_fields = {f.name for f in FIELDS[slug]}
    extra = sorted(set(settings) - known_fields)
    if extra:
        notes.append(f"{label}: settings {', '.join(extra)} are not fields of {TITLES[slug]}; Segment ignores them.")
    unmapped = [f.name for f in FIELDS[slug] if f.name not in settings and f.default is not NO_DEFAULT
                and f.name not in ("enable_batching", "batch_size", "convert_timestamp")]  # fmt: skip
    if unmapped:
        notes.append(f"{label}: {', '.join(unmapped)} unmapped (the preset maps them): not sent.")
    has_convert = any(f.name == "convert_timestamp" for f in FIELDS[slug])
    if has_convert and settings.get("convert_timestamp", False) is False:
        how = "off" if "convert_timestamp" in settings else "unmapped"
        notes.append(f"{label}: Convert Timestamps is {how}: ISO dates are sent as strings (the timestamp field "
                     "is still converted).")  # fmt: skip
    if matches is None or len(problems) > start:
        return None
    return Subscription(sub_id, name, slug, trigger, settings, matches, enabled)


def load_subscriptions(data: object) -> SubscriptionSet:
    """Read and check every subscription; raises ``SubscriptionsError`` listing every problem."""
    problems: list[str] = []
    notes: list[str] = []
    enabled: list[Subscription] = []
    disabled: list[str] = []
    for number, raw in enumerate(_items(data), 1):
        sub = _one(raw, number, problems, notes)
        if sub is None:
            continue
        if sub.enabled:
            enabled.append(sub)
        else:
            disabled.append(sub.label)
    if problems:
        raise SubscriptionsError(problems)
    if any("unmapped (the preset maps them)" in n for n in notes):
        notes.append("A mapping keeps the fields it was made with: fields added to the destination later (such as "
                     "event_id or timestamp) stay unmapped until the mapping is edited in Segment.")  # fmt: skip
    return SubscriptionSet(enabled, disabled, notes)


def read_subscriptions(text: str) -> SubscriptionSet:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubscriptionsError([f"not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"]) from None
    return load_subscriptions(data)
