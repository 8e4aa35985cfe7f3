"""Shared by the plan/apply/leads/journal commands: open the workspace, run a coroutine, map errors to exit codes.

Uses the foundation's ``CliContext`` (``run``, ``open_workspace``) when it provides them, and an equivalent
fallback otherwise. Exit codes: 0 ok, 1 not found / user error, 2 usage, 3 auth/permission, 4 network/region.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import click

T = TypeVar("T")

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_AUTH, EXIT_NETWORK = 0, 1, 2, 3, 4


class Exit(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Leave the command with this code after printing ``message`` on stderr (when given)."""

    def __init__(self, code: int, message: str | None = None) -> None:
        super().__init__(message or "")
        self.code, self.message = code, message
        self.exit_code = code  # what CliContext.run maps to the exit code


def obj_of(ctx: click.Context) -> Any:
    return ctx.find_root().obj


@asynccontextmanager
async def workspace(obj: Any) -> AsyncIterator[Any]:
    """The workspace of the command line (``--profile``, ``--sandbox``, environment profile), closed on exit."""
    opener = getattr(obj, "open_workspace", None)
    if opener is not None:
        ws = await opener()
    else:
        from cio_tui.config import load_settings
        from cio_tui.credentials import CredentialStore
        from cio_tui.workspace import open_workspace

        ws = await open_workspace(
            load_settings(),
            CredentialStore(),
            profile_name=getattr(obj, "profile_name", None),
            sandbox=bool(getattr(obj, "sandbox", False)),
        )
    try:
        yield ws
    finally:
        await ws.aclose()


def exit_code_for(exc: BaseException) -> int | None:
    from cio_tui.customerio import errors as e

    if isinstance(exc, e.AuthError | e.PermissionDeniedError):
        return EXIT_AUTH
    if isinstance(exc, e.NetworkError | e.RegionError):
        return EXIT_NETWORK
    if isinstance(exc, e.CustomerIOError):
        return EXIT_USER
    names = {c.__name__ for c in type(exc).__mro__}
    if names & {
        "PlanError",
        "UnsignedPlanError",
        "JournalError",
        "WrongWorkspaceError",
        "CsvFormatError",
        "ConfigError",
        "CredentialError",
        "IdentifierError",
        "FileNotFoundError",
        "LeaseError",
    }:
        return EXIT_USER
    return None


def run(ctx: click.Context, factory: Callable[[], Awaitable[T]]) -> T:
    """Run the coroutine; known errors become a one-line message and their exit code (``CliContext.run`` when the
    context provides it)."""
    obj = obj_of(ctx)
    if hasattr(obj, "run"):
        return obj.run(factory())  # type: ignore[arg-type]
    try:
        return asyncio.run(factory())  # type: ignore[arg-type]
    except Exit as exc:
        if exc.message:
            click.echo(exc.message, err=True)
        ctx.exit(exc.code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        ctx.exit(130)
    except Exception as exc:
        code = exit_code_for(exc)
        if code is None:
            raise
        click.echo(f"error: {exc}", err=True)
        ctx.exit(code)
    raise AssertionError("unreachable")


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def is_tty() -> bool:
    return sys.stderr.isatty()
