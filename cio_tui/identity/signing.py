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
import shlex
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from cio_tui.identity.plan import PlanError, load_plan
from cio_tui.identity.workspace_view import WorkspaceView

if TYPE_CHECKING:
    from cio_tui.identity.plan import Plan

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


def open_for_review(
    path: str | Path, workspace: WorkspaceView | None, progress: Callable[[int, int], None] | None = None
) -> Plan:
    """A plan file opened where there is no "apply anyway" (the TUI): one for the open workspace must carry its
    signature (an unsigned one is refused, pointing at the reviewed command-line route); one for another workspace
    opens, and its review says whose it is (applying it is refused)."""
    plan = load_plan(path, progress=progress)
    if workspace is not None and plan.workspace_fingerprint == workspace.fingerprint:
        problem = signature_problem(plan, workspace.plan_key())
        if problem:
            raise UnsignedPlanError(review_refusal(problem, Path(path), workspace))
    return plan


def review_refusal(problem: str, path: Path, workspace: WorkspaceView) -> str:
    """Why a review screen does not open an unsigned or edited plan, and the exact command that reviews and applies
    it anyway for the open workspace: the file name quoted for a shell, control characters made visible."""
    from cio_tui.config import ENV_PROFILE_NAME
    from cio_tui.safe_text import safe

    name = workspace.name
    where = "--sandbox " if workspace.is_sandbox else "" if name == ENV_PROFILE_NAME else f"--profile {name} "
    command = f"cio-tui {where}apply {shlex.quote(str(path))} --allow-unsigned"
    return safe(
        f"Not opened: {problem}. Nothing was sent. Make the plan again here, or review it on the command line: "
        f"{command} lists, operation by operation, what differs from the plan cio-tui would make now, then asks "
        "you to type the workspace name before anything is sent."
    )


__all__ = [
    "SANDBOX_PLAN_KEY",
    "UnsignedPlanError",
    "open_for_review",
    "require_signature",
    "review_refusal",
    "sign_plan",
    "signature_problem",
]
