"""``cio-tui``: bare command opens the TUI; subcommands are headless (they never import Textual).

The click group is ``main`` (defined in ``cio_tui.cli.root``, imported on first use: the console script's start,
``cio_tui.cli.entry``, opens the TUI without click when it can). Each subcommand lives in its own module of this
package and imports heavy layers lazily inside the command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cio_tui.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from cio_tui.cli.root import main

__getattr__ = lazy_exports(__name__, {"main": "root"})

__all__ = ["main"]
