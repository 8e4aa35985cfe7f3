"""Date strings to unix seconds, the way JavaScript's ``Date`` reads the common forms (ISO-8601 with or without a
time or offset, RFC 2822 dates, ``YYYY/MM/DD``): what Customer.io does with a string ``created_at``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_DIGITS = re.compile(r"^-?\d+(\.\d+)?$")
_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def to_unix(value: object) -> int | None:
    """Unix seconds for a number or a date string; ``None`` when it cannot be read as a date."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _DIGITS.match(text):
        return int(float(text))
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        dt = None
    if dt is None:
        m = _SLASHED.match(text)
        if m:
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
            try:
                dt = datetime(y, mo, d, h, mi, s)
            except ValueError:
                return None
    if dt is None:
        try:
            dt = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # assumed: no offset reads as UTC (a browser would use its own zone)
    return int(dt.timestamp())
