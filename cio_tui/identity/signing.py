"""Plan signatures: an HMAC-SHA256 of the plan's content with a key kept per workspace.

``plan_id`` is a digest anyone can recompute after editing a plan; the signature is not: it needs the workspace's
plan key, which cio-tui keeps in the OS keyring (``CredentialStore.plan_key``; when no keyring is usable, a key
derived from the workspace's App API key, ``workspace.derive_plan_key``, the same in every process that has it).
``apply`` refuses a plan whose signature is missing or wrong unless the operator passes ``--allow-unsigned``, and
then shows what differs from a plan derived afresh from the workspace.

The sandbox's key is fixed and public, like its API keys: a sandbox plan proves nothing, and needs nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any, Protocol, Self, TypeVar

from cio_tui.identity.plan import PlanError

SANDBOX_PLAN_KEY = hashlib.sha256(b"cio-tui sandbox plan key (public)").digest()


class UnsignedPlanError(PlanError):
    """The plan has no valid signature for the open workspace."""


class Signable(Protocol):
    """A plan model with a signature: a people ``Plan`` or a ``SegmentPlan`` (the MAC covers the same content)."""

    @property
    def signature(self) -> str: ...
    def model_dump(self, *, mode: str, exclude: set[str]) -> dict[str, Any]: ...
    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self: ...


S = TypeVar("S", bound=Signable)


def _mac(plan: Signable, key: bytes) -> str:
    data = plan.model_dump(mode="json", exclude={"signature"})
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, raw, hashlib.sha256).hexdigest()


def sign_plan(plan: S, key: bytes) -> S:
    """The same plan with its signature for ``key``."""
    return plan.model_copy(update={"signature": _mac(plan, key)})


def signature_problem(plan: Signable, key: bytes) -> str | None:
    """Why ``plan`` is not signed by ``key`` (None when it is)."""
    if not plan.signature:
        return "the plan is not signed (it was not made by cio-tui on this workspace, or its signature was removed)"
    if not hmac.compare_digest(plan.signature, _mac(plan, key)):
        return (
            "the plan's signature does not match: it was edited after it was made, or made with another key "
            "(another machine or keyring, or other keys)"
        )
    return None


def require_signature(plan: Signable, key: bytes) -> None:
    problem = signature_problem(plan, key)
    if problem:
        raise UnsignedPlanError(
            f"{problem}. Make the plan again on this machine, or review what differs and apply it anyway with "
            "`cio-tui apply PLAN.json --allow-unsigned`"
        )


__all__ = ["SANDBOX_PLAN_KEY", "UnsignedPlanError", "require_signature", "sign_plan", "signature_problem"]
