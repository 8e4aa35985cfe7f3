"""The kinds of operation a plan holds and the one request each kind sends.

``derive_request`` is the single rule: the builders (``identity/operations.py``) call it, and plan loading
(``identity/plan.py`` ``check_operation``) re-checks every operation's ``request`` against it, so a hand-edited plan
cannot send something its review does not show. A new kind is an ``OpKind`` member and its ``KindSpec`` in ``KINDS``
(its words, its request, whether sending it twice is harmless and whether it can be undone; a kind with a request
of its own shape gets its branch in ``derive_request``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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


Method = Literal["PUT", "POST", "DELETE"]


@dataclass(frozen=True)
class KindSpec:
    """Everything the engine and the screens know about one kind, in one place."""

    words: str
    """How Plan/Apply and the summaries name it (``"assign id"``)."""
    request: tuple[Method, tuple[str, ...], bool] | None
    """What it sends: (method, path words after the person, has a body); None: its own branch in
    ``derive_request`` (merge: its own path and body)."""
    idempotent: bool
    """Sent twice, the workspace ends as sent once (a PUT of a state; a delete or suppression of one cio_id; an
    unsuppression). A merge is not: once its secondary is gone the same request can meet another person, so a
    merge whose outcome is unknown is resent only on the operator's explicit choice."""
    irreversible: bool = False
    """Customer.io cannot undo it (the review and the confirmation say so)."""


KINDS: dict[OpKind, KindSpec] = {
    OpKind.ASSIGN_ID: KindSpec("assign id", ("PUT", (), True), idempotent=True),
    OpKind.CHANGE_ID: KindSpec("change id", ("PUT", (), True), idempotent=True),
    OpKind.CHANGE_EMAIL: KindSpec("change email", ("PUT", (), True), idempotent=True),
    OpKind.MERGE: KindSpec("merge", None, idempotent=False, irreversible=True),
    OpKind.DELETE: KindSpec("delete", ("DELETE", (), False), idempotent=True, irreversible=True),
    OpKind.SUPPRESS: KindSpec("suppress", ("POST", ("suppress",), False), idempotent=True, irreversible=True),
    OpKind.UNSUPPRESS: KindSpec("unsuppress", ("POST", ("unsuppress",), False), idempotent=True),
    OpKind.UNSUBSCRIBE: KindSpec("unsubscribe", ("PUT", (), True), idempotent=True),
    OpKind.IDENTIFY: KindSpec("set attributes", ("PUT", (), True), idempotent=True),
}
assert set(KINDS) == set(OpKind), "every kind has its KindSpec"
IDEMPOTENT_KINDS = frozenset(kind for kind, spec in KINDS.items() if spec.idempotent)
IRREVERSIBLE_KINDS = frozenset(kind for kind, spec in KINDS.items() if spec.irreversible)


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
    shape = KINDS[kind].request
    assert shape is not None, f"{kind.value} has its own branch above"
    method, rest, has_body = shape
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


__all__ = [
    "IDEMPOTENT_KINDS",
    "IRREVERSIBLE_KINDS",
    "KINDS",
    "MERGE_PATH",
    "KindSpec",
    "OpKind",
    "PlanError",
    "PlannedRequest",
    "derive_request",
]
