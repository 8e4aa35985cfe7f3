"""Build the cut-over and rollback plans from the Segment workspace as read now.

Cut-over, in order: create the Actions destination (disabled) with the classic one's site id, API key and region;
create its subscriptions from the catalog's presets (minus those skipped); copy the classic destination's filters;
then the switch: ``one-step`` (disable classic, enable Actions) or ``filters`` (complementary ``receivedAt``
filters at ``--at`` on both, then enable Actions). Whatever already exists (an Actions destination made by an earlier
run, a subscription, a filter with the same title) is not planned again. Rollback: classic on, Actions off, the
cut-over filters removed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from cio_tui.cutover.findings import preset_notes
from cio_tui.cutover.plan import Expect, Find, OpKind, SegmentOperation, SegmentPlan, SegmentPlanMethod, digest
from cio_tui.cutover.status import DestinationStatus, SegmentStatus, read_status
from cio_tui.identity.plan import PlanError, PlannedRequest
from cio_tui.segment_api.client import SegmentClient, seg
from cio_tui.segment_api.models import ACTIONS_METADATA_ID, DestinationFilter, region_value

ACTIONS_NAME = "Customer.io (Actions)"
CUTOVER_TITLE = "cio-tui cut-over"  # title prefix of the received_at filters (rollback removes exactly these)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _filter_body(f: DestinationFilter, source_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "sourceId": source_id,
        "if": f.if_,
        "actions": [a.body() for a in f.actions],
        "title": f.title,
        "enabled": f.enabled,
    }
    if f.description:
        body["description"] = f.description
    return body


def _expect_classic(st: DestinationStatus, *, enabled: bool | None = None) -> Expect:
    d = st.destination
    return Expect(
        destination_id=d.id,
        label=f"classic destination {d.name or d.id}",
        enabled=enabled,
        settings_digest=digest(d.settings),
        filters={f.id: digest(_filter_body(f, d.source_id)) for f in st.filters},
    )


def _pick_classic(status: SegmentStatus, source_id: str | None) -> DestinationStatus:
    classic = status.classic(source_id)
    if not classic:
        where = f" on source {source_id}" if source_id else ""
        raise PlanError(
            f"no classic Customer.io destination{where} points at this workspace's site id: nothing to "
            "cut over (`cio-tui segment status` shows what there is)"
        )
    if len(classic) > 1:
        sources = ", ".join(sorted({c.destination.source_id for c in classic}))
        raise PlanError(
            f"classic Customer.io destinations feed this workspace from several sources ({sources}): "
            "plan one at a time with --source ID"
        )
    return classic[0]


class _Ops:
    def __init__(self) -> None:
        self.ops: list[SegmentOperation] = []

    def next_id(self) -> str:
        return f"op-{len(self.ops) + 1:05d}"

    def add(
        self,
        *,
        kind: OpKind,
        summary: str,
        request: PlannedRequest,
        find: Find,
        expect: list[Expect] | None = None,
        changes: list[str] | None = None,
        notes: list[str] | None = None,
    ) -> str:
        op_id = self.next_id()
        self.ops.append(
            SegmentOperation(
                op_id=op_id,
                kind=kind,
                summary=summary,
                request=request,
                find=find,
                expect=expect or [],
                changes=changes or [],
                notes=notes or [],
            )
        )
        return op_id


_CUTOVER_METHODS: dict[str, SegmentPlanMethod] = {"one-step": "one-step", "filters": "filters", "prepare": "prepare"}


def _request(method: Literal["POST", "PATCH", "DELETE"], path: str, body: dict[str, Any] | None) -> PlannedRequest:
    return PlannedRequest(api="segment", method=method, path=path, body=body)


def _switch(ops: _Ops, dest: str, label: str, enabled: bool, expect: list[Expect], changes: str) -> None:
    ops.add(
        kind="update_destination",
        summary=f"{'enable' if enabled else 'disable'} the {label}",
        request=_request("PATCH", f"/destinations/{dest}", {"enabled": enabled}),
        expect=expect,
        find=Find(object="destination", destination=dest, enabled=enabled),
        changes=[changes],
    )


async def plan_cutover(
    client: SegmentClient,
    *,
    site_id: str,
    workspace_fingerprint: str,
    workspace_name: str,
    source_id: str | None = None,
    method: str = "one-step",
    at: datetime | None = None,
    skip: Sequence[str] = (),
    calls: Iterable[Any] | None = None,
    now: datetime | None = None,
    switch: bool = True,
) -> SegmentPlan:
    """The cut-over plan; ``switch=False`` stops before the switch (the Walkthrough's prepare step makes the disabled
    Actions destination; the cut-over step's plan then finds it in place and only switches)."""
    now = now or datetime.now(UTC)
    if method not in ("one-step", "filters"):
        raise PlanError(f"unknown cut-over method {method!r}: one-step or filters")
    if switch and method == "filters" and at is None:
        raise PlanError("--method filters needs --at TIME: the cut-over time both filters use (ISO 8601, UTC)")
    status = await read_status(client, site_id, source_id=source_id)
    classic = _pick_classic(status, source_id)
    c = classic.destination
    src = c.source_id
    meta = await client.destination_metadata(ACTIONS_METADATA_ID)
    names = {p.name.lower(): p for p in meta.presets}
    by_slug = {(a.slug if (a := meta.action(p.action_id)) else ""): p for p in meta.presets}
    skipped = set()
    for name in skip:
        preset = names.get(name.strip().lower()) or by_slug.get(name.strip())
        if preset is None:
            raise PlanError(
                f"--skip-preset {name!r} is not a preset of the Actions destination; presets: "
                + ", ".join(p.name for p in meta.presets)
            )
        skipped.add(preset.name)
    calls = list(calls) if calls is not None else None
    ops = _Ops()
    anchor = _expect_classic(classic)
    existing = next((a for a in status.actions(src) if a.destination.name == ACTIONS_NAME), None)
    if existing is None:
        secret_ref = {"$secret": "classic.apiKey", "sha256": digest(c.settings.get("apiKey"))}
        body: dict[str, Any] = {
            "sourceId": src,
            "metadataId": ACTIONS_METADATA_ID,
            "name": ACTIONS_NAME,
            "enabled": False,
            "settings": {
                "siteId": site_id,
                "apiKey": secret_ref,
                "accountRegion": region_value(c.settings.get("datacenter")),
            },
        }
        created = ops.add(
            kind="create_destination",
            summary=f"create the Actions destination '{ACTIONS_NAME}' (disabled) on {src}",
            request=_request("POST", "/destinations", body),
            expect=[anchor],
            find=Find(
                object="destination", match={"sourceId": src, "metadataId": ACTIONS_METADATA_ID, "name": ACTIONS_NAME}
            ),
            changes=[
                f"adds a disabled Customer.io (Actions) destination to source {src} with the classic one's site "
                f"id and API key, region {body['settings']['accountRegion']}"
            ],
        )
        dest, have_subs, have_filters = "{ref:" + created + "}", set(), set()
    else:
        dest = existing.destination.id
        have_subs = {(s.action_id, s.name) for s in existing.subscriptions}
        have_filters = {f.title for f in existing.filters}
    for preset in meta.presets:
        action = meta.action(preset.action_id)
        slug = action.slug if action else ""
        if preset.name in skipped or (preset.action_id, preset.name) in have_subs:
            continue
        body = {
            "name": preset.name,
            "actionId": preset.action_id,
            "trigger": preset.trigger,
            "enabled": True,
            "settings": preset.fields,
        }
        ops.add(
            kind="create_subscription",
            summary=f"create the mapping '{preset.name}' ({slug})",
            request=_request("POST", f"/destinations/{dest}/subscriptions", body),
            expect=[anchor],
            find=Find(
                object="subscription", destination=dest, match={"actionId": preset.action_id, "name": preset.name}
            ),
            changes=[f"the Actions destination runs {slug} on: {' '.join(preset.trigger.split())}"],
            notes=preset_notes(slug, calls),
        )
    for f in classic.filters:
        if f.title in have_filters:
            continue
        ops.add(
            kind="create_filter",
            summary=f"copy the filter '{f.title}' to the Actions destination",
            request=_request("POST", f"/destination/{dest}/filters", _filter_body(f, src)),
            expect=[anchor],
            find=Find(object="filter", destination=dest, match={"title": f.title}),
            changes=[f"Actions destination: {', '.join(a.type for a in f.actions)} if {f.if_}"],
        )
    cid = seg(c.id)
    if not switch:
        method = "prepare"
    elif method == "one-step":
        _switch(
            ops,
            cid,
            "classic destination",
            False,
            [_expect_classic(classic, enabled=True)],
            "classic stops sending (events between this and the next operation reach neither destination)",
        )
        _switch(ops, dest, "Actions destination", True, [anchor], "Actions starts sending")
    else:
        assert at is not None
        t = _iso(at)
        for target, cond, label in ((cid, f'receivedAt >= "{t}"', "classic"), (dest, f'receivedAt < "{t}"', "Actions")):
            title = f"{CUTOVER_TITLE}: {label} drops events {'from' if label == 'classic' else 'before'} {t}"
            body = {"sourceId": src, "if": cond, "actions": [{"type": "drop"}], "title": title, "enabled": True}
            ops.add(
                kind="create_filter",
                summary=f"add the cut-over filter on the {label} destination",
                request=_request("POST", f"/destination/{target}/filters", body),
                expect=[anchor],
                find=Find(object="filter", destination=target, match={"title": title}),
                changes=[
                    f"{label} drops every event received {'at or after' if label == 'classic' else 'before'} "
                    f"{t}: each event goes through exactly one destination"
                ],
            )
        _switch(
            ops,
            dest,
            "Actions destination",
            True,
            [anchor],
            f"Actions starts sending (its filter drops everything received before {t})",
        )
    return SegmentPlan.create(
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        source="segment-cutover",
        description=f"cut over source {src} from classic to Actions ({method})",
        segment_source_id=src,
        classic_destination_id=c.id,
        method=_CUTOVER_METHODS[method],
        cutover_at=at,
        operations=ops.ops,
        created_at=now,
    )


async def plan_rollback(
    client: SegmentClient,
    *,
    site_id: str,
    workspace_fingerprint: str,
    workspace_name: str,
    source_id: str | None = None,
    now: datetime | None = None,
) -> SegmentPlan:
    status = await read_status(client, site_id, source_id=source_id)
    classic = _pick_classic(status, source_id)
    c = classic.destination
    ops = _Ops()
    anchor = _expect_classic(classic)
    if not c.enabled:
        _switch(ops, seg(c.id), "classic destination", True, [anchor], "classic sends again")
    for a in status.actions(c.source_id):
        if a.destination.enabled:
            _switch(
                ops,
                seg(a.destination.id),
                f"Actions destination {a.destination.name or a.destination.id}",
                False,
                [],
                "Actions stops sending (its destination, mappings and filters are kept)",
            )
    for st in [classic, *status.actions(c.source_id)]:
        for f in st.filters:
            if f.title.startswith(CUTOVER_TITLE):
                path = f"/destination/{seg(st.destination.id)}/filters/{seg(f.id)}"
                ops.add(
                    kind="remove_filter",
                    summary=f"remove the cut-over filter '{f.title}'",
                    request=_request("DELETE", path, None),
                    expect=[],
                    find=Find(object="filter", destination=seg(st.destination.id), match={"id": f.id}, absent=True),
                    changes=[f"{st.kind} no longer drops events by {json.dumps(f.if_)}"],
                )
    return SegmentPlan.create(
        workspace_fingerprint=workspace_fingerprint,
        workspace_name=workspace_name,
        source="segment-rollback",
        description=f"roll back source {c.source_id} to the classic destination",
        segment_source_id=c.source_id,
        classic_destination_id=c.id,
        method="rollback",
        operations=ops.ops,
        created_at=now,
    )


__all__ = ["ACTIONS_NAME", "CUTOVER_TITLE", "plan_cutover", "plan_rollback"]
