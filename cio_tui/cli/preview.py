"""Placeholder: replaced by the module's owner (issue 5)."""

import click


@click.command("preview")
def preview_cmd() -> None:
    """Not built yet (issue 5)."""
    raise click.ClickException("not built yet")
