"""How a command works on the workspace: ``workspace(obj)`` opens it (``--profile``, ``--sandbox``, environment
profile) and closes it, ``run(ctx, factory)`` runs the command's coroutine through ``CliContext.run``, which turns
every error the operator can act on into one line and its exit code (:mod:`cio_tui.errors`).

The one plumbing of the CLI: every command that talks to a workspace goes through these and ``CliContext``.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cio_tui.cli.context import echo_json
from cio_tui.errors import EXIT_AUTH, EXIT_NETWORK, EXIT_OK, EXIT_USAGE, EXIT_USER, UserError

if TYPE_CHECKING:
    from cio_tui.cli.context import CliContext
    from cio_tui.workspace import Workspace

T = TypeVar("T")


def obj_of(ctx: click.Context) -> CliContext:
    obj: CliContext = ctx.find_root().obj
    return obj


@asynccontextmanager
async def workspace(obj: CliContext) -> AsyncIterator[Workspace]:
    """The workspace of the command line, closed on exit."""
    ws = await obj.open_workspace()
    try:
        yield ws
    finally:
        await ws.aclose()


def run(ctx: click.Context, factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the command's coroutine; known errors become a one-line message and their exit code."""
    return obj_of(ctx).run(factory())


def is_tty() -> bool:
    return sys.stderr.isatty()


__all__ = [
    "EXIT_AUTH",
    "EXIT_NETWORK",
    "EXIT_OK",
    "EXIT_USAGE",
    "EXIT_USER",
    "UserError",
    "echo_json",
    "is_tty",
    "obj_of",
    "run",
    "workspace",
]
