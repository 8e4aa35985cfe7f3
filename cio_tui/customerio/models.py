"""Typed models of what the Customer.io APIs return, as the rest of the tool sees them.

App API attribute values are always strings on the wire; ``Person.attributes`` keeps them as strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from cio_tui.regions import Region


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RegionInfo(_Model):
    """``GET /api/v1/accounts/region``."""

    url: str
    region: Region
    environment_id: int | None = None


class PersonRef(_Model):
    """The three identifiers of a person as search and email lookups return them (id/email may be null)."""

    cio_id: str
    id: str | None = None
    email: str | None = None

    @property
    def is_lead(self) -> bool:
        return bool(self.email) and not self.id


class Device(_Model):
    id: str
    platform: str | None = None
    last_used: int | None = None


class Person(_Model):
    """A person as ``GET /v1/customers/{id}/attributes`` describes them."""

    cio_id: str
    id: str | None = None
    email: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    unsubscribed: bool = False
    devices: list[Device] = Field(default_factory=list)
    timestamps: dict[str, int] = Field(default_factory=dict)

    @property
    def ref(self) -> PersonRef:
        return PersonRef(cio_id=self.cio_id, id=self.id, email=self.email)

    @property
    def created_at(self) -> int | None:
        raw = self.attributes.get("created_at") or self.timestamps.get("created_at")
        try:
            return int(raw) if raw not in (None, "") else None
        except (TypeError, ValueError):
            return None

    @property
    def is_lead(self) -> bool:
        return bool(self.email) and not self.id


class Activity(_Model):
    """One entry of ``/v1/customers/{id}/activities``; ``type`` e.g. ``failed_attribute_change``, ``profile_merge``."""

    id: str
    type: str
    name: str | None = None
    timestamp: int
    data: dict[str, Any] = Field(default_factory=dict)
    customer_id: str | None = None

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp).astimezone()


class SegmentRef(_Model):
    id: int
    name: str
    description: str | None = None
    type: str | None = None


class Message(_Model):
    id: str
    type: str | None = None
    subject: str | None = None
    created: int | None = None
    metrics: dict[str, Any] = Field(default_factory=dict)


class SearchPage(_Model):
    """One page of ``POST /v1/customers`` (filter search). ``next`` is empty on the last page."""

    identifiers: list[PersonRef] = Field(default_factory=list)
    next: str | None = None


class WorkspaceInfo(_Model):
    id: int
    name: str
    people: int | None = None
    messages_sent: int | None = None


ExportStatus = Literal["pending", "done", "failed"]
EXPORT_STATUSES: tuple[ExportStatus, ...] = get_args(ExportStatus)


class ExportInfo(_Model):
    id: int
    status: ExportStatus = "pending"
    failed: bool = False
    total: int = 0
    description: str | None = None
    created_at: int | None = None
    updated_at: int | None = None


class BatchItemError(_Model):
    batch_index: int
    reason: str | None = None
    field: str | None = None
    message: str


class BatchResult(_Model):
    """Track v2 ``/batch``: 200 means all accepted; 207 lists the failed indexes (the others were accepted)."""

    accepted: list[int] = Field(default_factory=list)
    errors: list[BatchItemError] = Field(default_factory=list)
