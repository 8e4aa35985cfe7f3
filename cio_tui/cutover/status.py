"""``segment status``: the Segment sources feeding this Customer.io workspace and their Customer.io destinations.

A destination belongs to this workspace when its ``siteId`` setting is the workspace's site id (classic and Actions
destinations both carry it). The JSON keys are the command's contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cio_tui.segment_api.client import SegmentClient
from cio_tui.segment_api.errors import SegmentNotFoundError, SegmentPermissionError
from cio_tui.segment_api.models import (
    Destination,
    DestinationFilter,
    Source,
    Subscription,
    mask_settings,
)


@dataclass
class DestinationStatus:
    destination: Destination
    subscriptions: list[Subscription] = field(default_factory=list)
    filters: list[DestinationFilter] = field(default_factory=list)
    subscriptions_error: str | None = None

    @property
    def kind(self) -> str:
        return self.destination.kind or "other"

    def to_json(self) -> dict[str, Any]:
        d = self.destination
        return {
            "id": d.id,
            "name": d.name,
            "source_id": d.source_id,
            "metadata_id": d.metadata.id,
            "kind": self.kind,
            "enabled": d.enabled,
            "settings": mask_settings(d.settings),
            "subscriptions": [
                {"action_slug": s.action_slug, "enabled": s.enabled, "trigger": s.trigger} for s in self.subscriptions
            ],
            "filters": [
                {"if": f.if_, "actions": [a.body() for a in f.actions], "enabled": f.enabled} for f in self.filters
            ],
        }


@dataclass
class SegmentStatus:
    sources: list[Source]
    destinations: list[DestinationStatus]
    warnings: list[str] = field(default_factory=list)

    def classic(self, source_id: str | None = None) -> list[DestinationStatus]:
        return [
            d
            for d in self.destinations
            if d.kind == "classic" and (source_id is None or d.destination.source_id == source_id)
        ]

    def actions(self, source_id: str | None = None) -> list[DestinationStatus]:
        return [
            d
            for d in self.destinations
            if d.kind == "actions" and (source_id is None or d.destination.source_id == source_id)
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "sources": [{"id": s.id, "name": s.name, "slug": s.slug, "enabled": s.enabled} for s in self.sources],
            "destinations": [d.to_json() for d in self.destinations],
            "warnings": self.warnings,
        }

    def lines(self) -> list[str]:
        if not self.destinations:
            return ["No Customer.io destination in this Segment workspace points at this workspace's site id."]
        out: list[str] = []
        for src in self.sources:
            out.append(f"source {src.name or src.slug} ({src.id})")
            for st in [d for d in self.destinations if d.destination.source_id == src.id]:
                d = st.destination
                state = "enabled" if d.enabled else "disabled"
                out.append(f"  {st.kind:8} {d.name or '(no name)'} ({d.id}): {state}")
                for s in st.subscriptions:  # the condition whole (it says which events the mapping takes)
                    out.append(
                        f"      mapping {s.action_slug or s.action_id}: {'on' if s.enabled else 'off'}"
                        f"  when {' '.join(s.trigger.split())}"
                    )
                for f in st.filters:
                    acts = ", ".join(a.type for a in f.actions)
                    out.append(f"      filter {f.title!r}: {acts} if {f.if_}{'' if f.enabled else ' (disabled)'}")
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


async def read_status(client: SegmentClient, site_id: str, *, source_id: str | None = None) -> SegmentStatus:
    """Read every destination of the Segment workspace and keep the Customer.io ones holding ``site_id``."""
    ours = [
        d
        for d in await client.list_destinations()
        if d.kind is not None and d.site_id == site_id and (source_id is None or d.source_id == source_id)
    ]
    source_ids = list(dict.fromkeys(d.source_id for d in ours))
    sources = [s for s in await client.list_sources() if s.id in source_ids]
    status = SegmentStatus(sources=sources, destinations=[])
    for d in ours:
        st = DestinationStatus(destination=d, filters=await client.list_filters(d.id))
        if d.kind == "actions":
            try:
                st.subscriptions = await client.list_subscriptions(d.id)
            except (SegmentPermissionError, SegmentNotFoundError) as exc:
                st.subscriptions_error = str(exc)
                status.warnings.append(f"subscriptions of {d.id} could not be read: {exc}")
        status.destinations.append(st)
    return status


__all__ = ["DestinationStatus", "SegmentStatus", "read_status"]
