"""What the sandbox server adds around the engine (auth, origin, limits, faults, App search and exports, generated
data): rows of the same fidelity table as the engine's behaviours (``cio_tui.model.behaviours``)."""

from __future__ import annotations

from cio_tui.model.behaviour_rows.row import APP, NODE_FIXTURES, SPEC, Behaviour, Status

_TRACK = "https://customer.io/docs/api/track/#operation/"
_APP_LIMITS = "https://docs.customer.io/integrations/api/app/"


def _s(key: str, area: str, title: str, does: str, source: str, status: Status, note: str = "") -> Behaviour:
    return Behaviour(key, area, title, does, source, status, note)


SERVER_BEHAVIOURS: tuple[Behaviour, ...] = (
    _s(
        "credentials",
        "Access",
        "Credentials",
        "Basic auth `sandbox` / `sandbox-track-key` on Track, `Authorization: Bearer sandbox-app-key` on App: fixed, "
        "printed on start, not secrets",
        SPEC,
        "confirmed",
        "the schemes are documented; the values are the sandbox's",
    ),
    _s(
        "bad_credentials",
        "Access",
        "Bad credentials",
        '401; Track `{"meta":{"error":"Unauthorized request"}}`, App '
        '`{"errors":[{"detail":"unauthorized","status":"401"}]}`',
        APP,
        "assumed",
        "the Track text",
    ),
    _s(
        "one_origin",
        "Access",
        "One origin",
        "Track v1 `/api/v1/...`, v2 `/api/v2/...` and App `/v1/...` on one host (production uses `track.` and "
        "`api.` hosts; the paths are identical)",
        SPEC,
        "assumed",
        "a sandbox convenience",
    ),
    _s(
        "region",
        "Access",
        "Region check",
        '`GET /api/v1/accounts/region` answers `{"url", "region": "us", "environment_id": 90210}`',
        _TRACK + "getRegion",
        "confirmed",
    ),
    _s(
        "auth_ping",
        "Access",
        "`GET /auth`",
        "200 with Track credentials, 401 otherwise",
        "https://github.com/segmentio/action-destinations/blob/main/packages/destination-actions/src/destinations/"
        "customerio/index.ts",
        "assumed",
        "Segment's authentication test uses it; Customer.io does not document it",
    ),
    _s(
        "response_shapes",
        "Access",
        "Write responses",
        "every accepted Track write answers 200 `{}`, as the recorded live responses of Customer.io's Node library "
        "show",
        NODE_FIXTURES,
        "confirmed",
    ),
    _s(
        "track_rate_limit",
        "Limits",
        "Track rate limit",
        "1000 requests/second by default (`--track-rps`, 0 = off; off in the embedded sandbox); over it 429 with an "
        "integer `Retry-After`",
        SPEC,
        "confirmed",
        "the limit is published as soft; the 429 is assumed",
    ),
    _s(
        "app_rate_limit",
        "Limits",
        "App rate limit",
        "10 requests/second (`--app-rps`); over it 429, `Retry-After`, "
        '`{"errors":[{"detail":"rate limited to 10 requests per 1s","status":"429"}]}`',
        _APP_LIMITS,
        "confirmed",
    ),
    _s(
        "faults",
        "Limits",
        "Fault injection",
        "`--fault-rate F`: that share of requests fails (429, 500, 502, 503, dropped connection), reproducible from "
        "`--seed`; half of the 5xx and drops on writes apply the write first",
        SPEC,
        "assumed",
        "the sandbox's own, modelling servers failing after commit",
    ),
    _s(
        "latency",
        "Limits",
        "Latency",
        "`--latency-ms` added to every API request",
        SPEC,
        "assumed",
        "the sandbox's own",
    ),
    _s(
        "visibility_lag",
        "Limits",
        "Visibility lag",
        "`--visibility-lag SECONDS`: an accepted Track write is answered 200 at once and seen by reads only after "
        "the lag (a refused one is answered at once, as without it)",
        SPEC,
        "assumed",
        "Customer.io processes Track writes asynchronously; the lag it shows is not published",
    ),
    _s(
        "bulk_attributes",
        "App API",
        "`POST /v1/customers/attributes`",
        "1 to 100 ids of the `id_type` kind; unknown ones left out; more is a 400",
        APP,
        "confirmed",
    ),
    _s(
        "person_lists",
        "App API",
        "Segments, activities, messages of a person",
        '`{"segments"}`; `{"activities","next"}` newest first with `type`/`name` filters; `{"messages","next"}`',
        APP,
        "confirmed",
        "item fields are assumed",
    ),
    _s(
        "workspaces",
        "App API",
        "`GET /v1/workspaces`",
        "one workspace, id 90210, people and messages counts",
        APP,
        "confirmed",
    ),
    _s(
        "exports",
        "App API",
        "Exports",
        'start `{"export":{...}}` pending; the first status read finds it done; download `{"url"}` to an '
        'unauthenticated CSV (`cio_id,id,email,created_at,<attributes>`); `{"exports": null}` when there are none',
        APP,
        "assumed",
        "the shapes are documented; timing, file format and link lifetime are the sandbox's",
    ),
    _s(
        "generated_data",
        "Data",
        "Seeded workspace",
        "`--people N --seed S`: customers, leads, email-as-id people, duplicate clusters, unsubscribed and suppressed "
        "people, devices, segments, events, messages, with ground truth in the `clusters` table; deterministic",
        SPEC,
        "assumed",
        "the sandbox's own data",
    ),
)
