"""One row of the behaviour table, and the public sources the rows cite (the sandbox server's rows cite them too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Status = Literal["confirmed", "assumed"]

TRACK = "https://customer.io/docs/api/track/#operation/"
SPEC = "https://docs.customer.io/files/journeys-track.json"
APP = "https://docs.customer.io/integrations/api/app/"
ACTIONS = "https://github.com/segmentio/action-destinations/tree/main/packages/destination-actions/src/destinations/customerio"
AUTO_MERGE = "https://docs.customer.io/release-notes/2021-10-05-auto-merge/"
ANONYMOUS = "https://docs.customer.io/journeys/anonymous-events/"
IDENTIFYING = "https://docs.customer.io/journeys/identifying-people/"
NODE_FIXTURES = "https://github.com/customerio/customerio-node/tree/main/test/fixtures/responses"


@dataclass(frozen=True)
class Behaviour:
    key: str
    area: str
    title: str
    does: str
    source: str
    status: Status
    note: str = ""  # what exactly is assumed, when the status is "assumed"


def b(key: str, area: str, title: str, does: str, source: str, status: Status, note: str = "") -> Behaviour:
    """A row, positionally (the tables read as columns)."""
    return Behaviour(key, area, title, does, source, status, note)


__all__ = [
    "ACTIONS",
    "ANONYMOUS",
    "APP",
    "AUTO_MERGE",
    "IDENTIFYING",
    "NODE_FIXTURES",
    "SPEC",
    "TRACK",
    "Behaviour",
    "Status",
    "b",
]
