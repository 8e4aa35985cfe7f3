"""The CLI context every command receives (``click.pass_obj``): settings, credentials, workspace opening,
and the mapping of errors to exit codes and plain messages.

Exit codes: 0 ok, 1 not found / user error, 2 usage (click), 3 authentication/permission, 4 network/region.
Messages never contain keys (every printed text goes through :func:`cio_tui.redaction.redact`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from cio_tui.errors import EXIT_AUTH, EXIT_NETWORK, EXIT_OK, EXIT_USAGE, EXIT_USER, NextStep, UserError, classify

if TYPE_CHECKING:
    import httpx

    from cio_tui.config import Settings
    from cio_tui.credentials import CredentialStore
    from cio_tui.workspace import Workspace

T = TypeVar("T")


@dataclass
class CliContext:
    profile_name: str | None
    sandbox: bool
    _settings: Settings | None = field(default=None, repr=False)
    _credentials: CredentialStore | None = field(default=None, repr=False)
    workspace_name: str | None = None
    """Name of the workspace opened by :meth:`open_workspace` (used in error messages)."""
    transport: httpx.AsyncBaseTransport | None = field(default=None, repr=False)
    """An ``httpx.AsyncBaseTransport`` used instead of the network (tests); None in real use."""

    @classmethod
    def create(
        cls,
        profile_name: str | None,
        sandbox: bool,
        *,
        settings: Settings | None = None,
        credentials: CredentialStore | None = None,
    ) -> CliContext:
        """No IO: settings load and the keyring is probed on first use; log redaction is installed on first use
        of the settings or the credentials (no secret can be read before), so that the TUI's first frame does not
        wait for pydantic."""
        return cls(profile_name=profile_name, sandbox=sandbox, _settings=settings, _credentials=credentials)

    # -- services -------------------------------------------------------------------------------------------
    @staticmethod
    def _redact_logs() -> None:
        from cio_tui.redaction import install_log_redaction

        install_log_redaction(logging.getLogger())

    @property
    def settings(self) -> Settings:
        self._redact_logs()
        if self._settings is None:
            from cio_tui.config import load_settings

            with self.guard():
                self._settings = load_settings()
        return self._settings

    @property
    def credentials(self) -> CredentialStore:
        self._redact_logs()
        if self._credentials is None:
            from cio_tui.credentials import CredentialStore

            self._credentials = CredentialStore()
        return self._credentials

    async def open_workspace(self) -> Workspace:
        """The workspace of this command line (``--sandbox``, env profile, ``--profile``, default profile).
        The caller closes it (``await ws.aclose()`` or ``async with``)."""
        from cio_tui.workspace import open_workspace

        ws = await open_workspace(
            self.settings,
            self.credentials,
            profile_name=self.profile_name,
            sandbox=self.sandbox,
            transport=self.transport,
        )
        self.workspace_name = ws.name
        return ws

    # -- running and failing ---------------------------------------------------------------------------------
    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro``; known errors print one plain line on stderr and exit with their code."""
        import asyncio  # here, not at the top: commands that run no IO (duplicates on a file) skip its import

        with self.guard():
            try:
                return asyncio.run(coro)
            except KeyboardInterrupt:
                click.echo("interrupted", err=True)
                raise click.exceptions.Exit(130) from None
        raise AssertionError("unreachable")  # pragma: no cover - guard() always raises on error

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Map exceptions raised inside to a message and exit code (for synchronous code paths)."""
        try:
            yield
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            mapped = self.describe_error(exc)
            if mapped is None:
                raise
            message, code = mapped
            self.fail(message, code)

    def fail(self, message: str, code: int = EXIT_USER) -> NoReturn:
        from cio_tui.redaction import redact

        click.echo(f"error: {redact(message)}", err=True)
        raise click.exceptions.Exit(code)

    def _profile_label(self) -> str:
        name = self.workspace_name or ("sandbox" if self.sandbox else self.profile_name)
        if name is None and self._settings is not None:
            name = "env" if self._settings.has_env_profile else self._settings.default_profile
        return name or "(default)"

    def describe_error(self, exc: BaseException) -> tuple[str, int] | None:
        """(message, exit code) for an error the operator can act on (:func:`cio_tui.errors.classify`), None for an
        unexpected one. A key the workspace refused is named with the profile and the command that checks it."""
        from cio_tui.customerio import errors as e

        found = classify(exc)
        if found is None:
            return None
        code, step = found
        if isinstance(exc, e.CustomerIOError) and step in (NextStep.FIX_KEYS, NextStep.WIDEN_KEY):
            profile = self._profile_label()
            label = {"track": "Track API key", "app": "App API key"}.get(exc.api or "", "API key")
            if step is NextStep.FIX_KEYS:
                extra = " (or the site id is wrong)" if exc.api == "track" else ""
                return (
                    f"authentication failed for the {label} of profile {profile}{extra}. "
                    f"Run `cio-tui profile check {profile}` to see which key fails, and "
                    f"`cio-tui profile add {profile}` to enter it again",
                    code,
                )
            return (
                f"the {label} of profile {profile} is not allowed to do this (HTTP {exc.status}): "
                "give the key a wider scope in Customer.io",
                code,
            )
        return str(exc), code


def echo_json(data: object) -> None:
    """Print JSON (pydantic models and other objects via their JSON form)."""
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(obj: object) -> object:
    dump = getattr(obj, "model_dump", None)
    if dump is not None:
        return dump(mode="json")
    return str(obj)


pass_cli = click.make_pass_decorator(CliContext)

__all__ = [
    "EXIT_AUTH",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_USER",
    "CliContext",
    "UserError",
    "echo_json",
    "pass_cli",
]
