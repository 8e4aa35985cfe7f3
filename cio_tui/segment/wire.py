"""The requests the preview shows, and the one place their paths are built.

This layer never sends anything and does not import ``cio_tui.customerio`` (``segment`` is pure: see the layer
contracts in pyproject.toml); paths are shown without a host because the region is a destination setting
(docs/reference/segment-actions.md).
"""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel

TRACK_V2_ENTITY = "/api/v2/entity"
TRACK_V2_BATCH = "/api/v2/batch"
TRACK_V1_METRICS = "/api/v1/metrics"


class HttpRequest(BaseModel):
    method: Literal["GET", "PUT", "POST", "DELETE"]
    path: str
    body: object = None


class ActionRequest(HttpRequest):
    action: str  # the Segment action slug, e.g. "createUpdatePerson"
    subscription: str | None = None  # the operator's subscription that sent it (None: the default preset)

    def to_json(self) -> dict[str, Any]:
        out = {"action": self.action, "method": self.method, "path": self.path, "body": self.body}
        return {**out, "subscription": self.subscription} if self.subscription is not None else out


class ActionError(BaseModel):
    action: str
    message: str
    subscription: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = {"action": self.action, "message": self.message}
        return {**out, "subscription": self.subscription} if self.subscription is not None else out


def v1_customer_path(identifier: str, *rest: str) -> str:
    """Track v1 ``/api/v1/customers/{identifier}[/rest...]``, each segment percent-encoded.

    The value goes in as the classic destination sends it (Customer.io decides the kind from its shape:
    email-shaped -> email, ``cio_...`` -> cio_id; docs/reference/customerio-track.md). This is deliberately not
    ``Identifier.customer_path`` (the builder of every path cio-tui itself sends): that one refuses an id that
    Customer.io would misread, while the preview must show the classic destination's request as it goes out,
    misreadings included, from a raw ``userId``; and ``segment`` does not import ``customerio``.
    """
    segments = [_quoted(identifier)] + [_quoted(part) for part in rest]
    return "/api/v1/customers/" + "/".join(segments)


_UNRESERVED_RE = re.compile(r"[A-Za-z0-9_.~-]*")  # what quote(safe="") leaves as it is


def _quoted(segment: str) -> str:
    return segment if _UNRESERVED_RE.fullmatch(segment) else quote(segment, safe="")


def batch_body(requests: list[ActionRequest]) -> dict[str, Any]:
    """What the destination sends when batching is on (the default): ``POST /api/v2/batch`` with this body."""
    return {"batch": [r.body for r in requests if r.path == TRACK_V2_ENTITY]}
