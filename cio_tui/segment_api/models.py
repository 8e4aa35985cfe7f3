"""Typed views of the Public API objects cio-tui reads (fields as named in segmentio/public-api-sdk-python's
models: ``DestinationV1``, ``DestinationSubscription``, ``DestinationFilterV1``, ``DestinationMetadataV1``...).

Unknown fields are ignored (Segment adds fields over time); ``raw`` keeps what came back for the journal.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Catalog ids of the two Customer.io destinations (Segment's destinations catalog, segmentio/segment-docs
# src/_data/catalog/destinations.yml).
CLASSIC_METADATA_ID = "54521fd525e721e32a72eea8"
ACTIONS_METADATA_ID = "5f7dd78fe27ce7ff2b8bfa37"
CUSTOMERIO_METADATA_IDS = {CLASSIC_METADATA_ID: "classic", ACTIONS_METADATA_ID: "actions"}

US_REGION = "US 🇺🇸"
EU_REGION = "EU 🇪🇺"
# Settings whose values are credentials: shown masked, never logged.
# The site id is not one: it names the workspace and the Customer.io profile shows it too.
SECRET_SETTINGS = frozenset({"apiKey", "api_key", "password", "token", "writeKey", "secret"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Pagination(_Model):
    current: str | None = None
    next: str | None = None
    previous: str | None = None
    total_entries: int | None = Field(default=None, alias="totalEntries")


class Source(_Model):
    id: str
    slug: str = ""
    name: str | None = None
    enabled: bool = True
    workspace_id: str | None = Field(default=None, alias="workspaceId")


class MetadataRef(_Model):
    id: str
    slug: str = ""
    name: str = ""


class Destination(_Model):
    id: str
    name: str | None = None
    enabled: bool
    metadata: MetadataRef
    source_id: str = Field(alias="sourceId")
    settings: dict[str, Any] = Field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        """``classic`` / ``actions`` for the two Customer.io destinations, else None."""
        return CUSTOMERIO_METADATA_IDS.get(self.metadata.id)

    @property
    def site_id(self) -> str | None:
        value = self.settings.get("siteId")
        return str(value) if value else None


class Subscription(_Model):
    id: str
    name: str = ""
    action_id: str = Field(alias="actionId")
    action_slug: str = Field(default="", alias="actionSlug")
    destination_id: str = Field(default="", alias="destinationId")
    enabled: bool = True
    trigger: str = ""
    settings: dict[str, Any] = Field(default_factory=dict)


class FilterAction(_Model):
    type: str
    fields: dict[str, Any] | None = None
    percent: float | None = None
    path: str | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class DestinationFilter(_Model):
    id: str
    source_id: str = Field(default="", alias="sourceId")
    destination_id: str = Field(default="", alias="destinationId")
    if_: str = Field(alias="if")
    actions: list[FilterAction] = Field(default_factory=list)
    title: str = ""
    description: str | None = None
    enabled: bool = True


class MetadataAction(_Model):
    id: str
    slug: str
    name: str = ""
    default_trigger: str | None = Field(default=None, alias="defaultTrigger")
    hidden: bool = False


class Preset(_Model):
    action_id: str = Field(alias="actionId")
    name: str
    fields: dict[str, Any] = Field(default_factory=dict)
    trigger: str


class DestinationMetadata(_Model):
    id: str
    name: str = ""
    slug: str = ""
    actions: list[MetadataAction] = Field(default_factory=list)
    presets: list[Preset] = Field(default_factory=list)

    def action(self, action_id: str) -> MetadataAction | None:
        return next((a for a in self.actions if a.id == action_id), None)


class DeliveryCount(_Model):
    """One delivery-overview answer, reduced to what verification needs: the total in the window."""

    total: int = 0


def mask_settings(settings: dict[str, Any]) -> dict[str, Any]:
    """Settings for display: credentials shown as ``****`` plus their last four characters."""
    out: dict[str, Any] = {}
    for key, value in settings.items():
        if key in SECRET_SETTINGS and isinstance(value, str) and value:
            out[key] = "****" + value[-4:] if len(value) > 8 else "****"
        else:
            out[key] = value
    return out


def region_value(datacenter: object) -> str:
    """The Actions destination's ``accountRegion`` for a classic ``datacenter`` setting (``eu`` -> EU)."""
    return EU_REGION if str(datacenter or "").strip().lower() == "eu" else US_REGION


__all__ = [
    "ACTIONS_METADATA_ID",
    "CLASSIC_METADATA_ID",
    "CUSTOMERIO_METADATA_IDS",
    "EU_REGION",
    "US_REGION",
    "DeliveryCount",
    "Destination",
    "DestinationFilter",
    "DestinationMetadata",
    "FilterAction",
    "MetadataAction",
    "MetadataRef",
    "Pagination",
    "Preset",
    "Source",
    "Subscription",
    "mask_settings",
    "region_value",
]
