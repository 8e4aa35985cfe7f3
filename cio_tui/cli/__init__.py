"""``cio-tui``: bare command opens the TUI; subcommands are headless (they never import Textual).

Each subcommand lives in its own module of this package and imports heavy layers lazily inside the command.
"""

from __future__ import annotations

import click

from cio_tui import __version__
from cio_tui.cli.apply import apply_cmd
from cio_tui.cli.duplicates import duplicates_cmd, plan_merge_duplicates
from cio_tui.cli.journal import journal_group
from cio_tui.cli.leads import leads_cmd
from cio_tui.cli.person import person_cmd
from cio_tui.cli.plan import plan_group
from cio_tui.cli.preview import preview_cmd
from cio_tui.cli.profile import profile_group
from cio_tui.cli.sandbox import sandbox_group
from cio_tui.cli.walkthrough import walkthrough_group


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
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

        run_tui(ctx.obj)


for _cmd in (
    profile_group,
    person_cmd,
    sandbox_group,
    preview_cmd,
    leads_cmd,
    plan_group,
    apply_cmd,
    journal_group,
    duplicates_cmd,
    walkthrough_group,
):
    main.add_command(_cmd)
plan_group.add_command(plan_merge_duplicates)
