"""Value expressions of the portable rules (``portable.py``): the email shape, a real id, and ``created_at`` as epoch
seconds, in sqlglot's neutral dialect, regex-guarded and arithmetic-only so every engine computes the same value and
one bad value never fails the query (no ``TRY_CAST``: some engines lose it)."""

from __future__ import annotations

# The email shape (as customerio.identifiers.EMAIL_RE), anchored: every engine's regex test then means a full match.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+[.][^@\s]+$"
NUMBER_PATTERN = r"^-?[0-9]{1,15}([.][0-9]+)?$"  # longer is out of range anyway
ISO_PATTERN = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
# Epoch seconds of 0001-01-01 and 9999-12-31 23:59:59: a created_at outside is unknown, not an error.
TS_RANGE = (-62135596800, 253402300799)
MS_THRESHOLD = 100_000_000_000  # a number above this is milliseconds


def ql(text: str) -> str:
    """A string literal in the neutral dialect."""
    return "'" + text.replace("'", "''") + "'"


def is_email(col: str) -> str:
    """Email-shaped; the LIKE first (in a CASE, so every engine tests it first): the regex runs on few values."""
    return f"CASE WHEN {col} LIKE '%@%' THEN REGEXP_LIKE(TRIM({col}), {ql(EMAIL_PATTERN)}) ELSE FALSE END"


def real_id(col: str) -> str:
    """1 when ``col`` is a real id: present and not an email (an email-shaped id is a placeholder sent by mistake)."""
    return f"CASE WHEN {col} IS NOT NULL AND NOT {is_email(col)} THEN 1 ELSE 0 END"


def created_ts(s: str) -> str:
    """``created_at`` text (``s``: already trimmed) as epoch seconds (BIGINT): unix seconds, unix milliseconds, or
    an ISO-8601 date or time with an optional offset; NULL when it is none of these, names a day that does not exist,
    or is outside years 1-9999. Regex-guarded arithmetic only (days from the civil date; every cast sits behind the
    regex test that makes it safe, in a CASE, which fixes the order), so every engine computes the same number and
    one bad value never fails the query."""

    def part(start: int, length: int) -> str:
        return f"CAST(SUBSTRING({s}, {start}, {length}) AS BIGINT)"

    def at_end(start_back: int, hours_len: int) -> str:  # a signed offset in seconds, ending the text
        n = f"LENGTH({s})"
        sign = f"(CASE WHEN SUBSTRING({s}, {n} - {start_back}, 1) = '-' THEN -1 ELSE 1 END)"
        hours = f"CAST(SUBSTRING({s}, {n} - {start_back - 1}, 2) AS BIGINT) * 3600"
        minutes = f" + CAST(SUBSTRING({s}, {n} - 1, 2) AS BIGINT) * 60" if hours_len else ""
        return f"{sign} * ({hours}{minutes})"

    y, m, d = part(1, 4), part(6, 2), part(9, 2)
    has_time = f"SUBSTRING({s}, 11, 1) IN ('T', ' ')"
    hh = f"(CASE WHEN {has_time} THEN {part(12, 2)} ELSE 0 END)"
    mi = f"(CASE WHEN {has_time} THEN {part(15, 2)} ELSE 0 END)"
    ss = f"(CASE WHEN {has_time} AND SUBSTRING({s}, 17, 1) = ':' THEN {part(18, 2)} ELSE 0 END)"
    offset = (
        f"(CASE WHEN NOT {has_time} THEN 0 "
        f"WHEN REGEXP_LIKE({s}, '[+-][0-9]{{2}}:[0-9]{{2}}$') THEN {at_end(5, 2)} "
        f"WHEN REGEXP_LIKE({s}, '[+-][0-9]{{4}}$') THEN {at_end(4, 2)} "
        f"WHEN REGEXP_LIKE({s}, '[+-][0-9]{{2}}$') THEN {at_end(2, 0)} ELSE 0 END)"
    )
    leap = f"(MOD({y}, 4) = 0 AND (MOD({y}, 100) <> 0 OR MOD({y}, 400) = 0))"
    month_days = (
        f"(CASE WHEN {m} = 2 THEN (CASE WHEN {leap} THEN 29 ELSE 28 END) WHEN {m} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)"
    )
    valid = (
        f"{y} >= 1 AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {month_days} AND {hh} <= 23 AND {mi} <= 59 "
        f"AND {ss} <= 59"
    )
    y2 = f"({y} - (CASE WHEN {m} <= 2 THEN 1 ELSE 0 END))"
    era = f"FLOOR(CAST({y2} AS DOUBLE) / 400)"
    yoe = f"({y2} - {era} * 400)"
    doy = f"(FLOOR(CAST(153 * MOD({m} + 9, 12) + 2 AS DOUBLE) / 5) + {d} - 1)"
    doe = f"({yoe} * 365 + FLOOR(CAST({yoe} AS DOUBLE) / 4) - FLOOR(CAST({yoe} AS DOUBLE) / 100) + {doy})"
    days = f"({era} * 146097 + {doe} - 719468)"
    iso = f"({days} * 86400 + {hh} * 3600 + {mi} * 60 + {ss} - {offset})"
    num = f"CAST({s} AS DOUBLE)"
    secs = (
        f"(CASE WHEN REGEXP_LIKE({s}, {ql(NUMBER_PATTERN)}) "
        f"THEN FLOOR(CASE WHEN {num} > {MS_THRESHOLD} THEN {num} / 1000 ELSE {num} END) "
        f"WHEN REGEXP_LIKE({s}, {ql(ISO_PATTERN)}) THEN (CASE WHEN {valid} THEN {iso} END) END)"
    )
    return f"CAST(CASE WHEN {secs} BETWEEN {TS_RANGE[0]} AND {TS_RANGE[1]} THEN {secs} END AS BIGINT)"
