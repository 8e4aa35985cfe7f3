"""Behaviour rows of Track v2, the size limits and the App API reads.

Assembled, in this order, into ``cio_tui.model.behaviours.BEHAVIOURS``.
"""

from __future__ import annotations

from cio_tui.model.behaviour_rows.row import APP, SPEC, TRACK, Behaviour, b

# Track v2 and the size limits
V2_LIMITS: tuple[Behaviour, ...] = (
    b(
        "v2_entity",
        "Track v2",
        "`POST /api/v2/entity`",
        'one operation; 200 `{}`; 400 `{"errors":[{"reason","field","message"}]}`',
        TRACK + "entity",
        "confirmed",
    ),
    b(
        "v2_batch",
        "Track v2",
        "`POST /api/v2/batch`",
        "each operation on its own; 200 `{}`, or 207 listing `batch_index` failures (the others applied)",
        TRACK + "batch",
        "confirmed",
    ),
    b(
        "v2_identify_like_v1",
        "Track v2",
        "v2 identify resolves like v1",
        "resolves like v1 with the identifier as the path",
        TRACK + "entity",
        "assumed",
    ),
    b(
        "size_limits",
        "Limits",
        "Size limits",
        "400 for an id over 150 bytes, attribute names over 150 or values over 1000 bytes, over 300 attributes, "
        "event names over 100 bytes, event data over 100,000 bytes, entity >= 32 KB, batch >= 500 KB",
        SPEC,
        "confirmed",
        "400 rather than truncation is assumed",
    ),
)

# App API reads
APP_READS: tuple[Behaviour, ...] = (
    b(
        "app_by_email",
        "App API",
        "`GET /v1/customers?email=`",
        '`{"results":[{"email","id","cio_id"}]}`, `[]` when nobody',
        APP,
        "confirmed",
    ),
    b(
        "app_attributes",
        "App API",
        "`GET /v1/customers/{id}/attributes`",
        '`{"customer":{...}}` with every attribute value a string; 404 when nobody; `id_type` id (default), '
        "email, cio_id, phone (when enabled)",
        APP,
        "confirmed",
    ),
    b(
        "app_search",
        "App API",
        "Search and export filters",
        "`and`/`or`/`not`/`segment`/`attribute` with `eq`/`exists` only; `email` `eq` matches case-insensitively; "
        "values compare as strings; `id`, `email`, `cio_id`, `created_at` usable as fields",
        APP,
        "confirmed",
        "`id` as a filter field and case-insensitive email `eq` are assumed",
    ),
)

__all__ = ["V2_LIMITS", "APP_READS"]
