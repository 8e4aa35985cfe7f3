"""Placeholder: replaced by the module's owner (issue 6)."""

import click


@click.command("leads")
def leads_cmd() -> None:
    """Not built yet (issue 6)."""
    raise click.ClickException("not built yet")
