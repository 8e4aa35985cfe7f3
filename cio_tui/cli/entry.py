"""The console script's start: ``cio-tui`` with only the TUI's own options opens the TUI without importing click.

The click group (``cio_tui.cli.root``) costs about 13 ms to import, and the TUI's first frame waited for it. A command
line of ``--sandbox`` and ``--profile NAME`` alone (each at most once, in any order, or nothing) means what the
group does with it: the same context, the same ``run_tui``. Anything else (a subcommand, ``--help``, ``--version``, a
repeated or unknown option, a value that looks like an option, shell completion) goes to the group unchanged.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence

PROFILE = "--profile"
SANDBOX = "--sandbox"


def tui_options(args: Sequence[str]) -> tuple[str | None, bool] | None:
    """(profile name, sandbox) when ``args`` holds only the TUI's own options, else None (click decides)."""
    profile: str | None = None
    sandbox = False
    seen: set[str] = set()
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, eq, value = arg.partition("=")
        if name in seen:
            return None
        seen.add(name)
        if arg == SANDBOX:
            sandbox = True
        elif name == PROFILE:
            if not eq:
                if not rest:
                    return None
                value = rest.pop(0)
            if not value or value.startswith("-"):
                return None
            profile = value
        else:
            return None
    return profile, sandbox


def _completing() -> bool:
    """Shell completion is asked (click reads ``_<PROG>_COMPLETE``): only the group answers it."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def main() -> None:
    options = None if _completing() else tui_options(sys.argv[1:])
    if options is None:
        from cio_tui.cli.root import main as group

        group()
        return
    profile, sandbox = options
    from cio_tui.cli.tui import run_tui_with

    try:
        code = run_tui_with(profile_name=profile, sandbox=sandbox)
    except (EOFError, KeyboardInterrupt):  # as click's standalone mode answers them
        sys.stderr.write("\nAborted!\n")
        sys.exit(1)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        sys.exit(1)
    sys.exit(code)


__all__ = ["main", "tui_options"]
