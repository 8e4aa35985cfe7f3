"""Timestamp conversion exactly as the Actions destination does it (docs/reference/segment-actions.md,
"Timestamps").

- ``convert_valid_timestamp`` (top-level ``timestamp``, metrics): non-strings and digit-only strings unchanged;
  other strings that parse -> unix seconds; unparsable strings sent as they are.
- ``convert_attribute_timestamps``: recurses into plain objects, **not arrays**; a string converts only when it is
  strict ISO-8601 (``YYYY-MM-DD``, optional ``THH:mm[:ss]``, 1-9 digit fraction, ``Z``/``±hh:mm``/``±hhmm``) and
  ``Date.parse`` accepts it. Numbers are untouched.
- Offset-less strings: the destination parses them in the runtime's local time (runtime time zone
  unconfirmed); this preview takes them as **UTC** and says so.
- More than 5 fractional digits: ``Date.parse`` in production rejects them (segmentio/action-destinations
  commits #3930/#3934), so such strings stay strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

ISO_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.(?P<frac>\d{1,9}))?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?$"
)
_DIGITS_RE = re.compile(r"^\d+(\.\d+)?$")
_MONTHS = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_DATE_LIKE = [
    re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b"),
    re.compile(rf"\b\d{{1,2}}[ -]?({_MONTHS})[a-z]*[ -,]+\d{{2,4}}\b", re.I),
    re.compile(rf"\b({_MONTHS})[a-z]*\.? \d{{1,2}},? \d{{4}}\b", re.I),
    re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}"),
]
MAX_FRACTION_DIGITS = 5


@dataclass
class Skipped:
    """A string that looks like a date but stays a string in the Actions body."""

    path: str
    value: str
    reason: str


@dataclass
class ConversionReport:
    converted: list[tuple[str, str, int]] = field(default_factory=list)  # (path, original, unix seconds)
    assumed_utc: list[str] = field(default_factory=list)  # paths of converted strings without an offset
    skipped: list[Skipped] = field(default_factory=list)
    quiet: bool = False  # a replay needs the converted values only: nothing is noted (faster)

    def extend(self, other: ConversionReport) -> None:
        self.converted += other.converted
        self.assumed_utc += other.assumed_utc
        self.skipped += other.skipped


def looks_like_date(value: str) -> bool:
    """A heuristic for "the operator meant a date": used only to warn about strings that will not convert."""
    return len(value) <= 64 and any(p.search(value) for p in _DATE_LIKE)


_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _floor_seconds(moment: datetime) -> int:
    # a timedelta keeps 0 <= seconds < 86400 and 0 <= microseconds < 10**6 whatever the sign: this is the floor
    since = moment - _UNIX_EPOCH
    return since.days * 86_400 + since.seconds


def _parse_strict_iso(value: str) -> tuple[int, bool] | None:
    """(unix seconds, had no offset) for a strict ISO-8601 string that ``Date.parse`` accepts, else None."""
    m = ISO_RE.match(value)
    if not m:
        return None
    if m.group("frac") and (len(m.group("frac")) > MAX_FRACTION_DIGITS or m.group("s") is None):
        return None
    tz = m.group("tz")
    if tz is None or tz == "Z" or ":" in tz:  # the C parser reads these forms exactly as the rules below do
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return _floor_seconds(parsed), tz is None
    try:
        year, month, day_of_month = (int(part) for part in m.group("date").split("-"))
        day = datetime(year, month, day_of_month)
        hour, minute, second = int(m.group("h") or 0), int(m.group("m") or 0), int(m.group("s") or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        micro = int((m.group("frac") or "0").ljust(6, "0")[:6])
        moment = day.replace(hour=hour, minute=minute, second=second, microsecond=micro, tzinfo=UTC)
    except ValueError:
        return None
    if tz and tz != "Z":
        digits = tz[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            return None
        offset = timedelta(hours=hours, minutes=minutes)
        moment = moment - offset if tz[0] == "+" else moment + offset
    return _floor_seconds(moment), tz is None


# the same attribute dates recur (createdAt, plan renewals): parsing dominates their conversion
parse_strict_iso = lru_cache(maxsize=1 << 16)(_parse_strict_iso)


_UTC_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,5})?Z", re.ASCII)
_from_iso = datetime.fromisoformat


def utc_seconds(value: str) -> int | None:
    """Unix seconds of the common UTC shape ``YYYY-MM-DDTHH:MM:SS[.f{1,5}]Z`` (ASCII digits): on that shape
    ``_parse_strict_iso`` is exactly the C parser floored to the second, so this is its answer without the general
    pattern's groups. None for any other string or one the parser refuses (the caller then takes the general path,
    which refuses it the same way)."""
    if _UTC_SHAPE.fullmatch(value) is None:
        return None
    try:
        moment = _from_iso(value)
    except ValueError:
        return None
    return _floor_seconds(moment)


def convert_valid_timestamp(value: object) -> Any:
    """Top-level ``timestamp`` rule (``convertValidTimestamp`` in the destination's ``utils.ts``)."""
    if type(value) is str:  # the common shape first: it is no digit-only string
        fast = utc_seconds(value)
        if fast is not None:
            return fast
    return general_timestamp(value)


def general_timestamp(value: object) -> Any:
    """``convert_valid_timestamp`` without the shortcut for the common shape (what the shortcut must equal)."""
    if not isinstance(value, str) or _DIGITS_RE.match(value):
        return value
    strict = _parse_strict_iso(value)  # not through the cache: a call's timestamp is almost never seen again
    if strict is not None:
        return strict[0]
    try:  # dayjs.utc falls back to the JS Date parser: ISO with a space, RFC 2822 dates
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _floor_seconds(moment)


def convert_attribute_timestamps(
    payload: dict[str, Any], report: ConversionReport | None = None, prefix: str = ""
) -> dict[str, Any]:
    """Recursive strict-ISO conversion over plain objects (``convertAttributeTimestamps``); arrays are copied
    untouched."""
    report = report if report is not None else ConversionReport()
    if report.quiet:
        return convert_quietly(payload)
    out: dict[str, Any] = {}
    for key, value in payload.items():
        path = f"{prefix}{key}"
        if isinstance(value, str):
            parsed = parse_strict_iso(value)
            if parsed is not None:
                out[key] = parsed[0]
                report.converted.append((path, value, parsed[0]))
                if parsed[1]:
                    report.assumed_utc.append(path)
                continue
            if looks_like_date(value):
                reason = (
                    f"more than {MAX_FRACTION_DIGITS} fractional digits"
                    if ISO_RE.match(value)
                    else "not strict ISO-8601"
                )
                report.skipped.append(Skipped(path, value, reason))
        elif isinstance(value, dict):
            out[key] = convert_attribute_timestamps(value, report, path + ".")
            continue
        elif isinstance(value, list):
            _note_array_dates(value, report, path)
        out[key] = value
    return out


def convert_quietly(payload: dict[str, Any], skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """``convert_attribute_timestamps`` noting nothing, in one pass; the keys in ``skip`` (top level only) are left
    out of the result."""
    out: dict[str, Any] = {}
    parse = parse_strict_iso
    for key, value in payload.items():
        if key in skip:
            continue
        if isinstance(value, str):
            if len(value) >= 10 and value[4] == "-":
                parsed = parse(value)
                if parsed is not None:
                    value = parsed[0]
        elif isinstance(value, dict):
            value = convert_quietly(value)
        out[key] = value
    return out


def _note_array_dates(items: list[Any], report: ConversionReport, path: str) -> None:
    for i, item in enumerate(items):
        if isinstance(item, str) and (looks_like_date(item) or parse_strict_iso(item)):
            report.skipped.append(Skipped(f"{path}[{i}]", item, "inside an array (arrays are not converted)"))
        elif isinstance(item, dict | list):
            for key, sub in item.items() if isinstance(item, dict) else enumerate(item):
                if isinstance(sub, str) and (looks_like_date(sub) or parse_strict_iso(sub)):
                    report.skipped.append(
                        Skipped(f"{path}[{i}].{key}", sub, "inside an array (arrays are not converted)")
                    )
