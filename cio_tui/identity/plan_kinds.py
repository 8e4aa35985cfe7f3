"""The kinds of operation a plan holds and the one request each kind sends.

``derive_request`` is the single rule: the builders (``identity/operations.py``) call it, and plan loading
(``identity/plan.py`` ``check_operation``) re-checks every operation's ``request`` against it, so a hand-edited plan
cannot send something its review does not show. A new kind is an ``OpKind`` member, its entry in
``_KIND_REQUESTS`` (or its own branch in ``derive_request``) and, if sending it twice is harmless, in
``IDEMPOTENT_KINDS``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from cio_tui.customerio.identifiers import Identifier, IdKind
from cio_tui.errors import UserError

MERGE_PATH = "/api/v1/merge_customers"


class PlanError(UserError, ValueError):
    """A plan that cannot be read or used; the message says what to do."""


class OpKind(StrEnum):
    ASSIGN_ID = "assign_id"
    CHANGE_ID = "change_id"
    CHANGE_EMAIL = "change_email"
    MERGE = "merge"
    DELETE = "delete"
    SUPPRESS = "suppress"
    UNSUPPRESS = "unsuppress"
    UNSUBSCRIBE = "unsubscribe"
    IDENTIFY = "identify"


# Kinds whose request, sent twice, leaves the workspace as sending it once does (a PUT of a state; a delete or
# suppression of one cio_id; an unsuppression). A merge is not: once its secondary is gone, the same request can
# meet another person, so one whose outcome is unknown is resent only on the operator's explicit choice.
IDEMPOTENT_KINDS = frozenset(
    {
        OpKind.ASSIGN_ID,
        OpKind.CHANGE_ID,
        OpKind.CHANGE_EMAIL,
        OpKind.IDENTIFY,
        OpKind.UNSUBSCRIBE,
        OpKind.DELETE,
        OpKind.SUPPRESS,
        OpKind.UNSUPPRESS,
    }
)


class PlannedRequest(BaseModel):
    """The exact request an operation sends. Never holds credentials (auth is added by the client)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api: Literal["track", "app", "segment"] = "track"  # segment: a Segment Public API write (cio_tui/cutover)
    method: Literal["GET", "PUT", "POST", "PATCH", "DELETE"]
    path: str
    body: dict[str, Any] | None = None

    def line(self) -> str:
        body = "" if self.body is None else " " + json.dumps(self.body, sort_keys=True, ensure_ascii=False)
        return f"{self.method} {self.path}{body}"


# The request each kind sends, as (method, path words after the person, has a body); merge has its own path and body.
_KIND_REQUESTS: dict[OpKind, tuple[Literal["PUT", "POST", "DELETE"], tuple[str, ...], bool]] = {
    OpKind.ASSIGN_ID: ("PUT", (), True),
    OpKind.CHANGE_ID: ("PUT", (), True),
    OpKind.CHANGE_EMAIL: ("PUT", (), True),
    OpKind.IDENTIFY: ("PUT", (), True),
    OpKind.UNSUBSCRIBE: ("PUT", (), True),
    OpKind.DELETE: ("DELETE", (), False),
    OpKind.SUPPRESS: ("POST", ("suppress",), False),
    OpKind.UNSUPPRESS: ("POST", ("unsuppress",), False),
}


def derive_request(
    kind: OpKind, subject: Identifier, secondary: Identifier | None, attributes: dict[str, Any] | None
) -> PlannedRequest:
    """The one request an operation of ``kind`` on ``subject`` sends: the builders use it, and plan loading checks
    every operation's ``request`` against it (a hand-edited plan cannot send something its review does not show).
    Raises PlanError when the fields cannot make a request."""
    if kind is OpKind.MERGE:
        if secondary is None or attributes is not None:
            raise PlanError("a merge names a secondary and has no attributes")
        return PlannedRequest(
            method="POST", path=MERGE_PATH, body={"primary": subject.body(), "secondary": secondary.body()}
        )
    method, rest, has_body = _KIND_REQUESTS[kind]
    if secondary is not None:
        raise PlanError(f"a {kind.value} operation has no secondary person")
    if has_body and not attributes:
        raise PlanError(f"a {kind.value} operation needs attributes")
    if not has_body and attributes is not None:
        raise PlanError(f"a {kind.value} operation has no attributes")
    if (kind is OpKind.UNSUPPRESS) == (subject.kind is IdKind.CIO_ID):
        raise PlanError(f"a {kind.value} operation addresses the person by {subject.kind.value}, which it never does")
    body = dict(attributes) if has_body and attributes else None
    return PlannedRequest(method=method, path=subject.customer_path(*rest), body=body)


__all__ = ["IDEMPOTENT_KINDS", "MERGE_PATH", "OpKind", "PlanError", "PlannedRequest", "derive_request"]
