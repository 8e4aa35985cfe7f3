"""The ``cio-tui`` click group: the bare command opens the TUI; subcommands are headless (they never import Textual).

Each subcommand lives in its own module of this package and imports heavy layers lazily inside the command. The
console script starts in ``cio_tui.cli.entry``, which opens the TUI without this group (and click) when the command
line has only the TUI's own options.
"""

from __future__ import annotations

import click

from cio_tui import __version__
from cio_tui.cli.lazy import LazyGroup

# Each command's module is imported only when it runs: `cio-tui duplicates` must not pay for the others.
COMMANDS = {
    "apply": "cio_tui.cli.apply:apply_cmd",
    "duplicates": "cio_tui.cli.duplicates:duplicates_cmd",
    "journal": "cio_tui.cli.journal:journal_group",
    "leads": "cio_tui.cli.leads:leads_cmd",
    "person": "cio_tui.cli.person:person_cmd",
    "plan": "cio_tui.cli.plan:plan_group",
    "preview": "cio_tui.cli.preview:preview_cmd",
    "profile": "cio_tui.cli.profile:profile_group",
    "replay": "cio_tui.cli.replay:replay_cmd",
    "sandbox": "cio_tui.cli.sandbox:sandbox_group",
    "segment": "cio_tui.cli.segment:segment_group",
    "walkthrough": "cio_tui.cli.walkthrough:walkthrough_group",
}


@click.group(
    cls=LazyGroup,
    lazy_subcommands=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="cio-tui")
@click.option("--profile", "profile", metavar="NAME", help="Workspace profile to use (see `cio-tui profile list`).")
@click.option("--sandbox", is_flag=True, help="Use the embedded sandbox workspace (no account needed).")
@click.pass_context
def main(ctx: click.Context, profile: str | None, sandbox: bool) -> None:
    """Move Customer.io from Segment's classic destination to Destination Actions, and repair people data.

    Run with no command to open the terminal UI.
    """
    from cio_tui.cli.context import CliContext

    ctx.obj = CliContext.create(profile_name=profile, sandbox=sandbox)
    if ctx.invoked_subcommand is None:
        from cio_tui.cli.tui import run_tui

        ctx.exit(run_tui(ctx.obj))
