"""Which Segment workspace, with which token, for the open Customer.io workspace.

Order: the sandbox (its emulated Segment workspace, same transport as its Customer.io side); then
``CIO_TUI_SEGMENT_TOKEN`` (+ optional ``CIO_TUI_SEGMENT_URL``), which never touches the keyring; then the profile's
token in the keyring (``cio-tui profile add NAME --segment``) with the profile's ``segment_region``/``segment_url``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, Unpack

import httpx
from pydantic import SecretStr

from cio_tui.errors import EXIT_AUTH, NextStep, UserError
from cio_tui.segment_api.client import SegmentClient
from cio_tui.segment_api.versions import Bucket, default_host

if TYPE_CHECKING:
    from cio_tui.config import Profile, Settings
    from cio_tui.credentials import CredentialStore
    from cio_tui.segment_api.http import HttpOptions


class SegmentWorkspace(Protocol):
    """What choosing the Segment workspace needs of the open Customer.io one (``cio_tui.workspace.Workspace``)."""

    @property
    def name(self) -> str: ...
    @property
    def is_sandbox(self) -> bool: ...
    @property
    def profile(self) -> Profile: ...


SANDBOX_TOKEN = "sandbox-segment-token"  # the emulated workspace's token (not a secret)
SANDBOX_PATH = "/segment"


class SegmentNotConfiguredError(UserError):
    """No Segment token for this workspace; the message says how to give one."""

    exit_code = EXIT_AUTH
    next_step = NextStep.ENTER_KEYS


def sandbox_segment_url(origin: str) -> str:
    return origin.rstrip("/") + SANDBOX_PATH


def open_segment(
    settings: Settings | None,
    credentials: CredentialStore | None,
    workspace: SegmentWorkspace,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    token: SecretStr | None = None,
    **options: Unpack[HttpOptions],
) -> SegmentClient:
    """The Segment client for ``workspace`` (an open ``Workspace``). ``token`` overrides (tests, rehearsals)."""
    transport = transport or getattr(workspace, "transport", None)
    env_token: SecretStr | None = getattr(settings, "segment_token", None)
    env_url: str | None = getattr(settings, "segment_url", None)
    profile = workspace.profile
    if workspace.is_sandbox and token is None and env_token is None:
        origin = profile.app_url or profile.track_url or ""
        limits: dict[Bucket, int] = {"default": 100_000, "subscriptions": 100_000}
        return SegmentClient(
            env_url or sandbox_segment_url(origin),
            SecretStr(SANDBOX_TOKEN),
            transport=transport,
            limits=limits,
            **options,
        )
    if token is None:
        token = env_token if env_token is not None and env_token.get_secret_value() else None
    if token is None and not workspace.is_sandbox and workspace.name != "env" and credentials is not None:
        token = credentials.get(workspace.name, "segment")
    if token is None:
        raise SegmentNotConfiguredError(
            f"no Segment Public API token for workspace {workspace.name}: run `cio-tui profile add "
            f"{workspace.name} --segment` to store one in the keyring, or set CIO_TUI_SEGMENT_TOKEN (a token of the "
            "Segment workspace whose sources feed this Customer.io workspace, with the Workspace Owner or Source Admin "
            "role)"
        )
    region = getattr(profile, "segment_region", None) or "us"
    url = env_url or getattr(profile, "segment_url", None) or default_host(region)
    if workspace.is_sandbox:
        url = env_url or sandbox_segment_url(profile.app_url or "")
    return SegmentClient(url, token, transport=transport, **options)


__all__ = ["SANDBOX_TOKEN", "SegmentNotConfiguredError", "open_segment", "sandbox_segment_url"]
